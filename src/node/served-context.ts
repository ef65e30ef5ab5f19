// The node's view of the process service, on top of NodeContext: what only
// an HTTP node needs. Every data item id runs at most once on every path
// (concurrent duplicates wait for the first; a process another program holds
// gets one hand-off); every message a process sends is indexed for the
// gateway (so a client that waits for a reply by querying the recipient finds
// it); dry-runs follow the node's policy (--strict) and are not stacked on a
// process that is still busy with one.
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineOptions } from '../engine/process-engine.js';
import type { AoMessage, AoResult, OutboxMessage, Tag } from '../engine/types.js';
import type { LocalProcess, ProcessRecord } from '../local/local-process.js';
import { processEnv } from '../local/process-meta.js';
import { DryrunPool, type StateSource } from './dryrun-pool.js';
import type { DryrunRequest } from '../local/messages.js';
import { derivedId } from '../local/ids.js';
import { LogReader } from '../local/log-reader.js';
import { mailboxPath } from '../local/mailbox.js';
import type { Delivery, LocalNetwork } from '../local/network.js';
import type { DataItem } from './ans104.js';
import { NodeContext, type Sent, type StoredTx } from './context.js';
import { HttpError } from './http.js';

/** Set by the server around each request: whether its Owner/From claims are unsigned (the legacy CU dry-run). */
export const requestScope = new AsyncLocalStorage<{ unsigned: boolean; deadlineMs: number }>();

/** Read-only views of processes other programs hold, kept at once. */
export const MAX_VIEWS = 16;
/** A view of a held process is brought up to date at most this often. */
export const VIEW_REFRESH_MS = 250;

interface View {
  proc: LocalProcess;
  log: LogReader;
  checked: number;
}

/** Dry-run results kept (for the same request at the same seq). */
export const DRYRUN_CACHE = 512;

/** What a dry-run asks, without what the node fills in when the caller leaves it out (Id, Timestamp, Block-Height). */
function dryrunKey(pid: string, m: AoMessage, req: DryrunRequest): string {
  const { Id, Timestamp, 'Block-Height': height, ...rest } = m;
  return JSON.stringify([pid, req.Id === undefined ? '' : Id, req.Timestamp === undefined ? '' : Timestamp, req['Block-Height'] === undefined ? '' : height, rest]);
}

/**
 * Processes the node keeps open (each has an engine thread and its Lua heap,
 * ~12 MB): beyond this many, the least recently used ones that have been idle
 * longer than a request may take are closed (and opened again when asked for).
 */
export const MAX_OPEN_PROCESSES = 16;

/** Ids of messages handed to another program that are remembered (the mailbox is checked too). */
export const MAX_INDEXED = 100_000;

export interface ServedOptions {
  /** Unsigned dry-runs may not claim the process owner (or an authority) as Owner/From. */
  strict?: boolean;
  /** How many dry-runs may wait for one process before more are refused with 503. */
  maxQueuedDryruns?: number;
  /** Evaluate dry-runs in this thread (no worker): a runaway then holds up the node. */
  inlineDryruns?: boolean;
  /** The request deadline; a dry-run gets a little less. */
  deadlineMs?: number;
  /** Processes kept open at most (see MAX_OPEN_PROCESSES). */
  maxOpenProcesses?: number;
  /** How long a process must go unused before it may be closed (default: the deadline and a second). */
  idleCloseMs?: number;
  engine?: EngineOptions;
}

export class ServedContext extends NodeContext {
  private readonly inflight = new Map<string, Promise<Sent>>();
  private readonly spawning = new Map<string, Promise<{ id: string; result?: AoResult; existed: boolean }>>();
  private readonly handedOff = new Set<string>();
  private readonly dryruns = new Map<string, number>();
  /** Dry-run results by process, seq and message (see dryrun). */
  private readonly dryrunCache = new Map<string, { seq: number; result: AoResult }>();
  private readonly dryrunWaiting = new Map<string, Promise<AoResult>>();
  /** Read-only views of processes another program holds (reads and dry-runs answer from them). */
  private readonly views = new Map<string, View>();
  private readonly opening = new Map<string, Promise<LocalProcess>>();
  /** When each process the node opened was last asked for, oldest first. */
  private readonly lastUse = new Map<string, number>();
  private readonly unsubscribe: () => void;
  readonly pool: DryrunPool;

