import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ID, aos, runLua } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterAll(() => removeTempDirs());

describe('aos-ts spawn', () => {
  it('creates a process, prints its id on stdout and its name on stderr', async () => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'counter', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(ID);
    expect(r.stderr).toContain('"counter"');
    expect(fs.existsSync(path.join(dir, 'processes', r.stdout.trim(), 'process.json'))).toBe(true);
    expect(await runLua(dir, 'counter', 'return ao.id')).toBe(r.stdout.trim());
  });

  it('--json gives id, name, cron and tags; --tag and --cron become process tags', async () => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'ticker', '--tag', 'Color=blue', '--tag', 'Eq=a=b', '--cron', '10-seconds', '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { id: string; name: string; cron: string; tags: { name: string; value: string }[] };
    expect(out.id).toMatch(ID);
    expect(out.name).toBe('ticker');
    expect(out.cron).toBe('10-seconds');
    expect(out.tags).toContainEqual({ name: 'Color', value: 'blue' });
    expect(out.tags).toContainEqual({ name: 'Eq', value: 'a=b' });
    expect(out.tags).toContainEqual({ name: 'Cron-Interval', value: '10-seconds' });
  });

  it('--data gives the process its Data (evaluated at boot with On-Boot=Data)', async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'boot.lua');
    fs.writeFileSync(file, 'Booted = "yes"');
    const r = await aos(['spawn', 'booted', '--data', file, '--tag', 'On-Boot=Data', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(await runLua(dir, 'booted', 'return Booted')).toBe('yes');
  });

  it('a boot that fails still creates the process but exits 1 with the error', async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'boot.lua');
    fs.writeFileSync(file, 'error("bad boot")');
    const r = await aos(['spawn', 'broken', '--data', file, '--tag', 'On-Boot=Data', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toMatch(ID);
    expect(r.stderr).toContain('bad boot');
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('refuses a name that already exists', async () => {
    const dir = tempDataDir();
    expect((await aos(['spawn', 'twice', '--data-dir', dir])).code).toBe(0);
    const r = await aos(['spawn', 'twice', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aos-ts: a local process named "twice" already exists/);
    expect(fs.readdirSync(path.join(dir, 'processes'))).toHaveLength(1);
  });

  it.each([
    ['10-secs'],
    ['0-seconds'],
    ['ten-minutes'],
    ['5'],
    ['1-week'],
  ])('rejects --cron %s with a short error and exit 1', async (bad) => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'c', '--cron', bad, '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aos-ts: --cron ".*" is not an interval/);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(fs.existsSync(path.join(dir, 'processes'))).toBe(false);
  });

  it.each([['1-minute'], ['5-minutes'], ['1-hour'], ['2-Days'], ['100-blocks']])('accepts --cron %s', async (good) => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'c', '--cron', good, '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cron).toBe(good);
  });

  it('a missing --data file is a clear error', async () => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'd', '--data', path.join(dir, 'nope.lua'), '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aos-ts: cannot read the --data file ".*nope\.lua": no such file/);
  });

  it('rejects a --tag without =, a reserved tag, an empty name, an id-shaped name and a command name', async () => {
    const dir = tempDataDir();
    for (const args of [
      ['spawn', 'x', '--tag', 'novalue'],
      ['spawn', 'x', '--tag', '=v'],
      ['spawn', 'x', '--tag', 'Name=other'],
      ['spawn', ''],
      ['spawn', 'A'.repeat(43)],
      ['spawn', 'list'],
    ]) {
      const r = await aos([...args, '--data-dir', dir]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(/^aos-ts: /);
    }
  });

  it('refuses every command name (they come from the registered commands), so `aos-ts <name>` never runs a command instead', async () => {
    const dir = tempDataDir();
    for (const name of ['serve', 'publish', 'wallet', 'blueprints', 'inbox', 'help']) {
      const r = await aos(['spawn', name, '--data-dir', dir]);
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(new RegExp(`^aos-ts: "${name}" is an aos-ts command`));
    }
    expect(fs.existsSync(path.join(dir, 'processes')) ? fs.readdirSync(path.join(dir, 'processes')) : []).toEqual([]);
  });

  it('honours AOS_TS_HOME when --data-dir is not given', async () => {
    const dir = tempDataDir();
    const r = await aos(['spawn', 'homed'], { env: { AOS_TS_HOME: dir } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'processes', r.stdout.trim()))).toBe(true);
  });
});
