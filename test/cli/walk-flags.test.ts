// An aos user's flags that aos-ts has no equivalent of get a sentence saying what to do here,
// not a bare "unknown option" (or a suggestion of an unrelated flag); aos's `--dryrun` spelling works.
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe("aos's flags", () => {
  it.each([
    ['--monitor', /\.monitor\/\.unmonitor/],
    ['--hyper', /--mainnet \[url\]/],
    ['--dev', /--mainnet <url>, or --legacy/],
    ['--topup', /moves no funds/],
    ['--sqlite', /--module <id>/],
  ])('%s says what it was in aos and what to use here', async (flag, hint) => {
    const r = await aos(['p', flag], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^aos-ts: ${flag} is aos's \\(`));
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/Did you mean/);
  });

  it('a flag neither has is still unknown', async () => {
    const r = await aos(['p', '--sqlite3'], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aos-ts: unknown option '--sqlite3'/);
  });

  it('--dryrun (aos spells it both ways) runs the Lua and keeps nothing', async () => {
    const dataDir = tempDataDir();
    expect((await aos(['p', '-q', '--run', 'Count = 1'], { dataDir })).code).toBe(0);
    const dry = await aos(['p', '-q', '--dryrun', '--run', 'Count = 5 return Count'], { dataDir });
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toBe('5\n');
    expect((await aos(['p', '-q', '--run', 'return Count'], { dataDir })).stdout).toBe('1\n');
  });
});
