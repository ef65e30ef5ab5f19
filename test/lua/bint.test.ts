// .bint inside a real process: the spec's input->output examples, its error
// texts, and random big-number cases checked against JS BigInt (mod 2^bits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaVm } from '../../src/engine/lua-vm.js';
import { data, env, evalMsg, fromFred, processMsg } from '../helpers/messages.js';
import { seededRandom } from '../helpers/wait.js';

let engine: LuaVm;
beforeAll(async () => {
  engine = await LuaVm.create();
  engine.handle(processMsg(), env());
});
afterAll(() => engine.close());

function run(code: string): string {
  const r = engine.handle(evalMsg(code), env());
  if (r.Error) throw new Error(`Lua error: ${r.Error}`);
  return data(r);
}

/** Evaluate one expression list with a 256-bit module in scope; values joined by "|". */
function values(expr: string, bits = 256): string {
  return run(`local bint = require('.bint')(${bits})
    local t = table.pack(${expr})
    for i = 1, t.n do t[i] = tostring(t[i]) end
    return table.concat(t, "|", 1, t.n)`);
}

function errorOf(expr: string): string {
  return run(`local bint = require('.bint')(256)
    local ok, err = pcall(function() return ${expr} end)
    return ok and "no error" or tostring(err)`);
}

const MAX256 = (1n << 255n) - 1n;
const TWO256 = 1n << 256n;

