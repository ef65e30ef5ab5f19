// aos-ts serve figures: requests/s over loopback with plain fetch (bounded
// count, fixed number in flight). Data items are signed before the clock starts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Arweave from 'arweave';
import { ArweaveSigner, createData } from '@dha-team/arbundles';

// AOS_TS_NODE_SERVER=/path/to/dist/node/server.js measures another build (e.g. the main branch, for before/after).
// (Not in the client thread of BENCH_CLIENT=thread, which loads this file too.)
const { startNode } = isMainThread ? await import(process.env.AOS_TS_NODE_SERVER ?? '../dist/node/server.js') : {};

const MESSAGES = 600;
const MIXED = 2000;
const MIXED_IN_FLIGHT = 50;
const READS = 2000;
const IN_FLIGHT = 32;

async function pool(count, inFlight, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - t) / 1000;
}

async function signed(signer, data, opts) {
  const item = createData(data, signer, opts);
  await item.sign(signer);
  return { id: item.id, raw: Buffer.from(item.getRaw()) };
}

export async function* nodeBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-node-'));
  if (process.env.BENCH_NODE_ONLY === 'procs') {
    yield* manyProcesses(dataDir);
    return;
  }
  const node = await startNode({ dataDir, port: 0, inlineDryruns: process.env.AOS_TS_INLINE_DRYRUNS === '1' });
  try {
    const jwk = await Arweave.init({}).wallets.generate();
    const signer = new ArweaveSigner(jwk);
    const root = await (await fetch(node.url)).json();
    const spawn = await signed(signer, `Count = 0
Handlers.add("bump", "Bump", function(msg)
  Count = Count + 1
  Send({ device = "patch@1.0", count = tostring(Count) })
end)`, {
      tags: [
        { name: 'Data-Protocol', value: 'ao' }, { name: 'Variant', value: 'ao.TN.1' }, { name: 'Type', value: 'Process' },
        { name: 'Module', value: root.module }, { name: 'Scheduler', value: root.scheduler }, { name: 'Name', value: 'bench' },
        { name: 'On-Boot', value: 'Data' },
      ],
    });
    const res = await fetch(node.url, { method: 'POST', body: spawn.raw });
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`spawn failed: ${res.status} ${answer}`);
    const pid = spawn.id;
    if (process.env.BENCH_NODE_ONLY === 'mixed') {
      yield* mixed(node, signer, pid);
      return;
    }
    if (process.env.BENCH_NODE_ONLY === 'long') {
      yield* longRun(node, signer, pid);
      return;
    }
    const items = [];
    for (let i = 0; i < MESSAGES; i++) {
      items.push(await signed(signer, String(i), { target: pid, tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Type', value: 'Message' }, { name: 'Action', value: 'Bump' }] }));
    }
    const msgSecs = await pool(MESSAGES, IN_FLIGHT, async (i) => {
      const r = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: items[i].raw });
      if (r.status !== 202) throw new Error(`message failed: ${r.status}`);
      await r.arrayBuffer();
      const result = await (await fetch(`${node.url}/result/${items[i].id}?process-id=${pid}`)).json();
      if (result.Error) throw new Error(result.Error);
    });
    yield { name: 'node.message_and_result', value: Math.round(MESSAGES / msgSecs), unit: 'req pairs/s' };
    const readSecs = await pool(READS, IN_FLIGHT, async () => {
      const r = await fetch(`${node.url}/${pid}~process@1.0/now/count`);
      const text = await r.text();
      if (text !== String(MESSAGES)) throw new Error(`state read gave ${text}`);
    });
    yield { name: 'node.state_reads', value: Math.round(READS / readSecs), unit: 'req/s' };
    yield* mixed(node, signer, pid);
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * 2,000 mixed requests, 50 in flight: signed messages (40%), results of
 * messages already answered (30%), dry-runs (30%). Every message must run
 * exactly once: the process history is checked for lost and doubled ids.
 *
 * The requests are made in this thread, beside the node (as the figures in
 * the issue were taken), or with BENCH_CLIENT=thread from a worker thread of
 * their own, as a client in another program would: the node's thread then
 * serves requests only, instead of also running the client's fetch.
 */
async function* mixed(node, signer, pid) {
  const kinds = Array.from({ length: MIXED }, (_, i) => (i % 10 < 4 ? 'message' : i % 10 < 7 ? 'result' : 'dryrun'));
  const items = [];
  for (const k of kinds) if (k === 'message') items.push(await signed(signer, 'x', { target: pid, tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Type', value: 'Message' }, { name: 'Action', value: 'Bump' }] }));
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = threadCpu();
  const load = process.env.BENCH_CLIENT === 'thread' ? await loadInThread(node.url, pid, kinds, items) : await mixedLoad(node.url, pid, kinds, items);
  const { secs, latencies, byKind, failures, failureText, nextItem } = load;
  const cpuAfter = threadCpu();
  latencies.sort((a, b) => a - b);
  const sent = new Set(items.slice(0, Math.min(nextItem, items.length)).map((x) => x.id));
  const proc = await node.context.network.get(pid);
  const seen = new Map();
  for (const rec of proc.records(1)) if (rec.kind === 'message' && sent.has(rec.msg.Id)) seen.set(rec.msg.Id, (seen.get(rec.msg.Id) ?? 0) + 1);
  const lost = [...sent].filter((id) => !seen.has(id)).length;
  const doubled = [...seen.values()].filter((n) => n > 1).length;
  yield { name: 'node.mixed', value: Math.round(MIXED / secs), unit: 'req/s' };
  yield { name: 'node.mixed_p50', value: Math.round(quantile(latencies, 0.5)), unit: 'ms' };
  yield { name: 'node.mixed_p99', value: Math.round(quantile(latencies, 0.99)), unit: 'ms' };
  for (const [k, l] of Object.entries(byKind)) {
    l.sort((a, b) => a - b);
    yield { name: `node.mixed_${k}_p50_p99`, value: `${Math.round(quantile(l, 0.5))}/${Math.round(quantile(l, 0.99))}`, unit: 'ms' };
  }
  yield { name: 'node.mixed_lost', value: lost, unit: 'messages' };
  yield { name: 'node.mixed_doubled', value: doubled, unit: 'messages' };
  yield { name: 'node.mixed_errors', value: [...failures.values()].reduce((a, b) => a + b, 0), unit: `responses ${JSON.stringify(Object.fromEntries(failures))}` };
  for (const [status, text] of failureText) yield { name: `node.mixed_first_${status}`, value: text, unit: 'response' };
  // CPU time rather than wall time: what the figures above cost, which a busy machine does not change much.
  if (cpuBefore && cpuAfter) {
    const used = (name) => (cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0);
    const main = used('main');
    let all = 0;
    for (const name of cpuAfter.keys()) all += used(name);
    yield { name: 'node.mixed_cpu_per_request', value: `${(main / MIXED).toFixed(2)}/${(all / MIXED).toFixed(2)}`, unit: `ms of CPU: the node's thread/all threads${process.env.BENCH_CLIENT === 'thread' ? '' : ' (both with the client)'}` };
  }
  yield { name: 'node.mixed_rss_growth', value: Math.round((process.memoryUsage().rss - rssBefore) / 1e6), unit: 'MB' };
}

/** The requests of mixed(), made from here: latencies by kind, failures, how many messages were sent. */
async function mixedLoad(url, pid, kinds, items) {
  const answered = [];
  let nextItem = 0;
  const latencies = [];
  const byKind = {};
  const failures = new Map();
  const failureText = new Map();
  const secs = await pool(kinds.length, MIXED_IN_FLIGHT, async (i) => {
    const t = performance.now();
    let r;
    let text = '';
    if (kinds[i] === 'message' || answered.length === 0) {
      const item = items[nextItem++ % items.length];
      r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: item.raw });
      text = await r.text();
      if (r.status === 202) answered.push(item.id);
    } else if (kinds[i] === 'result') {
      const id = answered[i % answered.length];
      r = await fetch(`${url}/result/${id}?process-id=${pid}`);
      text = await r.text();
    } else {
      r = await fetch(`${url}/dry-run?process-id=${pid}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Tags: [{ name: 'Action', value: 'Info' }] }),
      });
      text = await r.text();
    }
    const ms = performance.now() - t;
    latencies.push(ms);
    (byKind[kinds[i]] ??= []).push(ms);
    if (r.status >= 300) {
      failures.set(r.status, (failures.get(r.status) ?? 0) + 1);
      if (!failureText.has(r.status)) failureText.set(r.status, `${kinds[i]}: ${text.slice(0, 200)}`);
    }
  });
  return { secs, latencies, byKind, failures, failureText, nextItem };
}

/** mixedLoad() in a worker thread of its own (this file is its entry). */
function loadInThread(url, pid, kinds, items) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { benchClient: { url, pid, kinds, items } } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the client thread stopped (exit code ${code})`)));
  });
}

if (!isMainThread && workerData?.benchClient) {
  const { url, pid, kinds, items } = workerData.benchClient;
  const load = await mixedLoad(url, pid, kinds, items.map((x) => ({ id: x.id, raw: Buffer.from(x.raw) })));
  parentPort.postMessage(load);
}

/**
 * CPU time used so far (ms) by this program's main thread ('main') and by
 * each other thread (Linux: /proc/self/task); undefined elsewhere.
 */
function threadCpu() {
  if (!existsSync('/proc/self/task')) return undefined;
  const tick = 10; // USER_HZ is 100 on Linux
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
      out.set(Number(tid) === process.pid ? 'main' : tid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // a thread that just ended
    }
  }
  return out;
}

