// bundleLua on tricky trees: resolution, order, aliases, cycles, missing modules, paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleError, bundleLua, expandPath } from '../../src/bundle/index.js';
import { luaTree, removeLuaTrees } from './helpers.js';

afterEach(() => removeLuaTrees());

const rel = (root: string, files: string[]) => files.map((f) => relative(root, f));

function bundleError(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return err as BundleError;
  }
  throw new Error('expected a BundleError');
}

describe('bundleLua', () => {
  it('orders dependencies first, resolves nested folders and init.lua, entry last', () => {
    const root = luaTree({
      'main.lua': 'local a = require("lib.a") local p = require("pkg")\nreturn a.name .. p.name',
      'lib/a.lua': 'local b = require("b") return { name = "a" .. b }',
      'lib/b.lua': 'return "b"',
      'pkg/init.lua': 'return { name = "pkg" }',
    });
    const b = bundleLua(join(root, 'main.lua'));
    // lib/a.lua's "b" is found next to lib/a.lua, before the entry's folder.
    expect(rel(root, b.files)).toEqual(['lib/b.lua', 'lib/a.lua', 'pkg/init.lua', 'main.lua']);
    expect(b.source).toContain('package.loaded["pkg"] = __aos_value');
  });

  it('falls back to the entry file\'s folder, and treats a leading dot the same way', () => {
    const root = luaTree({
      'main.lua': 'require(".lib.x")',
      'lib/x.lua': 'return require("shared")',
      'shared.lua': 'return 1',
    });
    expect(rel(root, bundleLua(join(root, 'main.lua')).files)).toEqual(['shared.lua', 'lib/x.lua', 'main.lua']);
  });

  it('bundles two requires on one line, and require [[x]]', () => {
    const root = luaTree({
      'main.lua': 'local a = require("a"); local b = require [[b]]',
      'a.lua': 'return 1',
      'b.lua': 'return 2',
    });
    expect(rel(root, bundleLua(join(root, 'main.lua')).files)).toEqual(['a.lua', 'b.lua', 'main.lua']);
  });

  it('does not bundle requires inside comments or strings', () => {
    const root = luaTree({
      'main.lua': '-- require("ghost")\nlocal s = "require(\'ghost\')"\n--[[ require "ghost" ]]\nreturn s',
      'ghost.lua': 'error("must not be bundled")',
    });
    const b = bundleLua(join(root, 'main.lua'));
    expect(rel(root, b.files)).toEqual(['main.lua']);
    expect(b.source).not.toContain('must not be bundled');
  });

  it('runs a module required by two names once and registers both names', () => {
    const root = luaTree({
      'main.lua': 'local a = require("lib.util") local b = require(".lib.util")',
      'lib/util.lua': 'Count = (Count or 0) + 1 return {}',
    });
    const b = bundleLua(join(root, 'main.lua'));
    expect(rel(root, b.files)).toEqual(['lib/util.lua', 'main.lua']);
    expect(b.source.match(/Count = \(Count or 0\) \+ 1/g)).toHaveLength(1);
    expect(b.source).toContain('package.loaded["lib.util"] = __aos_value');
    expect(b.source).toContain('package.loaded[".lib.util"] = __aos_value');
  });

  it('leaves built-in OS modules to the process', () => {
    const root = luaTree({ 'main.lua': 'local json = require("json") local u = require(".utils") local b = require "base64"' });
    const b = bundleLua(join(root, 'main.lua'));
    expect(rel(root, b.files)).toEqual(['main.lua']);
    expect(b.builtins.sort()).toEqual(['.utils', 'base64', 'json']);
  });

  it('names a missing module and the file and line that required it', () => {
    const root = luaTree({
      'main.lua': 'local a = require("lib.a")',
      'lib/a.lua': '\n\nlocal m = require("nowhere.mod")',
    });
    const e = bundleError(() => bundleLua(join(root, 'main.lua')));
    expect(e.code).toBe('missing-module');
    expect(e.message).toMatch(/module "nowhere\.mod" required at lib\/a\.lua:3 was not found/);
    expect(e.message).toMatch(/nowhere\/mod\.lua/);
  });

  it('reports a cycle with its path instead of recursing forever', () => {
    const root = luaTree({
      'main.lua': 'require("a")',
      'a.lua': 'require("b")',
      'b.lua': 'require("c")',
      'c.lua': 'require("a")',
    });
    const e = bundleError(() => bundleLua(join(root, 'main.lua')));
    expect(e.code).toBe('cycle');
    expect(e.message).toContain('a.lua → b.lua → c.lua → a.lua');
  });

  it('reports a module that requires the entry file as a cycle', () => {
    const root = luaTree({ 'main.lua': 'require("a")', 'a.lua': 'require("main")' });
    expect(bundleError(() => bundleLua(join(root, 'main.lua'))).message).toContain('main.lua → a.lua → main.lua');
  });

  it('refuses one name meaning two files', () => {
    const root = luaTree({
      'main.lua': 'require("x.one") require("y.two")',
      'x/one.lua': 'require("util")',
      'x/util.lua': 'return 1',
      'y/two.lua': 'require("util")',
      'y/util.lua': 'return 2',
    });
    const e = bundleError(() => bundleLua(join(root, 'main.lua')));
    expect(e.code).toBe('name-clash');
    expect(e.message).toMatch(/"util" means x\/util\.lua at x\/one\.lua:1 but y\/util\.lua at y\/two\.lua:1/);
  });

  it('says clearly when the entry file is missing', () => {
    const root = luaTree({});
    const e = bundleError(() => bundleLua('nope.lua', { cwd: root }));
    expect(e.code).toBe('missing-file');
    expect(e.message).toContain(join(root, 'nope.lua'));
  });

  it('works with spaces in paths, relative paths from cwd, and ~', () => {
    const root = luaTree({ 'my project/main file.lua': 'require("my lib")', 'my project/my lib.lua': 'return 1' }, 'aos ts bundle ');
    const b = bundleLua('my project/main file.lua', { cwd: root });
    expect(rel(root, b.files)).toEqual(['my project/my lib.lua', 'my project/main file.lua']);
    expect(bundleLua(join(root, 'my project/main file.lua'), { cwd: '/elsewhere' }).files).toEqual(b.files);
    expect(expandPath('~/my project/x.lua')).toBe(join(homedir(), 'my project/x.lua'));
    expect(expandPath('~')).toBe(homedir());
  });

  it('reports a string left open with the file and line', () => {
    const root = luaTree({ 'main.lua': 'require("bad")', 'bad.lua': 'local a = 1\nlocal s = "open\n' });
    expect(bundleError(() => bundleLua(join(root, 'main.lua'))).message).toMatch(/^bad\.lua:2: unfinished string/);
  });

  it('maps every bundle line of a module back to its file', () => {
    const root = luaTree({ 'main.lua': 'local m = require("m")\nreturn m', 'm.lua': 'local x = 1\n\nreturn x' });
    mkdirSync(join(root, 'unused'));
    writeFileSync(join(root, 'unused', 'z.lua'), '');
    const b = bundleLua(join(root, 'main.lua'));
    const lines = b.source.split('\n');
    const found = lines.map((_, i) => b.map.locate(i + 1)).filter((x) => x !== undefined);
    expect(found).toEqual([
      { file: 'm.lua', line: 1 },
      { file: 'm.lua', line: 2 },
      { file: 'm.lua', line: 3 },
      { file: 'main.lua', line: 1 },
      { file: 'main.lua', line: 2 },
    ]);
    expect(lines[lines.indexOf('local x = 1') + 2]).toBe('return x');
  });
});