describe('.bint: the spec examples (256 bits)', () => {
  const cases: Array<[string, string]> = [
    ['bint("123456789012345678901234567890")', '123456789012345678901234567890'],
    ['bint("0xff"), bint("0b101"), bint("+42"), bint("-42")', '255|5|42|-42'],
    ['bint(2.0)', '2'],
    ['bint.fromuinteger(-1)', '18446744073709551615'],
    ['bint.frombase("zz", 36), (bint.frombase("12", 37))', '1295|nil'],
    ['bint(5) + 1.5, math.type(bint(5) + 1.5)', '6.5|float'],
    ['bint(5) + "7", "7" + bint(5), bint.isbint("7" + bint(5))', '12|12|true'],
    ['bint(5) + "1.5"', '6.5'],
    ['bint(7) // bint(2), bint(-7) // bint(2)', '3|-4'],
    ['bint(-7) % bint(2), bint(7) % bint(-2)', '1|-1'],
    ['bint.tdivmod(bint(-7), bint(2))', '-3|-1'],
    ['bint.udivmod(bint(-1), bint(2))', `${MAX256}|1`],
    ['bint(7) / bint(2), bint(2) ^ 10, bint(1) / bint(0)', '3.5|1024.0|inf'],
    ['bint(5) == 5, bint.eq(bint(5), 5), bint(5) < "6", bint(-1) < bint(0), bint.ult(-1, 0)', 'false|true|true|true|false'],
    ['bint.tobase(bint(255), 16), bint.tobase(bint(-1), 16)', `ff|${'f'.repeat(64)}`],
    ['bint.tobase(bint(-255), 16, false), bint.tobase(bint(-5), 10, true)', `-ff|${TWO256 - 5n}`],
    ['bint.tonumber(bint.ipow(2, 100)), math.type(bint.tonumber(bint(42)))', '1.2676506002282e+30|integer'],
    ['bint.tointeger(bint.ipow(2, 64) + 5)', '5'],
    ['bint.upowmod(4, 13, 497)', '445'],
    ['bint(1) << 255, bint(1) << 256, bint(-8) >> 1', `${-(1n << 255n)}|0|${(1n << 255n) - 4n}`],
    ['bint(6) & 3, bint(6) | 1, bint(6) ~ 3, ~bint(0)', '2|7|5|-1'],
    ['bint.max(1.5, 2), bint.isbint(bint.max(1.5, 2)), bint.trunc(-2.7), bint.floor(2.7), bint.ceil(2.1)', '2|true|-2|2|3'],
    ['(bint.tobe(258, true):gsub(".", function(c) return string.format("%02x", c:byte()) end))', '0102'],
    ['(bint.tole(258, true):gsub(".", function(c) return string.format("%02x", c:byte()) end))', '0201'],
    ['bint.maxinteger()', `${MAX256}`],
    ['bint.maxinteger() + 1 == bint.mininteger(), -bint.mininteger() == bint.mininteger(), bint.abs(bint.mininteger()) == bint.mininteger()', 'true|true|true'],
    ['bint.isneg(bint.ipow(10, 77)), bint.ipow(10, 76)', `true|${10n ** 76n}`],
    ['bint("' + (1n << 256n).toString() + '7")', `${((1n << 256n) * 10n + 7n) % TWO256}`],
    ['bint.isintegral(1.0), bint.isintegral(1), bint.type(bint(1)), bint.type(1.5), bint.ispos(bint(0)), bint.isneg(bint(0))', 'false|true|bint|float|false|false'],
    ['bint(5):tobase(2), bint.bits, bint.iseven(bint(-4)), bint.isodd(bint(-3))', '101|256|true|true'],
    ['bint.__lt(0, bint("10")), bint(3) <= bint(3), bint("9") >= bint(10)', 'true|true|false'],
    ['bint.new({}) ~= nil, bint.new(true)', 'true|true'],
    ['bint.tobint("x"), bint.parse("1.5"), bint.parse("12")', 'nil|1.5|12'],
    ['select("#", bint.tobint("x")), select("#", bint.frombase("!", 10)), select("#", bint.tobase(1.5))', '0|0|0'],
    ['bint.__idiv(bint(1), bint(-7))', '-1|1'],
    ['bint.idivmod(bint(1), bint(-7))', '-1|-6'],
    ['bint.bwrap(bint(-1), bint(8)), bint.bwrap(255, 4), bint.bwrap(5, 0)', '255|15|0'],
  ];
  it.each(cases)('%s', (expr, expected) => {
    expect(values(expr)).toBe(expected);
  });

  it('raises the upstream error texts, with the position in .bint', () => {
    for (const bad of ['bint(" 42")', 'bint("1.5")', 'bint("1e3")', 'bint(1.5)', 'bint(nil)', 'bint(false)', 'bint(1e300)']) {
      expect(errorOf(bad)).toMatch(/^\[string "\.bint"\]:\d+: value cannot be represented by a bint$/);
    }
    expect(errorOf('bint(1) // bint(0)')).toMatch(/^\[string "\.bint"\]:\d+: attempt to divide by zero$/);
    expect(errorOf('bint(1) % 0')).toMatch(/attempt to divide by zero$/);
    expect(errorOf('bint.tdiv(bint.mininteger(), -1)')).toMatch(/^\[string "\.bint"\]:\d+: division overflow$/);
    expect(errorOf('bint(1) << 1.5')).toMatch(/^\[string "\.bint"\]:\d+: value has no integer representation$/);
    expect(errorOf('bint(1) & 1.5')).toMatch(/^\[string "\.bint"\]:\d+: value has not integer representation$/);
    expect(errorOf('bint.ult(1, "x")')).toMatch(/value has not integer representation$/);
    expect(errorOf('bint.fromle(5)')).toMatch(/buffer is not a string$/);
    expect(errorOf('bint(5) .. ""')).toMatch(/attempt to concatenate a table value/);
    expect(errorOf("require('.bint')(100)")).toMatch(/bitsize is not multiple of word bitsize$/);
    expect(errorOf("require('.bint')(32, 16)")).toMatch(/bitsize must be >= 64$/);
    expect(errorOf("require('.bint')(64, 64)")).toMatch(/word bitsize must be half of the lua integer bitsize$/);
  });

  it('memoises modules per width and keeps widths apart', () => {
    expect(values("require('.bint')(256) == bint, require('.bint')(128) ~= bint, require('.bint')() == bint")).toBe('true|true|true');
    expect(values("bint.maxinteger()", 128)).toBe(((1n << 127n) - 1n).toString());
    expect(values('bint.maxinteger() + 1 == bint.mininteger()', 64)).toBe('true');
  });
});

// ---------------------------------------------------------------------------
// Random cases against BigInt

function makeRandomBig(rand: () => number, bits: number): () => bigint {
  const mod = 1n << BigInt(bits);
  const special = [0n, 1n, -1n, 2n, (1n << 63n) - 1n, -(1n << 63n), 1n << 64n, (1n << BigInt(bits - 1)) - 1n, -(1n << BigInt(bits - 1)), 10n ** 18n];
  return () => {
    const kind = rand();
    if (kind < 0.15) return special[Math.floor(rand() * special.length)]!;
    const width = 1 + Math.floor(rand() * (kind < 0.5 ? 64 : bits));
    let v = 0n;
    for (let i = 0; i < width; i += 16) v = (v << 16n) | BigInt(Math.floor(rand() * 65536));
    v &= (1n << BigInt(width)) - 1n;
    if (rand() < 0.4) v = -v;
    return signed(((v % mod) + mod) % mod, bits);
  };
}

