// Remote settings from the CLI (issue 15 item 12 and aos parity): a node URL that
// failed is not remembered; aos's environment variables and --url are honoured.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planSettings, resolveSettings } from '../../src/remote/settings.js';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir, tempDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

const SCHED = 'S'.repeat(43);
const MOD = 'M'.repeat(43);

/** Every config file conf wrote under a folder, concatenated. */
function configText(dir: string): string {
  let text = '';
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else text += readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir);
  return text;
}

describe('remembering a node', () => {
  it('a --mainnet URL that could not be reached is not remembered as the default', async () => {
    const config = tempDir();
    const dataDir = tempDataDir();
    const env = { XDG_CONFIG_HOME: config, HOME: tempDir() };
    const r = await aos(['faraway', '--mainnet', 'http://127.0.0.1:9', '--wallet', join(tempDir(), 'w.json'), '--yes', '--run', 'return 1'], { dataDir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aos-ts: /m);
    expect(configText(config)).not.toContain('127.0.0.1:9');
  });

  it('planSettings remembers only when told to; resolveSettings at once', async () => {
    const dir = tempDir();
    const plan = await planSettings({ mainnet: 'http://127.0.0.1:7001' }, dir);
    expect(plan.settings.url).toBe('http://127.0.0.1:7001');
    expect((await planSettings({}, dir)).settings.url).not.toBe('http://127.0.0.1:7001');
    plan.remember();
    expect((await planSettings({}, dir)).settings.url).toBe('http://127.0.0.1:7001');
    await resolveSettings({ url: 'http://127.0.0.1:7002' }, dir);
    expect((await planSettings({}, dir)).settings.url).toBe('http://127.0.0.1:7002');
  });
});

describe("aos's environment variables", () => {
  it('win over remembered defaults, lose to flags, and are not remembered', async () => {
    const dir = tempDir();
    await resolveSettings({ legacy: true, cuUrl: 'http://127.0.0.1:7100', gatewayUrl: 'http://127.0.0.1:7200' }, dir);
    const env = { CU_URL: 'http://127.0.0.1:7101', GATEWAY_URL: 'http://127.0.0.1:7201', SCHEDULER: SCHED, AOS_MODULE: MOD };
    const s = (await planSettings({ legacy: true }, dir, env)).settings;
    expect(s).toMatchObject({ cuUrl: 'http://127.0.0.1:7101', gatewayUrl: 'http://127.0.0.1:7201', scheduler: SCHED, module: MOD });
    const flagged = (await planSettings({ legacy: true, cuUrl: 'http://127.0.0.1:7102' }, dir, env)).settings;
    expect(flagged.cuUrl).toBe('http://127.0.0.1:7102');
    (await planSettings({ legacy: true }, dir, env)).remember();
    expect((await planSettings({ legacy: true }, dir)).settings.cuUrl).toBe('http://127.0.0.1:7100');
  });

  it('a bad value names the variable', async () => {
    await expect(planSettings({ mainnet: true }, tempDir(), { SCHEDULER: 'nope' })).rejects.toThrow(/SCHEDULER \(environment\) "nope" is not a 43-character id/);
  });
});

describe('--mu-url without --legacy', () => {
  it('is refused instead of ignored', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['p', '--mu-url', 'http://127.0.0.1:9', '--run', 'return 1'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--mu-url is for a process on the legacy AO network; add --legacy/);
  });
});
