// Finding requires with a tokenizer: none in comments or strings, every call form.
import { describe, expect, it } from 'vitest';
import { findRequires, LuaSyntaxError, tokenize } from '../../src/bundle/index.js';

const names = (src: string) => findRequires(src).map((r) => r.name);

describe('findRequires', () => {
  it('finds every literal call form, with any spacing and newlines', () => {
    const src = [
      'local a = require "a"',
      "local b = require('b')",
      'local c = require("c")',
      'local d = require [[d]]',
      'local e = require [==[e]==]',
      'local f = require',
      '   (',
      '     "f"',
      '   )',
      'local g = require\n"g"',
    ].join('\n');
    expect(names(src)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('finds two requires on one line, and a trailing comment with quotes does not confuse it', () => {
    expect(names('local x = require(".lib.a"); local y = require(".lib.b") -- "quoted" require("no")')).toEqual(['.lib.a', '.lib.b']);
  });

  it('ignores requires in comments of every kind', () => {
    const src = [
      '-- require("c1")',
      '--[[ require("c2")',
      '  require "c3" ]]',
      '--[==[ require("c4") ]] still comment',
      ']==] local ok = require("real")',
      'x = 1 -- require "c5"',
    ].join('\n');
    expect(names(src)).toEqual(['real']);
  });

  it('ignores requires in strings of every kind, escapes included', () => {
    const src = [
      `local s1 = 'require("s1")'`,
      `local s2 = "say \\"require('s2')\\" now"`,
      'local s3 = [[ require("s3") ]]',
      'local s4 = [=[ ]] require("s4") ]=]',
      `local s5 = "a\\z`,
      `      require('s5')"`,
      'local ok = require "real"',
    ].join('\n');
    expect(names(src)).toEqual(['real']);
  });

  it('reports the line of each require, counting lines inside long strings and comments', () => {
    const src = '--[[\n\n]]\nlocal s = [[\n\n]]\nlocal a = require("a")\n\nlocal b = require "b"';
    expect(findRequires(src)).toEqual([
      { name: 'a', line: 7 },
      { name: 'b', line: 9 },
    ]);
  });

  it('leaves computed names and other objects\' require alone', () => {
    expect(names('local n = "x"; require(n); require("a" .. n); obj.require("m"); obj:require "m2"; return 1 .. require("ok")')).toEqual(['ok']);
  });

  it('decodes escapes in the module name', () => {
    expect(names('require("lib\\x2eutil")')).toEqual(['lib.util']);
  });

  it('says where a string is left open', () => {
    expect(() => tokenize('local a = 1\nlocal s = "oops\n')).toThrow(LuaSyntaxError);
    expect(() => tokenize('\n--[[ never closed')).toThrow(/unfinished long comment \(starting at line 2\)/);
  });

  it('tells numbers, concatenation and field access apart', () => {
    const t = tokenize('a = 1..2 b = x.y c = 0x1p-4 d = 3e+2 ... ::l::');
    expect(t.filter((k) => k.kind === 'number').map((k) => k.value)).toEqual(['1..2', '0x1p-4', '3e+2']);
    expect(t.filter((k) => k.kind === 'symbol').map((k) => k.value)).toEqual(['=', '=', '.', '=', '=', '...', '::', '::']);
  });
});
