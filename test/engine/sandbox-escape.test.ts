// Issue 13: no Lua reaches the sandbox's internals (the raw load, sethook,
// the budget's upvalues, the bridge), binary chunks, or a stopped collector;
// and the runaways that the hook used to miss end at the instruction budget.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessEngine } from '../../src/engine/process-engine.js';
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
const run = (e: ProcessEngine, code: string) => e.handle(evalMsg(code), env());

describe('the debug library', () => {
  it('hands out no upvalue, local, hook or registry', async () => {
    const e = await booted();
    for (const code of [
      'return debug.getupvalue(load, 1)',
      'return debug.getupvalue(coroutine.create, 2)',
      'return debug.setupvalue(coroutine.create, 2, nil)',
      'return debug.upvaluejoin(load, 1, print, 1)',
      'return debug.upvalueid(load, 1)',
      'return debug.getlocal(2, 1)',
      'return debug.setlocal(2, 1, 0)',
      'return debug.getregistry()',
      'return debug.gethook()',
      'return debug.sethook()',
      'return debug.setmetatable(1, {})',
      'return debug.getuservalue(io)',
    ]) {
      expect((await run(e, code)).Error, code).toMatch(/debug\.\w+ is not available in a process/);
    }
  });

  it('gives no function through getinfo, whatever the level or options', async () => {
    const e = await booted();
    const probe = `
      local seen = {}
      for level = 0, 30 do
        local i = debug.getinfo(level, "f")
        if i == nil then break end
        seen[#seen + 1] = tostring(i.func)
        local j = debug.getinfo(level)
        seen[#seen + 1] = tostring(j.func)
      end
      local k = debug.getinfo(load, "fL")
      seen[#seen + 1] = tostring(k.func) .. tostring(k.activelines)
      local co = coroutine.create(function() coroutine.yield() end)
      coroutine.resume(co)
      seen[#seen + 1] = tostring((debug.getinfo(co, 1, "f") or {}).func)
      return table.concat(seen, ",")`;
    const out = data((await run(e, probe)));
    expect(out).not.toMatch(/function/);
    expect(out).toMatch(/nil/);
  });

  it('keeps what aos code reads: traceback, nparams, currentline, short_src', async () => {
    const e = await booted();
    const r = await run(
      e,
      `local function three(a, b, c) end
       local here = debug.getinfo(1, "Sl")
       local function caller() return debug.getinfo(2, "l").currentline end
       local back = caller()
       return table.concat({ debug.getinfo(three, "u").nparams, here.currentline, here.short_src, back,
         type(debug.traceback("x")), tostring(debug.getmetatable("").__index == string) }, "|")`,
    );
    expect(r.Error).toBeUndefined();
    const [nparams, line, src, back, tb, strmeta] = data(r).split('|');
    expect(nparams).toBe('3');
    expect(line).toBe('2');
    expect(back).toBe('4');
    expect(src.length).toBeGreaterThan(0);
    expect(tb).toBe('string');
    expect(strmeta).toBe('true');
  });

  it('leaves no bridge function where Lua can call it', async () => {
    const e = await booted();
    expect(data((await run(e, 'return tostring(__aos_handle) .. tostring(__aos_eval) .. tostring(__aos_boot) .. tostring(__aos_register)')))).toBe(
      'nilnilnilnil',
    );
    // And the budget still holds afterwards (nothing could reset it).
    const small = await booted({ instructionBudget: 1_000_000 });
    expect((await run(small, 'while true do end')).Error).toMatch(/Lua instructions/);
  });
});

