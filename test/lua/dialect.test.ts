// AO's Lua dialect (Lua 5.3.4 with LUA_COMPAT_5_2) on wasmoon's 5.4: the
// compatibility set, 5.3's coercions, and 5.4-only syntax refused on every
// path that compiles code (Eval, load() from Lua, .load bundles).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LuaVm } from '../../src/engine/lua-vm.js';
import { bundleLua, mapLuaError } from '../../src/bundle/index.js';
import { data, env, evalMsg, processMsg } from '../helpers/messages.js';
import { luaTree, removeLuaTrees } from '../bundle/helpers.js';

let engine: LuaVm;
beforeAll(async () => {
  engine = await LuaVm.create();
  engine.handle(processMsg(), env());
});
afterAll(() => engine.close());
afterEach(() => removeLuaTrees());

function run(code: string): string {
  const r = engine.handle(evalMsg(code), env());
  if (r.Error) throw new Error(`Lua error: ${r.Error}`);
  return data(r);
}
function list(expr: string): string {
  return run(`local t = table.pack(${expr})
    for i = 1, t.n do t[i] = tostring(t[i]) end
    return table.concat(t, "|", 1, t.n)`);
}
function errorOf(code: string): string {
  return run(`local ok, err = pcall(function() ${code} end) return ok and "no error" or tostring(err)`);
}

