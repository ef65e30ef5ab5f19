// A bundle loaded into a local process as one Eval: modules run once, are
// found by require under each name, and errors point at the original lines.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleLua, mapLuaError } from '../../src/bundle/index.js';
import { evalIn, network, outputData, removeTempDirs } from '../helpers/local.js';
import { luaTree, removeLuaTrees } from './helpers.js';

afterEach(() => {
  removeLuaTrees();
  removeTempDirs();
});

describe('a loaded bundle', () => {
  it('runs each module once, registers every name, and keeps built-ins working', async () => {
    const root = luaTree({
      'main.lua': [
        'local util = require("lib.util")',
        'local again = require(".lib.util")',
        'local json = require("json")',
        'Greeting = util.greet("ao") .. " " .. tostring(util == again) .. " " .. json.encode({ n = Runs })',
      ].join('\n'),
      'lib/util.lua': 'Runs = (Runs or 0) + 1\nlocal M = {}\nfunction M.greet(n) return "hi " .. n end\nreturn M',
    });
    const net = network();
    const { process: p } = await net.openOrSpawn('loader');
    const r = await evalIn(net, p, bundleLua(join(root, 'main.lua')).source);
    expect(r.Error).toBeUndefined();
    expect(outputData(await evalIn(net, p, 'return Greeting'))).toBe('hi ao true {"n":1}');
    // Later code can require the bundled module by either name.
    expect(outputData(await evalIn(net, p, 'return require("lib.util").greet("x") .. require(".lib.util").greet("y")'))).toBe('hi xhi y');
    // Loading again runs the modules again (so edits take effect), still once each.
    await evalIn(net, p, bundleLua(join(root, 'main.lua')).source);
    expect(outputData(await evalIn(net, p, 'return Runs'))).toBe('2');
    await net.close();
  });

  it('maps a runtime error in a module back to its file and line', async () => {
    const root = luaTree({
      'main.lua': 'local calc = require("lib.calc")\n\nResult = calc.divide(1, 0)',
      'lib/calc.lua': ['local M = {}', 'function M.divide(a, b)', '  if b == 0 then', '    error("division by zero")', '  end', '  return a / b', 'end', 'return M'].join('\n'),
    });
    const b = bundleLua(join(root, 'main.lua'));
    const net = network();
    const { process: p } = await net.openOrSpawn('mapper');
    const r = await evalIn(net, p, b.source);
    expect(String(r.Error)).toMatch(/\[string "aos"\]:\d+: division by zero/);
    const mapped = mapLuaError(String(r.Error), b.map);
    expect(mapped).toContain('lib/calc.lua:4: division by zero');
    expect(mapped).not.toContain('[string "aos"]');
    await net.close();
  });

  it('maps a handler error raised later, from code the bundle added', async () => {
    const root = luaTree({
      'main.lua': 'local h = require("h")\nHandlers.add("boom", "Boom", h.run)',
      'h.lua': 'return { run = function(msg)\n  local t = nil\n  return t.field\nend }',
    });
    const b = bundleLua(join(root, 'main.lua'));
    const net = network();
    const { process: p } = await net.openOrSpawn('later');
    expect((await evalIn(net, p, b.source)).Error).toBeUndefined();
    const s = await net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: 'Boom' }]));
    expect(mapLuaError(String(s.result.Error), b.map)).toContain("h.lua:3: attempt to index a nil value (local 't')");
    await net.close();
  });

  it('maps a syntax error in a module to its file and line', async () => {
    const root = luaTree({ 'main.lua': 'require("bad")', 'bad.lua': 'local a = 1\nlocal b = = 2\nreturn a' });
    const b = bundleLua(join(root, 'main.lua'));
    const net = network();
    const { process: p } = await net.openOrSpawn('syntax');
    const r = await evalIn(net, p, b.source);
    expect(mapLuaError(String(r.Error), b.map)).toMatch(/^bad\.lua:2: unexpected symbol near '='/);
    await net.close();
  });
});
