// A handful of real subprocesses: the built program as a user's shell runs
// it (bin/aos-ts.js and dist/cli.js), its exit codes, stdin and stderr.
// Everything else about the CLI runs in-process (test/cli).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { aosChild } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterAll(() => removeTempDirs());

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

describe('the aos-ts executable', () => {
  it('package.json names bin/aos-ts.js, and it runs the CLI', () => {
    expect(pkg.bin['aos-ts']).toBe('bin/aos-ts.js');
    const r = aosChild(['--version'], { bin: true });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('node dist/cli.js: --run prints on stdout and exits 0; a Lua error goes to stderr with exit 1', () => {
    const dataDir = tempDataDir();
    const ok = aosChild(['--run', 'X = 20 return X + 22'], { dataDir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('42\n');
    const bad = aosChild(['--run', 'error("nope")'], { dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/nope/);
  });

  it('reads Lua piped on stdin, and a usage mistake is one aos-ts: line with a non-zero exit', () => {
    const dataDir = tempDataDir();
    const piped = aosChild(['-q'], { dataDir, input: 'return X or "fresh"\n' });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('fresh\n');
    const unknown = aosChild(['send', 'x', '--bogus'], { dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^aos-ts: unknown option '--bogus'/);
  });
});