  constructor(
    network: LocalNetwork,
    readonly served: ServedOptions = {},
  ) {
    super(network);
    this.pool = new DryrunPool(served.engine);
    this.unsubscribe = network.onDelivery((d) => this.indexDelivery(d));
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const v of this.views.values()) v.proc.close();
    this.views.clear();
    for (const p of this.retiring) p.close();
    this.retiring.clear();
    await this.pool.close();
    this.txs.close();
  }

  /**
   * A process another aos-ts program holds is read from a read-only view (its
   * durable log, as the holder wrote it) instead of a 409: results, state,
   * dry-runs and the scheduler's pages work; messages are handed to the holder
   * (messageFrom), and anything that would write refuses with a clear error.
   */
  override async process(id: string | undefined | null): Promise<LocalProcess> {
    try {
      const proc = await super.process(id);
      this.dropView(proc.id);
      this.used(proc.id);
      return proc;
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409 || !id) throw err;
      return this.view(id);
    }
  }

  /** Note a use of an open process; close the least recently used idle ones beyond the bound. */
  private used(id: string): void {
    const now = Date.now();
    this.lastUse.delete(id);
    this.lastUse.set(id, now);
    const max = this.served.maxOpenProcesses ?? MAX_OPEN_PROCESSES;
    const idleMs = this.served.idleCloseMs ?? (this.served.deadlineMs ?? 30_000) + 1000;
    for (const [pid, at] of this.lastUse) {
      if (this.lastUse.size <= max || now - at < idleMs) break;
      this.lastUse.delete(pid);
      this.network.release(pid);
    }
  }

  private async view(id: string): Promise<LocalProcess> {
    const now = Date.now();
    const v = this.views.get(id);
    if (v && now - v.checked < VIEW_REFRESH_MS) return v.proc;
    if (v) {
      v.checked = now;
      if (v.log.refresh() === v.proc.lastSeq) return v.proc;
    }
    // One open at a time per process; concurrent reads share it.
    const running = this.opening.get(id);
    if (running) return running;
    const p = this.network.readOnly(id).then((proc) => {
      const old = this.views.get(id);
      this.views.delete(id);
      // A read that began on the old view may still be using it: closed once no read can be.
      if (old) this.retire(old.proc);
      this.views.set(id, { proc, log: new LogReader(join(this.network.dirOf(id), 'log')), checked: Date.now() });
      while (this.views.size > MAX_VIEWS) this.dropView(this.views.keys().next().value as string);
      return proc;
    });
    this.opening.set(id, p);
    try {
      return await p;
    } finally {
      this.opening.delete(id);
    }
  }

  private dropView(id: string): void {
    const v = this.views.get(id);
    if (!v) return;
    this.views.delete(id);
    this.retire(v.proc);
  }

  private readonly retiring = new Set<LocalProcess>();

  private retire(proc: LocalProcess): void {
    this.retiring.add(proc);
    const grace = (this.served.deadlineMs ?? 30_000) + 1000;
    setTimeout(() => {
      if (this.retiring.delete(proc)) proc.close();
    }, grace).unref();
  }

  /** How long a read may run: a little less than the request's deadline, so its own 504 says why. */
  readTimeout(): number {
    const deadline = requestScope.getStore()?.deadlineMs ?? this.served.deadlineMs ?? 30_000;
    return Math.max(Math.floor(deadline * 0.9), 1);
  }

  /** Run host Lua on a copy of the process's state, off the HTTP thread. */
  async readLua(pid: string, lua: string): Promise<unknown> {
    const proc = await this.process(pid);
    if (this.served.inlineDryruns) return proc.inspect(lua);
    return this.pool.evalLua(stateOf(proc), lua, this.readTimeout());
  }

  override async messageFrom(item: DataItem): Promise<Sent> {
    const running = this.inflight.get(item.id);
    if (running) return running;
    if (this.handedOff.has(item.id) || (item.target && this.inMailbox(item.target, item.id))) {
      this.handedOff.add(item.id);
      return { id: item.id, process: item.target, seq: 0, handedOff: true };
    }
    const p = super.messageFrom(item).then((sent) => {
      if (sent.handedOff) {
        this.handedOff.add(item.id);
        // Bounded: the mailbox itself is checked too, so forgetting the oldest ids loses nothing.
        if (this.handedOff.size > MAX_INDEXED) this.handedOff.delete(this.handedOff.values().next().value as string);
      }
      else if (sent.result && sent.seq > 0) this.indexResult(sent.process, sent.seq, sent.result, Date.now());
      return sent;
    });
    this.inflight.set(item.id, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(item.id);
    }
  }

  override async spawnFrom(item: DataItem): Promise<{ id: string; result?: AoResult; existed: boolean }> {
    // The same spawn posted twice at once makes one process.
    const running = this.spawning.get(item.id);
    if (running) return { ...(await running), existed: true };
    const p = super.spawnFrom(item);
    this.spawning.set(item.id, p);
    try {
      const out = await p;
      if (!out.existed) this.used(out.id);
      if (out.result && !out.existed) this.indexResult(out.id, 1, out.result, Date.now());
      return out;
    } finally {
      this.spawning.delete(item.id);
    }
  }

  override async dryrun(pid: string, req: DryrunRequest): Promise<AoResult> {
    if (this.served.strict && requestScope.getStore()?.unsigned) {
      const proc = await this.process(pid);
      const privileged = new Set([proc.meta.owner, ...authorities(proc.meta.tags)]);
      const probe = this.network.dryrunMessage(proc, req);
      const claimed = [req.Owner, probe.From].filter((x): x is string => typeof x === 'string' && x !== this.network.identity.address);
      if (claimed.some((a) => privileged.has(a))) {
        throw new HttpError(403, `this node runs with --strict: an unsigned dry-run may not act as the owner or an authority of ${pid}; sign the request (aoconnect mainnet mode) or leave Owner/From out`);
      }
    }
    const waiting = this.dryruns.get(pid) ?? 0;
    if (waiting >= (this.served.maxQueuedDryruns ?? 64)) {
      throw new HttpError(503, `process ${pid} is busy with ${waiting} dry-runs; try again shortly`);
    }
    this.dryruns.set(pid, waiting + 1);
    try {
      if (this.served.inlineDryruns) return await super.dryrun(pid, req);
      const proc = await this.process(pid);
      // A dry-run is a function of the state and the message. Requests that ask the same thing
      // while one such evaluation is still waiting for the worker share it: it starts on the
      // state of that moment (at or after every sharer's arrival), with its message (Timestamp,
      // Block-Height) made then. A caller that names no Id gets the Id of that evaluation, as
      // every aoconnect dry-run is "1234" on AO. The result is also kept for the same request at the same seq.
      const key = dryrunKey(pid, this.network.dryrunMessage(proc, req), req);
      const known = this.dryrunCache.get(key);
      if (known && known.seq === proc.lastSeq) return structuredClone(known.result);
      const waiting = this.dryrunWaiting.get(key);
      if (waiting) return structuredClone(await waiting);
      let seq = proc.lastSeq;
      const p = this.pool.dryrun(
        stateOf(proc),
        () => {
          if (this.dryrunWaiting.get(key) === p) this.dryrunWaiting.delete(key);
          seq = proc.lastSeq;
          return this.network.dryrunMessage(proc, req);
        },
        processEnv(proc.meta),
        this.readTimeout(),
      );
      this.dryrunWaiting.set(key, p);
      try {
        const result = await p;
        this.dryrunCache.delete(key);
        this.dryrunCache.set(key, { seq, result });
        while (this.dryrunCache.size > DRYRUN_CACHE) this.dryrunCache.delete(this.dryrunCache.keys().next().value as string);
        return structuredClone(result);
      } finally {
        if (this.dryrunWaiting.get(key) === p) this.dryrunWaiting.delete(key);
      }
    } finally {
      const left = (this.dryruns.get(pid) ?? 1) - 1;
      if (left <= 0) this.dryruns.delete(pid);
      else this.dryruns.set(pid, left);
    }
  }

  /** Whether another program's mailbox for `pid` already holds message `id`. */
  private inMailbox(pid: string, id: string): boolean {
    if (!this.network.isLocal(pid)) return false;
    const file = mailboxPath(this.network.dirOf(pid));
    if (!existsSync(file)) return false;
    try {
      return readFileSync(file, 'utf8').includes(`"Id":${JSON.stringify(id)}`);
    } catch {
      return false;
    }
  }

  private indexDelivery(d: Delivery): void {
    const ts = typeof d.msg.Timestamp === 'number' ? d.msg.Timestamp : Date.now();
    this.indexResult(d.process, d.seq, d.result, ts);
  }

  /** Every message in a result's outbox, as the gateway of a real MU would have it. */
  indexResult(pid: string, seq: number, result: AoResult, ts: number): void {
    if (result.Error !== undefined) return;
    for (const [index, m] of (result.Messages ?? []).entries()) {
      const id = derivedId('message', pid, seq, index);
      if (this.txs.has(id)) continue;
      this.txs.set(id, outboxTx(id, pid, this.scheduler, m, ts));
    }
  }
}