/** Entries of the node's own maps and caches (what could grow with requests). */
function sizes(node) {
  const c = node.context;
  const n = (x) => (x == null ? undefined : typeof x.size === 'number' ? x.size : x.length);
  return {
    txs: n(c.txs), txsHeld: c.txs?.held, txsIndexKB: c.txs?.indexMemoryBytes === undefined ? undefined : Math.round(c.txs.indexMemoryBytes / 1024), handedOff: n(c.handedOff), dryrunCache: n(c.dryrunCache),
    views: n(c.views), retiring: n(c.retiring), inflight: n(c.inflight),
  };
}

/**
 * Linux only: the resident memory of the wasm memories (every engine's, in any
 * thread: the Lua heaps) and of the rest (JS heaps of every thread, buffers, code).
 */
function residentSplit() {
  let text;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return {};
  }
  // V8 reserves 8 GB for each wasm memory: the pages in use (rw-p) followed by the rest, inaccessible (---p).
  const maps = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+)/.exec(line);
    if (m) maps.push({ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), perms: m[3], rss: 0 });
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps.at(-1).rss = Number(rss[1]);
  }
  let wasm = 0, other = 0, memories = 0;
  for (let i = 0; i < maps.length; i++) {
    const a = maps[i], b = maps[i + 1];
    const isWasm = a.perms === 'rw-p' && b && b.start === a.end && b.perms === '---p' && b.end - a.start >= 8n * 2n ** 30n - 2n ** 20n;
    if (isWasm) {
      wasm += a.rss;
      memories++;
    } else other += a.rss;
  }
  return { wasmMB: Math.round(wasm / 1e3), wasmMemories: memories, restMB: Math.round(other / 1e3) };
}