describe('the 5.3 library set', () => {
  it('has bit32 as a global and as require("bit32"), with 32-bit unsigned results', () => {
    expect(list('require("bit32") == bit32, bit32.band(0xFF, 0x0F), bit32.band(), bit32.bor(), bit32.bxor(5, 3, 1)')).toBe('true|15|4294967295|0|7');
    expect(list('bit32.bnot(0), bit32.bnot(-1), bit32.band(-1, -1), bit32.btest(1, 2), bit32.btest(3, 2)')).toBe('4294967295|0|4294967295|false|true');
    expect(list('bit32.lshift(1, 31), bit32.lshift(1, 32), bit32.lshift(0xFF, -4), bit32.rshift(-1, 28), bit32.rshift(1, -4)')).toBe('2147483648|0|15|15|16');
    expect(list('bit32.arshift(0x80000000, 4), bit32.arshift(0x80000000, 40), bit32.arshift(0x40000000, 4), bit32.arshift(1, -2)')).toBe('4160749568|4294967295|67108864|4');
    expect(list('bit32.lrotate(0x80000001, 1), bit32.rrotate(1, 1), bit32.lrotate(0x12345678, 36)')).toBe(`3|2147483648|${0x23456781}`);
    expect(list('bit32.extract(0xF0, 4, 4), bit32.extract(0x80000000, 31), bit32.replace(0, 0xF, 8, 4), bit32.replace(-1, 0, 0, 32)')).toBe('15|1|3840|0');
    expect(list('bit32.band("3", 6.0), bit32.band(2^32 + 5, 0xFF)')).toBe('2|5');
  });

  it('reports bit32 argument errors as 5.3 does', () => {
    expect(errorOf('bit32.band(1.5, 1)')).toMatch(/bad argument #1 to 'band' \(number has no integer representation\)/);
    expect(errorOf('local x = bit32.bnot()')).toMatch(/^\[string "aos"\]:1: bad argument #1 to 'bnot' \(number expected, got no value\)$/);
    expect(errorOf('local x = bit32.extract(1, -1)')).toMatch(/bad argument #2 to 'extract' \(field cannot be negative\)$/);
    expect(errorOf('local x = bit32.extract(1, 0, 0)')).toMatch(/bad argument #3 to 'extract' \(width must be positive\)$/);
    expect(errorOf('local x = bit32.extract(1, 30, 4)')).toMatch(/^\[string "aos"\]:1: trying to access non-existent bits$/);
  });

  it('has the LUA_COMPAT_MATHLIB functions', () => {
    expect(list('math.pow(2, 10), math.pow("2", 0.5) == math.sqrt(2), math.log10(1000), math.atan2(1, 1) == math.atan(1, 1)')).toBe('1024.0|true|3.0|true');
    expect(list('math.ldexp(0.5, 3), math.ldexp(1, 1024), math.ldexp(1, -1074), math.ldexp(3, -1080) == 3 * 2^-1080')).toBe('4.0|inf|4.9406564584125e-324|true');
    expect(list('math.frexp(8)')).toBe('0.5|4');
    expect(list('math.frexp(-0.1)')).toBe('-0.8|-3');
    expect(list('math.frexp(0)')).toBe('0.0|0');
    expect(list('math.frexp(5e-324)')).toBe('0.5|-1073');
    expect(list('math.frexp(1.7976931348623157e308)')).toBe('1.0|1024');
    // Values to %.14g, as printed: the same digits as C's libm.
    expect(list('math.cosh(1), math.sinh(1), math.tanh(0.5), math.sinh(-2), math.tanh(-30), math.sinh(1e-10), math.cosh(0)')).toBe(
      '1.5430806348152|1.1752011936438|0.46211715726001|-3.626860407847|-1.0|1e-10|1.0',
    );
    expect(list('math.cosh(710) < math.huge, math.cosh(711), math.sinh(-711), math.tanh(1/0)')).toBe('true|inf|-inf|1.0');
  });

  it('says Lua 5.3 and lacks what 5.3 lacks', () => {
    expect(list('_VERSION, warn, coroutine.close, unpack, loadstring, table.maxn')).toBe('Lua 5.3|nil|nil|nil|nil|nil');
    expect(errorOf('collectgarbage("generational")')).toMatch(/^\[string "aos"\]:1: bad argument #1 to 'collectgarbage' \(invalid option 'generational'\)$/);
    expect(errorOf('collectgarbage("incremental")')).toMatch(/invalid option 'incremental'/);
    expect(list('collectgarbage("count") > 0, collectgarbage("step") ~= nil')).toBe('true|true');
  });

  it('honours __ipairs, and gmatch ignores a start position', () => {
    expect(
      run(`local t = setmetatable({}, { __ipairs = function(t) return function(_, i) if i < 3 then return i + 1, i * 10 end end, t, 0 end })
        local s = 0 for _, v in ipairs(t) do s = s + v end
        local n = 0 for _ in ipairs({ 1, 2, 3 }) do n = n + 1 end
        return s .. " " .. n`),
    ).toBe('30 3');
    expect(run('local w = {} for x in ("a b c"):gmatch("%a", 3) do w[#w + 1] = x end return table.concat(w)')).toBe('abc');
    expect(errorOf('local f = ipairs()')).toMatch(/^\[string "aos"\]:1: bad argument #1 to 'ipairs'/);
  });

  it('limits utf8 to U+10FFFF and accepts surrogates, as 5.3', () => {
    expect(list('utf8.char(72, 0x10FFFF) == "H\\u{10FFFF}", utf8.len("\\xED\\xA0\\x80"), utf8.codepoint("\\xED\\xA0\\x80")')).toBe('true|1|55296');
    expect(errorOf('local s = utf8.char(0x110000)')).toMatch(/bad argument #1 to 'char' \(value out of range\)/);
    expect(run(String.raw`return utf8.charpattern == "[\0-\x7F\xC2-\xF4][\x80-\xBF]*"`)).toBe('true');
  });
});

describe("5.3's coercion of strings in arithmetic", () => {
  it('gives floats, as the 5.3 VM converts a string through lua_Number', () => {
    expect(list('"10" + 1, "1" + "2", 1 - "3", "2" * "4", -"2", "7" // 2, "7" % 2, "2" ^ 2, "1" / 2, "0x10" + 0')).toBe('11.0|3.0|-2.0|8.0|-2.0|3.0|1.0|4.0|0.5|16.0');
    expect(list('math.type("10" + 1), 10 + 1, math.type(10 + 1), "1e2" + 0, " 5 " * 1')).toBe('float|11|integer|100.0|5.0');
  });

  it('lets bitwise operators take numeric strings', () => {
    expect(list('"3" & 1, "6" | "1", "5" ~ 1, "1" << 4, "256" >> "4", ~"0", "3.0" & 3')).toBe('1|7|4|16|16|-1|3');
    expect(errorOf('local x = "3.5" & 1')).toMatch(/^\[string "aos"\]:1: number has no integer representation$/);
    expect(errorOf('local x = "abc" & 1')).toMatch(/^\[string "aos"\]:1: attempt to perform bitwise operation on a string value$/);
  });

  it('raises 5.3 texts for non-numeric strings and defers to the other operand', () => {
    expect(errorOf('local x = "abc" + 1')).toMatch(/^\[string "aos"\]:1: attempt to perform arithmetic on a string value$/);
    expect(errorOf('local x = "1" + {}')).toMatch(/attempt to perform arithmetic on a table value$/);
    expect(run('local v = setmetatable({}, { __add = function(a, b) return "mm:" .. tostring(a) end }) return "7" + v')).toBe('mm:7');
  });
});

describe('Lua 5.4-only syntax', () => {
  it('is refused in an Eval with the construct, the line and the reason', () => {
    const r = engine.handle(evalMsg('local a = 1\nlocal x <const> = 5\nreturn x'), env());
    expect(r.Error).toBe(`[string "aos"]:2: '<const>' (local x <const>) is Lua 5.4 syntax; AO runs Lua 5.3, where it is a syntax error`);
    const c = engine.handle(evalMsg('local f <close> = nil'), env());
    expect(c.Error).toMatch(/^\[string "aos"\]:1: '<close>' \(local f <close>\) is Lua 5\.4 syntax; AO runs Lua 5\.3/);
    // Inside an expression Eval too (the "return ..." form compiles first there).
    expect(engine.handle(evalMsg('(function() local y <const> = 1 return y end)()'), env()).Error).toMatch(/:1: '<const>'/);
  });

  it('is refused by load() from Lua, for strings and reader functions, naming the chunk', () => {
    expect(list('load("local a, b <const> = 1, 2", "=mine")')).toBe(`nil|mine:1: '<const>' (local b <const>) is Lua 5.4 syntax; AO runs Lua 5.3, where it is a syntax error`);
    expect(
      run(`local parts = { "local q = 1\\n", "local z <close> = nil" }
        local i = 0
        local f, err = load(function() i = i + 1 return parts[i] end, "@reader.lua")
        return tostring(f) .. " " .. err`),
    ).toBe(`nil reader.lua:2: '<close>' (local z <close>) is Lua 5.4 syntax; AO runs Lua 5.3, where it is a syntax error`);
  });

  it('does not mistake strings, comments or comparisons for attributes', () => {
    expect(
      run(`local f, err = load([==[
        local s = "local x <const> = 1" -- local y <const> = 2
        --[[ local z <close> = nil ]]
        local a, b = 1, 2
        local t = { a < b, b > a, [[ <const> ]] }
        local u = a <b and 1 or 2
        return s, t, u
      ]==])
      return tostring(f ~= nil) .. " " .. tostring(err)`),
    ).toBe('true nil');
  });

  it('names the file and line inside a .load bundle', () => {
    const root = luaTree({
      'main.lua': 'local lib = require("lib")\nResult = lib.v',
      'lib.lua': 'local M = {}\n\nlocal LIMIT <const> = 10\nM.v = LIMIT\nreturn M',
    });
    const b = bundleLua(join(root, 'main.lua'));
    const r = engine.handle(evalMsg(b.source), env());
    expect(mapLuaError(String(r.Error), b.map)).toBe(`lib.lua:3: '<const>' (local LIMIT <const>) is Lua 5.4 syntax; AO runs Lua 5.3, where it is a syntax error`);
  });

  it('lets .load bundles require bit32 and the standard libraries', () => {
    const root = luaTree({ 'main.lua': 'local b = require("bit32")\nlocal s = require("string")\nResult = b.band(6, 3) .. s.rep("x", 2)' });
    const b = bundleLua(join(root, 'main.lua'));
    expect(b.builtins.sort()).toEqual(['bit32', 'string']);
    expect(engine.handle(evalMsg(b.source), env()).Error).toBeUndefined();
    expect(run('return Result')).toBe('2xx');
  });
});

describe('upstream modules on demand', () => {
  it('has .pretty with tprint', () => {
    expect(run('return require(".pretty").tprint({ a = 1 })')).toBe('a: 1\n');
    expect(run('return require(".pretty").tprint({ t = { ok = true } }, 1)')).toBe(' t: \n  ok: true\n');
    expect(errorOf('require(".pretty").tprint({ f = print })')).toMatch(/attempt to concatenate a function value/);
  });
});
