// HyperBEAM paths over the local processes: a path is parsed into steps
// (./path.ts) and resolved left to right, each step running a key on the
// previous result with that result's device. Devices served: process@1.0
// (now, compute with a slot, slot, schedule), scheduler@1.0 (status, slot,
// schedule, location), message@1.0 (keys, case-insensitive), meta@1.0 (info,
// build), json@1.0 (serialize, deserialize), node-process@1.0 (the ledger
// `aos --topup` reads) and lua@5.3a (a Lua module's global functions, in a
// fresh sandboxed engine off the HTTP thread). The signed forms aoconnect's
// mainnet mode posts (push, compute/results=, as=execution, slot/current) are
// left to ./mainnet.ts.
import type { ServerResponse } from 'node:http';
import type { AoResult, OutboxMessage } from '../../engine/types.js';
import { derivedId } from '../../local/ids.js';
import type { LocalProcess } from '../../local/local-process.js';
import { withoutPatches } from '../../local/patch-state.js';
import { blockHeightAt } from '../../local/process-meta.js';
import { cuResult } from '../context.js';
import { HttpError, sendJson, sendText, type Req } from '../http.js';
import type { ServedContext } from '../served-context.js';
import { getKey, isId, parsePath, PathError, type Step, type Value } from './path.js';

type Msg = Record<string | symbol, unknown>;

/** A message that stands for a local process (its id is kept out of JSON). */
const PROCESS = Symbol('process');
/** A message whose missing keys all read as this value (the ledger's balances). */
const DEFAULT = Symbol('default');

export const DEVICES = ['process@1.0', 'scheduler@1.0', 'message@1.0', 'meta@1.0', 'json@1.0', 'node-process@1.0', 'lua@5.3a', 'patch@1.0'];

const MAINNET_FORMS = /^(push|compute\/results=.*|as=execution\/.*|slot\/current|slot)$/;

/** Whether this request is a HyperBEAM path this module answers. */
export function isHyperbeamPath(method: string, path: string): boolean {
  const slash = path.indexOf('/', 1);
  const first = path.slice(1, slash < 0 ? undefined : slash);
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  if (first === '' || first === 'push') return false;
  if (first.startsWith('~') || first.startsWith('%7E') || first.startsWith('%7e')) return true;
  const idHead = /^[A-Za-z0-9_-]{43}/.test(first) && (first.length === 43 || /^[~&]/.test(first.slice(43)));
  if (idHead) {
    if (MAINNET_FORMS.test(rest)) return false;
    // A bare id is the gateway's or the SU's (`/<id>`, `/<id>?process-id=`).
    return rest !== '' || first.length > 43;
  }
  if (first.includes('~') && method !== 'POST') return true;
  return false;
}

export async function hyperbeamRoute(ctx: ServedContext, req: Req, res: ServerResponse): Promise<boolean> {
  if (!isHyperbeamPath(req.method, req.path)) return false;
  const q = req.query.toString();
  let steps: Step[];
  let global: Record<string, Value>;
  try {
    ({ steps, global } = parsePath(req.path, rawQuery(req, q)));
  } catch (err) {
    if (err instanceof PathError) throw new HttpError(400, `bad HyperBEAM path: ${err.message}`);
    throw err;
  }
  const r = new Resolver(ctx, req, steps, global);
  const value = await r.run();
  reply(req, res, value, steps, global);
  return true;
}

/** The raw query string as sent (URLSearchParams would turn `+` into spaces in names). */
function rawQuery(req: Req, fallback: string): string {
  return req.rawQuery ?? fallback;
}

class Resolver {
  constructor(
    private readonly ctx: ServedContext,
    private readonly req: Req,
    private readonly steps: Step[],
    private readonly global: Record<string, Value>,
  ) {}

  async run(): Promise<unknown> {
    let cur: unknown = { ...this.global };
    let i = 0;
    const first = this.steps[0];
    if (first?.id !== undefined) {
      cur = await this.load(first.id, first);
      i = 1;
    }
    for (; i < this.steps.length; i++) {
      const step = this.steps[i]!;
      if (step.id !== undefined && step.device) {
        cur = await this.load(step.id, step);
        continue;
      }
      if (step.id !== undefined) {
        // An id after the first segment is a key (a balance by address, a message in a map).
        step.key = step.id;
        step.id = undefined;
      }
      if (!isMsg(cur) && step.device === 'json@1.0' && (step.key === 'serialize' || step.key === 'to')) {
        // A bare value (a string, a number) serialized on its own.
        const text = JSON.stringify(cur ?? null);
        cur = step.key === 'to' ? text : { 'content-type': 'application/json', body: text };
        continue;
      }
      if (!isMsg(cur)) throw new HttpError(404, `"${step.key}": the value before it is not a message (it has no keys)`);
      if (step.device) {
        cur = { ...cur, device: step.device };
        if (step.key === '') {
          // Only set the device (and this segment's keys) on the message.
          cur = Object.assign(cur as Msg, step.params);
          continue;
        }
      }
      const next = this.steps[i + 1];
      const out = await this.key(cur as Msg, step, next);
      if (out.consumedNext) i++;
      cur = out.value;
    }
    return cur;
  }