async function memory() {
  globalThis.gc?.();
  // Pages the collector frees are returned in the background: RSS read at once varies by tens of MB.
  await new Promise((r) => setTimeout(r, 500));
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const m = process.memoryUsage();
  return { rssMB: Math.round(m.rss / 1e6), ...residentSplit(), heapMB: Math.round(m.heapUsed / 1e5) / 10, externalMB: Math.round(m.external / 1e6), arrayBuffersMB: Math.round(m.arrayBuffers / 1e6) };
}

/**
 * BENCH_NODE_ONLY=long: BENCH_ROUNDS (10) rounds of the mixed 2,000 against the
 * same node and process, the node's memory after each (after a forced GC when
 * run with `node --expose-gc`). Flat: after the first round, growth per round
 * near zero rather than proportional to the requests served.
 */
async function* longRun(node, signer, pid) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  if (!globalThis.gc) yield { name: 'node.long_note', value: 'run with node --expose-gc for heap figures after a GC', unit: '' };
  yield { name: 'node.long_round', value: { round: 0, ...(await memory()), ...sizes(node) }, unit: 'MB/entries' };
  const kept = [];
  for (let round = 1; round <= rounds; round++) {
    const figures = {};
    for await (const f of mixed(node, signer, pid)) figures[f.name.replace('node.mixed_', '').replace('node.', '')] = f.value;
    // The Lua heap of the process (collectgarbage count, KB): grows with what the process keeps, not the node.
    const luaKB = Math.round(Number(await node.context.readLua(pid, "return collectgarbage('count')")));
    // The process's own engine (not the read worker's copy): Lua heap bytes in use as of its last message.
    const engineKB = Math.round((await node.context.network.get(pid)).memoryUsed / 1024);
    const mem = await memory();
    kept.push({ round, heapMB: mem.heapMB, rssMB: mem.rssMB });
    yield {
      name: 'node.long_round',
      value: { round, luaKB, engineKB, reqs: figures.mixed, p99: figures.p99, lost: figures.lost, doubled: figures.doubled, errors: figures.errors, ...mem, ...sizes(node) },
      unit: 'req/s, ms, MB/entries',
    };
    // BENCH_LUA_TABLES=1: the process's biggest tables after the last round (what its Lua heap keeps).
    if (process.env.BENCH_LUA_TABLES && round === rounds) {
      const lua = `local out, seen = {}, {}
local function walk(t, path, depth)
  if seen[t] or depth > 3 then return end
  seen[t] = true
  local n = 0
  for k, v in pairs(t) do
    n = n + 1
    if type(v) == 'table' then walk(v, path .. '.' .. tostring(k), depth + 1) end
  end
  if n > 50 then table.insert(out, path .. '=' .. n) end
end
walk(_G, '_G', 0)
return table.concat(out, ' ')`;
      yield { name: 'node.long_lua_tables', value: await node.context.readLua(pid, lua), unit: 'entries' };
    }
    // BENCH_HEAP_SNAPSHOTS=dir: a heap snapshot after the second and the last round, to diff.
    if (process.env.BENCH_HEAP_SNAPSHOTS && (round === 2 || round === rounds)) {
      const { writeHeapSnapshot } = await import('node:v8');
      writeHeapSnapshot(join(process.env.BENCH_HEAP_SNAPSHOTS, `node-round-${round}.heapsnapshot`));
    }
  }
  // Growth per round after the first two (the first rounds fill the bounded caches and compile the code).
  const from = kept.find((k) => k.round === 2);
  const to = kept.at(-1);
  if (from && to && to.round > from.round) {
    const per = (a, b) => Math.round(((b - a) * 1000) / (to.round - from.round));
    yield { name: 'node.long_growth_per_round', value: { heapKB: per(from.heapMB, to.heapMB), rssKB: per(from.rssMB, to.rssMB), rounds: `${from.round}..${to.round}` }, unit: 'KB/round (2,000 requests)' };
  }
}