function unsigned(v: bigint, bits: number): bigint {
  const mod = 1n << BigInt(bits);
  return ((v % mod) + mod) % mod;
}
function signed(v: bigint, bits: number): bigint {
  const u = unsigned(v, bits);
  return u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u;
}
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function expected(a: bigint, b: bigint, s: number, bits: number): string[] {
  const S = (v: bigint) => signed(v, bits).toString();
  const ua = unsigned(a, bits);
  const ub = unsigned(b, bits);
  const out = [S(a + b), S(a - b), S(a * b), S(-a)];
  if (b === 0n) out.push('div0', 'div0', 'div0', 'div0', 'div0', 'div0');
  else {
    const q = floorDiv(a, b);
    out.push(S(q), S(a - b * q));
    const minusOne = a === -(1n << BigInt(bits - 1)) && b === -1n;
    out.push(minusOne ? 'overflow' : S(a / b), minusOne ? 'overflow' : S(a % b));
    out.push(S(ua / ub), S(ua % ub));
  }
  out.push(S(ua << BigInt(s)), S(ua >> BigInt(s)), S(ua & ub), S(ua | ub), S(ua ^ ub));
  out.push(String(a < b), String(a <= b), String(a === b), String(ua < ub));
  out.push(ua.toString(16), ua.toString(36), S(a * a * a));
  return out;
}

const LUA_OPS = `
local function try(f, ...)
  local ok, v = pcall(f, ...)
  if ok then return tostring(v) end
  if tostring(v):find("divide by zero") then return "div0" end
  if tostring(v):find("division overflow") then return "overflow" end
  return "error: " .. tostring(v)
end
local out = {}
for _, c in ipairs(cases) do
  local a, b, s = bint(c[1]), bint(c[2]), c[3]
  local r = {
    tostring(a + b), tostring(a - b), tostring(a * b), tostring(-a),
    try(function() return a // b end), try(function() return a % b end),
    try(bint.tdiv, a, b), try(bint.tmod, a, b), try(bint.udiv, a, b), try(bint.umod, a, b),
    tostring(a << s), tostring(a >> s), tostring(a & b), tostring(a | b), tostring(a ~ b),
    tostring(a < b), tostring(a <= b), tostring(a == b), tostring(bint.ult(a, b)),
    bint.tobase(a, 16), bint.tobase(a, 36), tostring(bint.ipow(a, 3)),
  }
  out[#out + 1] = table.concat(r, " ")
end
return table.concat(out, "\\n")`;

describe('.bint: random cases against BigInt', () => {
  for (const bits of [256, 128]) {
    it(`${bits} bits: + - * // % tdiv tmod udiv umod << >> & | ~ < <= == ult tobase ipow`, () => {
      const seed = Number(process.env.BINT_SEED ?? Date.now() % 1_000_000);
      console.log(`bint random test (${bits} bits) seed: ${seed} (replay with BINT_SEED=${seed})`);
      const rand = seededRandom(seed + bits);
      const big = makeRandomBig(rand, bits);
      const cases: Array<[bigint, bigint, number]> = [];
      for (let i = 0; i < 150; i++) {
        const a = big();
        const b = rand() < 0.1 ? 0n : big();
        cases.push([a, b, Math.floor(rand() * (bits + 1))]);
      }
      // Operands go in as decimal strings, some in hex, to cover both parsers.
      const lit = (v: bigint, i: number) => (i % 3 === 0 && v >= 0n ? `"0x${v.toString(16)}"` : `"${v}"`);
      const table = cases.map(([a, b, s], i) => `{${lit(a, i)}, ${lit(b, i + 1)}, ${s}}`).join(',\n');
      const got = run(`local bint = require('.bint')(${bits})\nlocal cases = {\n${table}\n}\n${LUA_OPS}`).split('\n');
      expect(got.length).toBe(cases.length);
      cases.forEach(([a, b, s], i) => {
        expect({ a: a.toString(), b: b.toString(), s, got: got[i]!.split(' ') }).toEqual({ a: a.toString(), b: b.toString(), s, got: expected(a, b, s, bits) });
      });
    });
  }

  it('parses and prints every base 2..36 like BigInt', () => {
    const seed = Number(process.env.BINT_SEED ?? Date.now() % 1_000_000);
    console.log(`bint base test seed: ${seed}`);
    const big = makeRandomBig(seededRandom(seed), 256);
    const rows: Array<[bigint, number]> = [];
    for (let i = 0; i < 80; i++) rows.push([unsigned(big(), 256), 2 + (i % 35)]);
    const lua = rows.map(([v, base]) => `{"${v.toString(base)}", ${base}}`).join(',');
    const got = run(`local bint = require('.bint')(256)
      local out = {}
      for _, r in ipairs({${lua}}) do
        local x = bint.frombase(r[1], r[2])
        out[#out + 1] = tostring(x) .. " " .. bint.tobase(x, r[2]) .. " " .. bint.tobase(x, r[2], false)
      end
      return table.concat(out, "\\n")`).split('\n');
    rows.forEach(([v, base], i) => {
      const s = signed(v, 256);
      const signedText = (s < 0n ? '-' : '') + (s < 0n ? -s : s).toString(base);
      // tobase is unsigned by default except in base 10.
      expect(got[i]).toBe(`${s} ${base === 10 ? signedText : v.toString(base)} ${signedText}`);
    });
  });
});