  private async load(id: string, step: Step): Promise<Msg> {
    if (this.ctx.network.isLocal(id)) {
      const m: Msg = { device: step.device ?? 'process@1.0', ...step.params };
      m[PROCESS] = id;
      return m;
    }
    const tx = this.ctx.txs.get(id);
    if (!tx) throw new HttpError(404, `Message necessary to resolve request not found: ${id}`);
    const m: Msg = { id: tx.id, owner: tx.owner.address, target: tx.target, anchor: tx.anchor, data: tx.data.toString('utf8'), body: tx.data.toString('utf8') };
    for (const t of tx.tags) m[t.name.toLowerCase()] = t.value;
    if (step.device) m.device = step.device;
    else if (typeof m.device !== 'string') m.device = 'message@1.0';
    return Object.assign(m, step.params);
  }

  private async key(cur: Msg, step: Step, next: Step | undefined): Promise<{ value: unknown; consumedNext?: boolean }> {
    const device = typeof cur.device === 'string' ? cur.device.toLowerCase() : 'message@1.0';
    switch (device) {
      case 'message@1.0':
        return { value: messageGet(cur, step.key) };
      case 'process@1.0':
        return this.processKey(cur, step, next);
      case 'scheduler@1.0':
        return { value: await this.schedulerKey(cur, step) };
      case 'meta@1.0':
        return { value: this.metaKey(step) };
      case 'json@1.0':
        return { value: jsonKey(cur, step) };
      case 'node-process@1.0':
        return { value: this.nodeProcess(step.key) };
      case 'lua@5.3a':
        return { value: await this.lua(cur, step) };
      case 'patch@1.0':
        return { value: messageGet(cur, step.key) };
      default:
        throw new HttpError(404, `the device ${device} is not served by aos-ts serve (served: ${DEVICES.join(', ')})`);
    }
  }

  // --- process@1.0 --------------------------------------------------------------

  private async proc(cur: Msg): Promise<LocalProcess> {
    const pid = cur[PROCESS];
    if (typeof pid !== 'string') throw new HttpError(404, 'this message is not a process; start the path with /<process id>~process@1.0');
    return this.ctx.process(pid);
  }

  private async processKey(cur: Msg, step: Step, next: Step | undefined): Promise<{ value: unknown; consumedNext?: boolean }> {
    const k = step.key;
    if (k === 'now' || k === 'compute') {
      const proc = await this.proc(cur);
      let slot = slotParam(step.params.slot);
      let consumedNext = false;
      // `compute/<slot>`: a number right after compute names the slot.
      if (k === 'compute' && slot === undefined && next && next.id === undefined && !next.device && /^\d+$/.test(next.key)) {
        slot = Number(next.key);
        consumedNext = true;
      }
      return { value: stateAt(this.ctx, proc, slot), consumedNext };
    }
    if (k === 'slot') return { value: slotInfo(this.ctx, await this.proc(cur)) };
    if (k === 'schedule') {
      if (this.req.method === 'POST') throw new HttpError(400, 'schedule messages with POST /<pid>~process@1.0/push (a signed ANS-104 item)');
      return { value: schedulePage(this.ctx, await this.proc(cur), this.steps, step.params) };
    }
    // Keys of a computed state read through (`/<pid>/now` was computed already, or a plain key).
    if (cur[PROCESS] !== undefined && !('at-slot' in cur)) {
      const state = stateAt(this.ctx, await this.proc(cur), undefined);
      return { value: stateGet(state, k) };
    }
    return { value: stateGet(cur, k) };
  }

  private async schedulerKey(cur: Msg, step: Step): Promise<unknown> {
    const target = typeof step.params.target === 'string' ? step.params.target : typeof cur.target === 'string' ? cur.target : undefined;
    const needProc = async () => {
      if (!target) throw new HttpError(400, `scheduler@1.0/${step.key} needs ?target=<process id>`);
      return this.ctx.process(target);
    };
    switch (step.key) {
      case 'status':
        return { address: this.ctx.scheduler, processes: this.ctx.network.list().map((m) => m.id), 'cache-control': 'no-store' };
      case 'slot':
        return slotInfo(this.ctx, await needProc());
      case 'schedule':
        return schedulePage(this.ctx, await needProc(), this.steps, step.params);
      case 'location':
        return { url: this.ctx.baseUrl, address: this.ctx.scheduler, 'cache-control': 'no-store' };
      default:
        return messageGet(cur, step.key);
    }
  }

