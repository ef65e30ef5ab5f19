// --load and `aos-ts blueprints` through the CLI, in-process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

function project(): string {
  const dir = join(tempDataDir(), 'a project');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'math2.lua'), 'local M = {}\nfunction M.sq(x) return x * x end\nfunction M.boom() error("kaboom") end\nreturn M\n');
  writeFileSync(join(dir, 'main.lua'), 'local m = require("lib.math2")\nSquares = m.sq(12)\n');
  writeFileSync(join(dir, 'fails.lua'), 'local m = require("lib.math2")\nm.boom()\n');
  return dir;
}

describe('--load', () => {
  it('loads a file and its modules before --run, in a path with spaces', async () => {
    const dir = project();
    const dataDir = tempDataDir();
    const r = await aos(['--load', join(dir, 'main.lua'), '--run', 'return Squares'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('144\n');
    expect(r.stderr).toMatch(/loaded lib\/math2\.lua, main\.lua/);
  });

  it('reports an error in loaded code with its file and line, and exits 1', async () => {
    const dir = project();
    const r = await aos(['--load', join(dir, 'fails.lua'), '--run', '1'], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/loading .*fails\.lua failed/);
    expect(r.stderr).toMatch(/lib\/math2\.lua:3: kaboom/);
    expect(r.stdout).toBe('');
  });

  it('says clearly when the file or a module is missing', async () => {
    const dir = project();
    const missing = await aos(['--load', join(dir, 'nope.lua'), '--run', '1'], { dataDir: tempDataDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/there is no file .*nope\.lua/);
    writeFileSync(join(dir, 'needs.lua'), 'local x = require("not.here")\n');
    const mod = await aos(['--load', join(dir, 'needs.lua'), '--run', '1'], { dataDir: tempDataDir() });
    expect(mod.code).toBe(1);
    expect(mod.stderr).toMatch(/not\.here/);
  });
});

describe('aos-ts blueprints', () => {
  it('lists the blueprints with a line each', async () => {
    const r = await aos(['blueprints'], { dataDir: tempDataDir() });
    expect(r.code).toBe(0);
    for (const name of ['token', 'chatroom', 'staking', 'voting', 'scheduler']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
  });

  it('copies them out, and will not overwrite without --force', async () => {
    const dest = join(tempDataDir(), 'bp');
    const r = await aos(['blueprints', 'get', dest], { dataDir: tempDataDir() });
    expect(r.code).toBe(0);
    expect(existsSync(join(dest, 'token.lua'))).toBe(true);
    expect(readFileSync(join(dest, 'token.lua'), 'utf8')).toMatch(/Transfer/);
    const again = await aos(['blueprints', 'get', dest], { dataDir: tempDataDir() });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/aos-ts: /);
    expect((await aos(['blueprints', 'get', dest, '--force'], { dataDir: tempDataDir() })).code).toBe(0);
  });
});