/**
 * BENCH_NODE_ONLY=procs: BENCH_PROCS (64) processes spawned through signed items
 * one after another, each sent a message and a dry-run, as a test suite against
 * the node does; the node's memory and open processes every 8. The node runs
 * with a 10 s deadline (BENCH_DEADLINE_MS), so a process idle for 11 s may be closed.
 */
async function* manyProcesses(dataDir) {
  const deadlineMs = Number(process.env.BENCH_DEADLINE_MS ?? 10_000);
  const node = await startNode({ dataDir, port: 0, deadlineMs });
  try {
    const signer = new ArweaveSigner(await Arweave.init({}).wallets.generate());
    const root = await (await fetch(node.url)).json();
    const count = Number(process.env.BENCH_PROCS ?? 64);
    yield { name: 'node.procs', value: { spawned: 0, ...(await memory()), ...node.context.network.openCounts }, unit: 'MB/processes' };
    for (let i = 1; i <= count; i++) {
      const spawn = await signed(signer, 'Count = 0', {
        tags: [
          { name: 'Data-Protocol', value: 'ao' }, { name: 'Variant', value: 'ao.TN.1' }, { name: 'Type', value: 'Process' },
          { name: 'Module', value: root.module }, { name: 'Scheduler', value: root.scheduler }, { name: 'Name', value: `p${i}` }, { name: 'On-Boot', value: 'Data' },
        ],
      });
      const r = await fetch(node.url, { method: 'POST', body: spawn.raw });
      if (r.status !== 202) throw new Error(`spawn failed: ${r.status} ${await r.text()}`);
      await r.text();
      const msg = await signed(signer, 'Count = Count + 1', { target: spawn.id, tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Type', value: 'Message' }, { name: 'Action', value: 'Eval' }] });
      await (await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: msg.raw })).text();
      await (await fetch(`${node.url}/dry-run?process-id=${spawn.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Tags: [{ name: 'Action', value: 'Info' }] }) })).text();
      if (i % 8 === 0) {
        // Processes idle longer than a request may take are the ones the node may close.
        await new Promise((res) => setTimeout(res, deadlineMs + 1500));
        yield { name: 'node.procs', value: { spawned: i, ...(await memory()), ...node.context.network.openCounts }, unit: 'MB/processes' };
      }
    }
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  for await (const figure of nodeBench()) console.log(JSON.stringify(figure));
}