  private metaKey(step: Step): unknown {
    if (step.key === 'info') {
      if (this.req.method === 'POST') throw new HttpError(403, 'Unauthorized: the node message of aos-ts serve cannot be changed over HTTP');
      return nodeInfo(this.ctx);
    }
    if (step.key === 'build') {
      return { node: 'aos-ts serve', version: '0.1.0', source: 'aos-ts', 'source-short': 'aos-ts', 'build-time': 0 };
    }
    return messageGet(nodeInfo(this.ctx), step.key);
  }

  private nodeProcess(name: string): unknown {
    if (name !== 'ledger') throw new HttpError(404, `no node process named "${name}" on aos-ts serve (only the ledger, which holds no balances locally)`);
    const id = derivedId('ledger', this.ctx.scheduler);
    const balances: Msg = {};
    balances[DEFAULT] = '0';
    const state: Msg = { device: 'message@1.0', 'at-slot': 0, balance: balances, balances };
    const m: Msg = { device: 'message@1.0', id, now: state, compute: state, commitments: { keys: [id] } };
    return m;
  }

  // --- lua@5.3a -------------------------------------------------------------------

  private async lua(cur: Msg, step: Step): Promise<unknown> {
    const fn = typeof step.params.function === 'string' ? step.params.function : step.key;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn)) throw new HttpError(400, `"${fn.slice(0, 40)}" is not a Lua function name`);
    const code = luaModule(this.ctx, cur.module);
    const base = plain(cur);
    delete base.module;
    const request: Record<string, unknown> = { path: step.key, method: this.req.method, ...step.params };
    const lua = [
      `local json = require('json')`,
      `local base = json.decode(${luaString(JSON.stringify(base))})`,
      `local req = json.decode(${luaString(JSON.stringify(request))})`,
      `local chunk, err = load(${luaString(code)}, '=module')`,
      `if not chunk then error('the Lua module does not compile: ' .. tostring(err)) end`,
      `chunk()`,
      `local f = _G[${JSON.stringify(fn)}]`,
      `if type(f) ~= 'function' then error('the Lua module has no global function ${fn}') end`,
      `local r = table.pack(f(base, req, {}))`,
      `return { n = r.n, a = r[1], b = r[2] }`,
    ].join('\n');
    let out: { n: number; a?: unknown; b?: unknown };
    try {
      out = (await this.ctx.pool.evalLua({ pid: '~lua@5.3a', seq: () => 0, image: () => 'fresh' }, lua, this.ctx.readTimeout())) as typeof out;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(500, `the Lua function ${fn} failed: ${(err as Error).message}`);
    }
    if (out.n >= 2 && typeof out.a === 'string') {
      if (out.a === 'ok') return out.b;
      throw new HttpError(out.a === 'error' ? 400 : 500, `${fn}: ${typeof out.b === 'string' ? out.b : JSON.stringify(out.b)}`);
    }
    return out.a === undefined ? null : out.a;
  }
}

function isMsg(v: unknown): v is Msg {
  return v !== null && typeof v === 'object';
}

function slotParam(v: Value | undefined): number | undefined {
  if (v === undefined || v === null || v === true) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, `slot must be a whole number, not ${JSON.stringify(v)}`);
  return n;
}

/** message@1.0's get: case-insensitive, private keys hidden, 404 when missing. */
function messageGet(cur: Msg, key: string): unknown {
  if (Array.isArray(cur)) {
    // Lists are messages keyed 1, 2, ...
    const i = /^\d+$/.test(key) ? Number(key) - 1 : -1;
    if (i >= 0 && i < cur.length) return cur[i];
    throw new HttpError(404, `the list has no item ${key} (items are numbered from 1)`);
  }
  if (key === 'keys' && !Object.prototype.hasOwnProperty.call(cur, 'keys')) return Object.keys(cur).filter((k) => !k.toLowerCase().startsWith('priv'));
  const got = getKey(cur as Record<string, unknown>, key);
  if (got.found) return got.value;
  if (cur[DEFAULT] !== undefined) return cur[DEFAULT];
  throw new HttpError(404, `the message has no key "${key}"`);
}