function stateOf(proc: LocalProcess): StateSource {
  return {
    pid: proc.id,
    seq: () => proc.lastSeq,
    image: () => {
      const state = proc.readableState();
      if (state.replay.length === 0) return state.image;
      return { image: state.image, replay: { msgs: state.replay, env: processEnv(proc.meta), through: state.seq } };
    },
    since: (seq) => {
      const msgs: AoMessage[] = [];
      let last = seq;
      for (const rec of proc.records(seq + 1) as Iterable<ProcessRecord>) {
        // An undo rewrites history: only the whole state will do.
        if (rec.kind === 'undo') return undefined;
        if (rec.result.Error === undefined) msgs.push(rec.msg);
        last = rec.seq;
      }
      // Records not yet written out (not acknowledged to anyone) are not readable: the copy
      // then stops at the last written one, which is what a client that saw a result expects.
      return { msgs, env: processEnv(proc.meta), through: last };
    },
  };
}

function authorities(tags: Tag[]): string[] {
  return tags
    .filter((t) => t.name === 'Authority')
    .flatMap((t) => t.value.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function outboxTx(id: string, from: string, signer: string, m: OutboxMessage, ts: number): StoredTx {
  const data = m.Data === undefined ? '' : typeof m.Data === 'string' ? m.Data : JSON.stringify(m.Data);
  const tags: Tag[] = m.Tags.map((t) => ({ name: t.name, value: String(t.value) }));
  if (!tags.some((t) => t.name === 'From-Process')) tags.push({ name: 'From-Process', value: from });
  return {
    id,
    owner: { address: signer, key: '' },
    target: m.Target ?? '',
    anchor: typeof m.Anchor === 'string' ? m.Anchor : '',
    signature: '',
    tags,
    data: Buffer.from(data),
    timestamp: ts,
  };
}