// ---------------------------------------------------------------------------
// Token-style code as upstream blueprints write it

describe('.bint in token-style handlers', () => {
  it('keeps exact balances beyond 2^64 through Transfers, and refuses bad quantities', () => {
    const start = (10n ** 30n).toString();
    run(`
      local bint = require('.bint')(256)
      local helpers = {
        plus = function(a, b) return tostring(bint(a) + bint(b)) end,
        minus = function(a, b) return tostring(bint(a) - bint(b)) end,
      }
      Ledger = { FRED = "${start}" }
      Handlers.add("bint-transfer", "Transfer", function(msg)
        assert(type(msg.Recipient) == "string", "Recipient is required!")
        assert(bint.__lt(0, bint(msg.Quantity)), "Quantity must be greater than 0")
        if not Ledger[msg.From] then Ledger[msg.From] = "0" end
        if not Ledger[msg.Recipient] then Ledger[msg.Recipient] = "0" end
        if bint(msg.Quantity) <= bint(Ledger[msg.From]) then
          Ledger[msg.From] = helpers.minus(Ledger[msg.From], msg.Quantity)
          Ledger[msg.Recipient] = helpers.plus(Ledger[msg.Recipient], msg.Quantity)
          msg.reply({ Action = "Debit-Notice", Quantity = msg.Quantity, Recipient = msg.Recipient })
        else
          msg.reply({ Action = "Transfer-Error", Error = "Insufficient Balance!" })
        end
      end)
      return "ok"`);
    const q1 = (2n ** 70n + 12345n).toString();
    const r1 = engine.handle(fromFred([{ name: 'Action', value: 'Transfer' }, { name: 'Recipient', value: 'BOB' }, { name: 'Quantity', value: q1 }]), env());
    expect(r1.Error).toBeUndefined();
    expect(r1.Messages?.[0]?.Tags).toContainEqual({ name: 'Action', value: 'Debit-Notice' });
    const r2 = engine.handle(fromFred([{ name: 'Action', value: 'Transfer' }, { name: 'Recipient', value: 'BOB' }, { name: 'Quantity', value: start }]), env());
    expect(r2.Messages?.[0]?.Tags).toContainEqual({ name: 'Action', value: 'Transfer-Error' });
    const ledger = JSON.parse(run('return json.encode(Ledger)')) as Record<string, string>;
    expect(ledger).toEqual({ FRED: (10n ** 30n - (2n ** 70n + 12345n)).toString(), BOB: q1 });
    const bad = engine.handle(fromFred([{ name: 'Action', value: 'Transfer' }, { name: 'Recipient', value: 'BOB' }, { name: 'Quantity', value: '1.5' }]), env());
    expect(bad.Error).toMatch(/value cannot be represented by a bint/);
    const zero = engine.handle(fromFred([{ name: 'Action', value: 'Transfer' }, { name: 'Recipient', value: 'BOB' }, { name: 'Quantity', value: '0' }]), env());
    expect(zero.Error).toMatch(/Quantity must be greater than 0/);
  });

  it('accepts the float initial supply upstream computes (10000 * 10 ^ 12)', () => {
    expect(values('bint(10000 * 10 ^ 12), bint.tonumber("12"), bint(10000 * 10 ^ 12) + bint("1")')).toBe('10000000000000000|12|10000000000000001');
  });
});