function stateGet(state: Msg, key: string): unknown {
  const got = getKey(state as Record<string, unknown>, key);
  if (got.found) return got.value;
  throw new HttpError(
    404,
    `process state has no key "${key}" (keys: ${Object.keys(state).join(', ')}); a process exposes state with Send({ device = 'patch@1.0', ${key} = value })`,
  );
}

function jsonKey(cur: Msg, step: Step): unknown {
  switch (step.key) {
    case 'serialize':
      return { 'content-type': 'application/json', body: JSON.stringify(plain(cur, true)) };
    case 'to':
      return JSON.stringify(plain(cur, true));
    case 'deserialize':
    case 'from': {
      const from = typeof step.params.target === 'string' ? step.params.target : 'body';
      const text = getKey(cur as Record<string, unknown>, from);
      if (!text.found || typeof text.value !== 'string') throw new HttpError(400, `json@1.0/${step.key}: the message has no JSON text at "${from}"`);
      try {
        return JSON.parse(text.value) as unknown;
      } catch {
        throw new HttpError(400, `json@1.0/${step.key}: "${from}" is not valid JSON`);
      }
    }
    case 'content-type':
      return 'application/json';
    default:
      return messageGet(cur, step.key);
  }
}

/** A message as plain JSON data: private keys and symbols dropped; `device` too when serializing the value only. */
function plain(cur: Msg, dropDevice = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cur)) {
    if (k.toLowerCase().startsWith('priv')) continue;
    if (dropDevice && k === 'device' && (v === 'json@1.0' || v === 'message@1.0')) continue;
    out[k] = v;
  }
  return out;
}

