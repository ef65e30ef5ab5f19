// The host around the process OS: sandbox, budget, memory cap, byte strings,
// snapshots and replay determinism. Real wasmoon, real OS.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessEngine } from '../../src/engine/process-engine.js';
import { imageDigest } from '../../src/engine/memory-image.js';
import { data, env, evalMsg, processMsg } from '../helpers/messages.js';

const engines: ProcessEngine[] = [];
async function booted(opts = {}): Promise<ProcessEngine> {
  const e = await ProcessEngine.create(opts);
  engines.push(e);
  await e.handle(processMsg(), env());
  return e;
}
afterEach(() => {
  while (engines.length) engines.pop()!.close();
});

describe('sandbox', () => {
  it('takes away everything that reaches the host', async () => {
    const e = await booted();
    const r = (await e.handle(
      evalMsg(`return table.concat({ tostring(os.execute), tostring(io), tostring(os.exit), tostring(dofile),
        tostring(loadfile), tostring(os.getenv), tostring(os.remove), tostring(package.loadlib) }, ",")`),
      env(),
    ));
    expect(data(r)).toBe('nil,nil,nil,nil,nil,nil,nil,nil');
  });

  it('lets require reach only the OS and loaded modules', async () => {
    const e = await booted();
    expect((await e.handle(evalMsg(`return require('.utils').capitalize('foo-bar')`), env())).Error).toBeUndefined();
    expect(data((await e.handle(evalMsg(`return require('json').encode({1,2})`), env())))).toBe('[1,2]');
    const r = (await e.handle(evalMsg(`return require('socket')`), env()));
    expect(r.Error).toMatch(/module 'socket' not found/);
    await e.handle(evalMsg(`package.loaded['mine'] = { v = 7 }`), env());
    expect(data((await e.handle(evalMsg(`return require('mine').v`), env())))).toBe('7');
  });

  it('refuses binary chunks and host hooks', async () => {
    const e = await booted();
    const r = (await e.handle(evalMsg(`local f, err = load(string.dump(function() return 1 end)) return tostring(f) .. " " .. tostring(err)`), env()));
    expect(data(r)).toMatch(/^nil .*binary/);
    expect((await e.handle(evalMsg(`debug.sethook(function() end, "", 1)`), env())).Error).toMatch(/not available/);
  });

  it('makes the clock come from the message', async () => {
    const e = await booted();
    const r = (await e.handle(evalMsg(`return os.date("%Y-%m-%d %H:%M", os.time() // 1000)`, { Timestamp: 1_700_000_000_000 }), env()));
    expect(data(r)).toBe('2023-11-14 22:13');
  });
});

describe('instruction budget', () => {
  it('stops an endless loop with a clear error and keeps the engine usable', async () => {
    const e = await booted({ instructionBudget: 5_000_000 });
    const r = (await e.handle(evalMsg('while true do end'), env()));
    expect(r.Error).toMatch(/Stopped: this message ran more than 5,000,000 Lua instructions/);
    expect(data((await e.handle(evalMsg('1 + 1'), env())))).toBe('2');
  });

  it('cannot be swallowed by pcall, xpcall or coroutines', async () => {
    const e = await booted({ instructionBudget: 5_000_000 });
    for (const code of [
      'while true do pcall(function() while true do end end) end',
      'while true do xpcall(function() while true do end end, function(m) return m end) end',
      'while true do coroutine.resume(coroutine.create(function() while true do end end)) end',
      'local ok = pcall(function() while true do end end) return "escaped"',
    ]) {
      const r = (await e.handle(evalMsg(code), env()));
      expect(r.Error, code).toMatch(/Stopped/);
    }
    expect(data((await e.handle(evalMsg('"alive"'), env())))).toBe('alive');
  });
});

describe('memory cap', () => {
  it('ends a memory bomb with a clear error, never a crashed Node', async () => {
    const e = await booted({ memoryLimitBytes: 32 * 1024 * 1024 });
    const r1 = (await e.handle(evalMsg('local t = {} for i = 1, 1e9 do t[i] = i end'), env()));
    expect(r1.Error).toMatch(/32 MiB memory limit/);
    const r2 = (await e.handle(evalMsg('return #string.rep("x", 2^30)'), env()));
    expect(r2.Error).toMatch(/memory limit/);
    expect(data((await e.handle(evalMsg('1 + 2'), env())))).toBe('3');
  });
});

