// Remembered network settings (src/remote/settings.ts): what is remembered
// between runs, what a new flag replaces, and the conflicts that are refused.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_GATEWAY_URL, DEFAULT_MAINNET_URL, LEGACY_DEFAULTS, resolveSettings, SettingsError } from '../../src/remote/settings.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';

afterAll(() => removeTempDirs());

const SCHED = 's'.repeat(43);
const AUTH = 'a'.repeat(43);

describe('remembered settings', () => {
  it('with nothing remembered: mainnet and its defaults', async () => {
    const s = await resolveSettings({}, tempDir());
    expect(s).toMatchObject({ mode: 'mainnet', url: DEFAULT_MAINNET_URL, gatewayUrl: DEFAULT_GATEWAY_URL, scheduler: undefined });
  });

  it('remembers flags per network, and the last network for a run without flags', async () => {
    const dir = tempDir();
    await resolveSettings({ mainnet: 'http://127.0.0.1:9999/', scheduler: SCHED }, dir);
    const again = await resolveSettings({}, dir);
    expect(again).toMatchObject({ mode: 'mainnet', url: 'http://127.0.0.1:9999', scheduler: SCHED, gatewayUrl: 'http://127.0.0.1:9999' });
    await resolveSettings({ legacy: true, muUrl: 'http://127.0.0.1:7000', authority: AUTH }, dir);
    const legacy = await resolveSettings({}, dir);
    expect(legacy).toMatchObject({ mode: 'legacy', muUrl: 'http://127.0.0.1:7000', cuUrl: 'http://127.0.0.1:7000', authority: AUTH });
    // Each network keeps its own: going back to mainnet finds its node and scheduler again.
    const back = await resolveSettings({ mainnet: true }, dir);
    expect(back).toMatchObject({ mode: 'mainnet', url: 'http://127.0.0.1:9999', scheduler: SCHED });
  });

  it('a new node URL starts from a clean slate (its scheduler may differ)', async () => {
    const dir = tempDir();
    await resolveSettings({ mainnet: 'https://one.example', scheduler: SCHED }, dir);
    const other = await resolveSettings({ mainnet: 'https://two.example' }, dir);
    expect(other.url).toBe('https://two.example');
    expect(other.scheduler).toBeUndefined();
    // The same URL again keeps what was remembered with it.
    await resolveSettings({ mainnet: 'https://two.example', scheduler: SCHED }, dir);
    expect((await resolveSettings({ mainnet: 'https://two.example' }, dir)).scheduler).toBe(SCHED);
  });

  it('legacy without flags uses the public MU, CU and gateway', async () => {
    const s = await resolveSettings({ legacy: true }, tempDir());
    expect(s).toMatchObject({ mode: 'legacy', muUrl: LEGACY_DEFAULTS.muUrl, cuUrl: LEGACY_DEFAULTS.cuUrl, gatewayUrl: LEGACY_DEFAULTS.gatewayUrl });
  });

  it('an unreadable config file is not fatal: the defaults are used', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{ this is not json');
    const s = await resolveSettings({}, dir);
    expect(s).toMatchObject({ mode: 'mainnet', url: DEFAULT_MAINNET_URL });
  });
});

describe('conflicts and bad values are refused, and nothing is remembered from them', () => {
  const cases: [string, Parameters<typeof resolveSettings>[0], RegExp][] = [
    ['both networks', { mainnet: true, legacy: true }, /--mainnet and --legacy were both given; choose one network/],
    ['a process name after --mainnet', { mainnet: 'counter' }, /--mainnet "counter" is not a URL\. Put the process name first \(aos-ts counter --mainnet\)/],
    ['a URL that does not parse', { legacy: true, muUrl: 'http//nope' }, /--mu-url "http\/\/nope" is not a URL/],
    ['a URL that is not http(s)', { mainnet: 'ftp://node.example' }, /--mainnet "ftp:\/\/node\.example" must start with http:\/\/ or https:\/\//],
    ['a scheduler that is not an id', { mainnet: true, scheduler: 'short' }, /--scheduler "short" is not a 43-character id/],
    ['a module that is not an id', { mainnet: true, module: 'x'.repeat(44) }, /--module "x{44}" is not a 43-character id/],
    ['MU/CU URLs on mainnet', { mainnet: true, cuUrl: 'https://cu.example' }, /--mu-url and --cu-url are for --legacy/],
  ];
  for (const [what, flags, message] of cases) {
    it(what, async () => {
      const dir = tempDir();
      const err = await resolveSettings(flags, dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SettingsError);
      expect((err as Error).message).toMatch(message);
      const file = join(dir, 'config.json');
      expect(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}).toEqual({});
    });
  }
});