function luaString(s: string): string {
  // A long bracket no content can close.
  let eq = '';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[\n${s}]${eq}]`;
}

function luaModule(ctx: ServedContext, ref: unknown): string {
  if (typeof ref === 'string') {
    if (!isId(ref)) throw new HttpError(400, `lua@5.3a: module must be the id of a Lua module uploaded to this node, not "${ref.slice(0, 60)}"`);
    const tx = ctx.txs.get(ref);
    if (!tx) throw new HttpError(404, `Lua module '${ref}' not found (upload it to this node first, e.g. with arweave-js)`);
    return tx.data.toString('utf8');
  }
  if (ref && typeof ref === 'object') {
    const m = ref as Record<string, unknown>;
    const body = typeof m.body === 'string' ? m.body : typeof m.data === 'string' ? m.data : undefined;
    if (body !== undefined) return body;
  }
  throw new HttpError(400, 'lua@5.3a needs a module: add &module=<id of an uploaded Lua module> to the ~lua@5.3a segment');
}

// --- process state ------------------------------------------------------------

function outboxMsg(m: OutboxMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of m.Tags) out[t.name.toLowerCase()] = t.value;
  if (m.Target) out.target = m.Target;
  if (m.Data !== undefined) out.data = m.Data;
  return out;
}

function resultsOf(result: AoResult | undefined): Record<string, unknown> {
  const r = result ?? {};
  const outbox: Record<string, unknown> = {};
  withoutPatches(r.Messages ?? []).forEach((m, i) => (outbox[String(i + 1)] = outboxMsg(m)));
  return { outbox, output: r.Output ?? {}, raw: cuResult(r) };
}

/** The process state message at a slot (the current one when undefined). */
function stateAt(ctx: ServedContext, proc: LocalProcess, slot: number | undefined): Msg {
  const current = proc.lastSeq - 1;
  if (slot !== undefined && slot > current) throw new HttpError(404, `process ${proc.id} has no slot ${slot} yet (its current slot is ${current})`);
  const seq = (slot ?? current) + 1;
  const patches = proc.history.patchedState(seq);
  const rec = proc.history.record(seq);
  const m = proc.meta;
  const definition: Record<string, unknown> = { id: m.id, owner: m.owner };
  for (const t of m.tags) definition[t.name.toLowerCase()] = t.value;
  const state: Msg = {
    ...patches,
    device: 'process@1.0',
    'at-slot': seq - 1,
    process: definition,
    results: resultsOf(rec?.result),
  };
  state[PROCESS] = proc.id;
  return state;
}

function slotInfo(ctx: ServedContext, proc: LocalProcess): Msg {
  const now = Date.now();
  const height = blockHeightAt(now);
  return {
    process: proc.id,
    current: proc.lastSeq - 1,
    timestamp: now,
    'block-height': height,
    'block-hash': `local-block-${height}`,
    'cache-control': 'no-store',
    addresses: [ctx.scheduler],
  };
}

/** The legacy SU JSON of a slot range (`from`/`to` are slots). */
function schedulePage(ctx: ServedContext, proc: LocalProcess, _steps: Step[], params: Record<string, Value>): Record<string, unknown> {
  const from = slotParam(params.from) ?? 0;
  const to = slotParam(params.to) ?? proc.lastSeq - 1;
  const limit = Math.min(slotParam(params.limit) ?? 100, 1000);
  const edges: unknown[] = [];
  let more = false;
  for (const rec of proc.records(from + 1)) {
    if (rec.kind !== 'message') continue;
    const slot = rec.seq - 1;
    if (slot > to) break;
    if (edges.length === limit) {
      more = true;
      break;
    }
    const ts = Number(rec.msg.Timestamp ?? 0);
    edges.push({
      cursor: String(slot),
      node: {
        message: { id: rec.msg.Id ?? '', owner: { address: rec.msg.Owner ?? '' }, tags: rec.msg.Tags, data: rec.msg.Data ?? '', target: rec.msg.Target ?? proc.id },
        assignment: {
          id: derivedId('assignment', proc.id, rec.seq),
          owner: { address: ctx.scheduler },
          tags: [
            { name: 'Process', value: proc.id },
            { name: 'Epoch', value: '0' },
            { name: 'Nonce', value: String(slot) },
            { name: 'Slot', value: String(slot) },
            { name: 'Timestamp', value: String(ts) },
            { name: 'Block-Height', value: String(blockHeightAt(ts)) },
            { name: 'Message', value: String(rec.msg.Id ?? '') },
            { name: 'Type', value: 'Assignment' },
          ],
        },
      },
    });
  }
  const now = Date.now();
  return {
    page_info: { process: proc.id, has_next_page: more, timestamp: now, 'block-height': blockHeightAt(now), 'block-hash': `local-block-${blockHeightAt(now)}` },
    edges,
  };
}

function nodeInfo(ctx: ServedContext): Msg {
  return {
    address: ctx.scheduler,
    operator: ctx.scheduler,
    node: 'aos-ts serve',
    initialized: 'permanent',
    module: ctx.module,
    scheduler: ctx.scheduler,
    port: Number(new URL(ctx.baseUrl || 'http://127.0.0.1:0').port),
    preloaded_devices: DEVICES,
    node_processes: { ledger: derivedId('ledger', ctx.scheduler) },
  };
}

// --- replies -----------------------------------------------------------------------

function wantsJson(req: Req, global: Record<string, Value>): boolean {
  const accept = String(req.headers.accept ?? '').toLowerCase();
  const codec = String(global['accept-codec'] ?? req.headers['accept-codec'] ?? '').toLowerCase();
  const require = String(global['require-codec'] ?? req.headers['require-codec'] ?? '').toLowerCase();
  return require === 'application/json' || codec === 'json@1.0' || accept.startsWith('application/json');
}

/** Scalar top-level keys as response headers (httpsig@1.0 style). */
function headersOf(m: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const types: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (!/^[a-z0-9-]+$/.test(k) || k === 'body' || k === 'content-length' || k === 'content-type') continue;
    if (typeof v === 'string') {
      if (/^[\x20-\x7e]*$/.test(v) && v.length <= 4096) out[k] = v;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      out[k] = String(v);
      types.push(`${k}="${typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'float') : 'atom'}"`);
    }
  }
  if (types.length > 0) out['ao-types'] = types.join(', ');
  return out;
}

function reply(req: Req, res: ServerResponse, value: unknown, _steps: Step[], global: Record<string, Value>): void {
  const head = req.method === 'HEAD';
  if (isMsg(value) && !Array.isArray(value)) {
    const m = plain(value as Msg);
    const type = getKey(m, 'content-type');
    if (type.found && typeof type.value === 'string' && 'body' in m) {
      // A message that names its own content type is its body (serialize~json@1.0 and friends).
      const body = typeof m.body === 'string' ? m.body : JSON.stringify(m.body);
      sendText(res, 200, head ? '' : body, type.value);
      return;
    }
    const headers = headersOf(m);
    if (head) {
      res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      res.end();
      return;
    }
    sendJson(res, 200, m, wantsJson(req, global) ? {} : headers);
    return;
  }
  if (wantsJson(req, global)) {
    sendJson(res, 200, { status: 200, body: value ?? null });
    return;
  }
  if (Array.isArray(value)) {
    sendJson(res, 200, value);
    return;
  }
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  const extra: Record<string, string> = typeof value === 'number' ? { 'ao-types': `body="${Number.isInteger(value) ? 'integer' : 'float'}"` } : {};
  sendText(res, 200, head ? '' : text, 'text/plain; charset=utf-8', extra);
}