describe('binary chunks', () => {
  it('cannot be loaded by any route', async () => {
    const e = await booted();
    for (const code of [
      'return tostring(load(string.dump(function() return 42 end)))',
      'return tostring(load(string.dump(function() return 42 end), "x", "b"))',
      'return tostring(load(string.dump(function() return 42 end), "x", "bt", {}))',
      `local s = string.dump(function() return 42 end); local done = false
       return tostring(load(function() if done then return nil end done = true return s end, "r", "b"))`,
    ]) {
      const r = (await run(e, code));
      expect(r.Error, code).toBeUndefined();
      expect(data(r), code).toBe('nil');
    }
    expect(data((await run(e, 'local f, err = load(string.dump(function() return 42 end), "x", "b") return err')))).toMatch(/binary/);
    expect(data((await run(e, 'return load("return 6 * 7", "x", "b")()')))).toBe('42');
  });
});

describe('the collector', () => {
  it('refuses stop, restart and mode changes and stays on', async () => {
    const e = await booted();
    for (const opt of ['stop', 'restart', 'setpause', 'setstepmul']) {
      expect((await run(e, `collectgarbage("${opt}")`)).Error, opt).toMatch(/not available in a process/);
    }
    // Lua 5.3 (AO) has no collector modes: the option itself is unknown there.
    for (const opt of ['incremental', 'generational']) {
      expect((await run(e, `collectgarbage("${opt}")`)).Error, opt).toMatch(/invalid option '\w+'/);
    }
    expect(data((await run(e, 'return tostring(collectgarbage("isrunning"))')))).toBe('true');
    expect(data((await run(e, 'return type(collectgarbage("count"))')))).toBe('number');
    expect((await run(e, 'collectgarbage(); collectgarbage("collect"); collectgarbage("step")')).Error).toBeUndefined();
  });

  it('ignores __gc, so a looping finalizer neither hangs nor bricks the process', async () => {
    const e = await booted({ timeLimitMs: 20_000 });
    const r = await run(
      e,
      `Ran = false
       setmetatable({}, { __gc = function() Ran = true end })
       Trap = setmetatable({}, { __gc = function() while true do end end })
       Trap = nil
       collectgarbage(); collectgarbage()
       return tostring(Ran)`,
    );
    expect(r.Error).toBeUndefined();
    expect(data(r)).toBe('false');
    // The metatable keeps its __gc field for whoever reads it.
    expect(data((await run(e, 'local mt = { __gc = print } setmetatable({}, mt) return type(mt.__gc)')))).toBe('function');
    for (let i = 0; i < 3; i++) expect(data((await run(e, 'local t = {} for i = 1, 1e5 do t[i] = {} end collectgarbage() return "ok"')))).toBe('ok');
    expect(e.isCrashed).toBe(false);
  });
});

describe('the instruction budget', () => {
  it('stops a looping xpcall message handler', async () => {
    const e = await booted({ instructionBudget: 2_000_000 });
    const r = (await run(e, `return xpcall(function() error('x') end, function() while true do end end)`));
    expect(r.Error).toMatch(/Lua instructions/);
    expect(data((await run(e, 'return select(2, xpcall(function() error("x", 0) end, function(m) return "handled " .. m end))')))).toBe('handled x');
  });

  it('counts the bytes string.rep makes', async () => {
    const e = await booted({ instructionBudget: 2_000_000 });
    expect((await run(e, `while true do local s = string.rep('x', 1e7) end`)).Error).toMatch(/Lua instructions/);
    expect((await run(e, `while true do local s = ('xy'):rep(1e6, ',') end`)).Error).toMatch(/Lua instructions/);
    expect(data((await run(e, `return #string.rep('ab', 3, '-')`)))).toBe('8');
  });

  it('counts coroutine switches', async () => {
    const e = await booted({ instructionBudget: 2_000_000 });
    const pingPong = `local co = coroutine.create(function() while true do coroutine.yield() end end)
      while true do coroutine.resume(co) end`;
    expect((await run(e, pingPong)).Error).toMatch(/Lua instructions/);
    const wrapped = `local f = coroutine.wrap(function() while true do coroutine.yield() end end)
      while true do f() end`;
    expect((await run(e, wrapped)).Error).toMatch(/Lua instructions/);
    expect(data((await run(e, `local f = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
      return f(1) + f(10)`)))).toBe('22');
  });
});
