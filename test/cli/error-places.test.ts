// Errors name the place in the user's code (issue 15 items 1-3): the Eval that
// defined a failing function and its line, the file and line of loaded code
// (also for errors raised later in its handlers), and the module whose syntax
// is wrong.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir, tempDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

describe('where an error is', () => {
  it('a function from an earlier --run fails on its own line 4, not line 4 of the current input', async () => {
    const dataDir = tempDataDir();
    const define = 'function f(t)\n  local a = 1\n  local b = 2\n  return t.x\nend';
    expect((await aos(['--run', define], { dataDir })).code).toBe(0);
    const r = await aos(['--run', 'local q = 1\nlocal w = 2\nlocal e = 3\nlocal d = "this is line four"\nreturn f(nil)'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^run \d\d:\d\d:\d\d\.\d{3} line 4: attempt to index a nil value \(local 't'\)\n   4 \|   return t\.x\n/m);
    expect(r.stderr).not.toContain('this is line four');
  });

  it('an error in a handler of loaded code, raised by a later send, names the file and line', async () => {
    const dataDir = tempDataDir();
    const dir = tempDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'util.lua'), 'local M = {}\n\n\n\nfunction M.check(v)\n  if not v then error("no value given") end\n  return v\nend\nreturn M\n');
    writeFileSync(join(dir, 'main.lua'), 'local util = require("lib.util")\nHandlers.add("chk", "Check", function(m)\n  util.check(m.Tags.Value)\nend)\n');
    expect((await aos(['--load', join(dir, 'main.lua'), '--run', 'return 1'], { dataDir })).code).toBe(0);
    const r = await aos(['send', 'default', '--action', 'Check'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('lib/util.lua:6: no value given\n   6 |   if not v then error("no value given") end');
    expect(r.stderr).not.toMatch(/\.process|\.handlers|shortTraceback|\[string "aos"\]/);
  });

  it('a missing `end` in a required module is blamed on that module', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lib', 'store'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'store', 'init.lua'), 'local S = {}\nfunction S.put(k, v)\n  do\n    S[k] = v\nreturn S\n');
    writeFileSync(join(dir, 'main.lua'), 'local store = require("lib.store")\nStore = store\n');
    const r = await aos(['--load', join(dir, 'main.lua'), '--run', 'return 1'], { dataDir: tempDataDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lib\/store\/init\.lua:\d+: 'end' expected/);
    expect(r.stderr).not.toMatch(/main\.lua:\d+: 'end' expected/);
  });
});
