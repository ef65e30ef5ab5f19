// How long each kind of runaway takes to end with the default limits, as a
// user sees it (from sending the Eval to its Error, the rollback included),
// and which limit ended it; then how long legitimate heavy messages take, to
// show their margin under the time limit. Wall-clock figures: the load
// average is printed with them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIME_LIMIT_MS } from '../dist/engine/process-engine.js';
import { LocalNetwork } from '../dist/local/network.js';
import { round } from './stats.mjs';

const RUNAWAYS = {
  plain_loop: 'while true do end',
  counting_loop: 'local x = 0 while true do x = x + 1 end',
  function_calls: 'local function f(a) return a + 1 end local x = 0 while true do x = f(x) end',
  pcall_nested_loop: 'while true do pcall(function() while true do end end) end',
  xpcall_handler_loop: "return xpcall(function() error('x') end, function() while true do end end)",
  string_rep_loop: "while true do local s = string.rep('x', 1e7) end",
  pattern_in_one_c_call: "return ('a'):rep(2e4):find('.-.-.-.-b')",
  concat_in_c_calls: "local t = {} for i = 1, 1e6 do t[i] = 'x' end while true do local s = table.concat(t) end",
  coroutine_ping_pong: 'local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end',
  allocating_tables: 'while true do local t = {} end',
  building_strings: 'local t, i = {}, 0 while true do i = i + 1 t[i] = "k" .. i .. "v" end',
  growing_memory: "local t = {} while true do t[#t + 1] = string.rep('x', 1e6) .. #t end",
};

/** Heavy but legitimate messages: each must stay far below the time limit. */
const LEGIT = {
  load_token_blueprint: () => readFileSync(new URL('../blueprints/token.lua', import.meta.url), 'utf8'),
  load_every_blueprint: () =>
    ['token', 'chatroom', 'staking', 'voting', 'arena', 'chat']
      .map((b) => readFileSync(new URL(`../blueprints/${b}.lua`, import.meta.url), 'utf8'))
      .join('\n'),
  big_load_2000_functions: () => Array.from({ length: 2000 }, (_, i) => `function F${i}(a, b)\n  local t = { a, b, ${i} }\n  return #t + (a or 0) * ${i}\nend`).join('\n'),
  bint_5000_mul_div: () => `local bint = require('.bint')(256)
local x = bint(1) for i = 1, 5000 do x = (x * bint(3) + bint(i)) // bint(2) end return tostring(x)`,
  crypto_sha256_256k: () => `local crypto = require('.crypto')
return crypto.digest.sha2_256(crypto.utils.stream.fromString(string.rep('abcdefgh', 32768))).asHex()`,
};

function stoppedBy(error) {
  if (!error) return 'not stopped';
  if (/Lua instructions/.test(error)) return 'instructions';
  if (/time limit/.test(error)) return 'time';
  if (/memory/i.test(error)) return 'memory';
  return error.slice(0, 60);
}

const evalTags = [{ name: 'Action', value: 'Eval' }];
const load = () => round(loadavg()[0], 1);

export async function* limitsBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-limits-'));
  try {
    const net = new LocalNetwork(dataDir);
    const { process: p } = await net.openOrSpawn('limits');
    const send = async (code) => {
      const t = performance.now();
      const s = await net.sendAndSettle(p.id, net.userMessage(p.id, evalTags, code));
      return { seconds: (performance.now() - t) / 1000, error: s.result.Error };
    };
    await send('Kept = 1');
    yield { name: 'limits.default_time_limit', value: DEFAULT_TIME_LIMIT_MS / 1000, unit: 's' };
    for (const [name, code] of Object.entries(RUNAWAYS)) {
      const loadBefore = load();
      const { seconds, error } = await send(code);
      yield { name: `limits.stop.${name}`, value: round(seconds, 2), unit: 's', by: stoppedBy(error), load: loadBefore };
    }
    // The process is as it was: Kept is there, nothing a runaway set.
    const check = await send('return Kept');
    if (check.error || (check.seconds > 0 && (await p.inspect('return Kept')) !== 1)) throw new Error('the process changed after a runaway');
    for (const [name, make] of Object.entries(LEGIT)) {
      const loadBefore = load();
      const { seconds, error } = await send(make());
      if (error) throw new Error(`${name}: ${error}`);
      yield { name: `limits.legit.${name}`, value: round(seconds, 3), unit: 's', load: loadBefore };
    }
    await net.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