describe('byte strings', () => {
  it('passes NUL bytes and unicode through both ways', async () => {
    const e = await booted();
    const r = (await e.handle(evalMsg('return #Inbox', {}), env()));
    expect(r.Error).toBeUndefined();
    const r2 = (await e.handle(evalMsg(`return "a\\0b" .. "é€😀"`), env()));
    expect(data(r2)).toBe('a\u0000bé€😀');
  });

  it('carries messages, reads and results larger than the shared buffer, and small ones after them', async () => {
    const e = await booted();
    // Over 1 MiB each way (the shared buffer's size): these go through the port.
    const big = 'é'.repeat(700_000);
    const r = await e.handle(evalMsg(`local s = [[${big}]] return #s .. ":" .. string.rep("z", 1100000):sub(1, 3)`), env());
    expect(data(r)).toBe(`${Buffer.byteLength(big)}:zzz`);
    const out = await e.handle(evalMsg(`return string.rep("ab", 600000)`), env());
    expect(data(out)).toBe('ab'.repeat(600_000));
    expect(await e.evalLua(`return #string.rep("€", 400000)`)).toBe(1_200_000);
    expect(await e.evalLua(`return string.rep("€", 400000)`)).toBe('€'.repeat(400_000));
    // And back to the shared buffer.
    expect(data(await e.handle(evalMsg('return "é€😀"'), env()))).toBe('é€😀');
    expect(await e.evalLua('return 6 * 7')).toBe(42);
  });
});

describe('snapshots and determinism', () => {
  const script = [
    'Counter = 0',
    'for i = 1, 50 do _G["k" .. i] = i end',
    'local keys = {} for k in pairs(_G) do keys[#keys + 1] = k end Order = table.concat(keys, ",")',
    'Counter = Counter + math.random(1000)',
    'T = { a = 1, b = { c = "x" } } return T',
    'return Order',
  ];

  it('two fresh engines fed the same messages end byte-identical', async () => {
    const run = async () => {
      const e = await ProcessEngine.create();
      engines.push(e);
      const outs = [JSON.stringify((await e.handle(processMsg(), env())))];
      for (const [i, code] of script.entries()) outs.push(JSON.stringify(await e.handle(evalMsg(code, { Id: `m${i}`, Timestamp: 5000 + i }), env())));
      return { outs, digest: imageDigest((await e.snapshot())) };
    };
    const a = await run();
    const b = await run();
    expect(b.outs).toEqual(a.outs);
    expect(b.digest).toBe(a.digest);
  });

  it('a restored snapshot carries on exactly where the original was', async () => {
    const e = await booted();
    await e.handle(evalMsg('Balances = { alice = "100" } Counter = 41'), env());
    const image = (await e.snapshot());
    const copy = await ProcessEngine.fromImage(image);
    engines.push(copy);
    const next = evalMsg('Counter = Counter + 1 return Counter .. " " .. Balances.alice .. " " .. math.random(100)', { Id: 'same', Timestamp: 9 });
    const r1 = (await e.handle(next, env()));
    const r2 = (await copy.handle(next, env()));
    expect(data(r2)).toBe(data(r1));
    expect(data(r1)).toMatch(/^42 100 \d+$/);
    expect(imageDigest((await copy.snapshot()))).toBe(imageDigest((await e.snapshot())));
  });

  it('reverts to a mark kept in the engine thread, once or, when kept, again', async () => {
    const e = await booted();
    await e.handle(evalMsg('Kept = 1'), env());
    const before = imageDigest(await e.snapshot());
    await expect(e.revert()).rejects.toThrow(/no mark/);
    await e.mark();
    await e.handle(evalMsg('Kept = 2; Junk = string.rep("x", 100000)'), env());
    await e.revert({ keep: true });
    expect(imageDigest(await e.snapshot())).toBe(before);
    expect(await e.evalLua('Kept = 3 return Kept')).toBe(3);
    await e.revert();
    expect(imageDigest(await e.snapshot())).toBe(before);
    expect(data(await e.handle(evalMsg('return Kept .. tostring(Junk)'), env()))).toBe('1nil');
    // Dropped after a revert without keep.
    await expect(e.revert()).rejects.toThrow(/no mark/);
  });
});
