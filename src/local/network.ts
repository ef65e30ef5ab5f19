// The local AO network: the registry of local processes in a data folder and
// the scheduler that carries messages between them.
//
// A result's outbox is delivered the way AO's units deliver it: each message
// addressed to a local process becomes a message from the sender
// (From-Process), signed by the local messenger, with its own id, timestamp
// and slot; spawns become new local processes whose parent gets a Spawned
// notice. Delivery goes in waves: every message of a wave is handled, then
// every log the wave touched is flushed once (group commit), and only then do
// their outboxes move on. So nothing is acted on before it is durable, and a
// crash can only lose the tail of a wave that nobody was told about.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureDir } from './fsync.js';
import { join } from 'node:path';
import type { EngineOptions } from '../engine/process-engine.js';
import { tagValue, type AoMessage, type AoResult, type OutboxMessage, type SpawnRequest, type Tag } from '../engine/types.js';
import { cronMessage, dueTicks, parseCronInterval } from './cron.js';
import { derivedId, isId, randomId } from './ids.js';
import { loadIdentity, type LocalIdentity } from './identity.js';
import { ProcessLockedError, withShortLock } from './lock.js';
import { LocalProcess, type Origin } from './local-process.js';
import { appendToMailbox, mailboxSize, readMailbox } from './mailbox.js';
import { blockHeightAt, inspectProcessFolder, LOCAL_MODULE_ID, processMessage, type ProcessMeta, type ProcessMetaError } from './process-meta.js';

export const DEFAULT_CASCADE_LIMIT = 10_000;
const OUTBOX_STATE = 'outbox.json';

export interface NetworkOptions {
  engine?: EngineOptions;
  /** Most messages one cascade may deliver before it is stopped. */
  cascadeLimit?: number;
  onNotice?: (text: string) => void;
  /** Everything handled that the caller did not send itself (other processes, cron, other programs). */
  onDelivery?: (d: Delivery) => void;
  /** Current time; tests pin it. */
  now?: () => number;
  /** false: deliver no cron ticks (for reads such as `aos-ts inbox`); due ones wait for the next open. */
  cron?: boolean;
}

export interface SpawnOptions {
  tags?: Tag[];
  data?: string;
  cron?: string;
  /** For children spawned by a process: the parent is their owner. */
  parent?: string;
  /** The owner (and signer) when it is not the local identity, e.g. a wallet address from a signed spawn. */
  owner?: string;
  id?: string;
  timestamp?: number;
}

/** One message handled somewhere in a cascade. */
export interface Delivery {
  process: string;
  processName: string;
  seq: number;
  msg: AoMessage;
  result: AoResult;
}

export interface Settled {
  /** The result of the message the caller sent. */
  result: AoResult;
  seq: number;
  /** Every other message the cascade delivered, in order. */
  cascade: Delivery[];
  /** Messages addressed to processes that are not local. */
  pending: { from: string; message: OutboxMessage }[];
  /** Messages handed to processes that another aos-ts program has open. */
  handedOff: { target: string; msg: AoMessage }[];
  /** Set when the cascade was cut off by the bound. */
  truncated?: string;
}

/** A cascade in flight: everything caused by one message. */
class Cascade {
  outstanding = 0;
  first?: Delivery;
  readonly settled: Omit<Settled, 'result' | 'seq'> = { cascade: [], pending: [], handedOff: [] };
  resolve!: (s: Settled) => void;
  reject!: (e: unknown) => void;
  readonly done = new Promise<Settled>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
  constructor(readonly fromCaller: boolean) {}
}

interface QueueItem {
  target: string;
  msg: AoMessage;
  origin?: Origin;
  /** The caller's own message may go to another program's mailbox too. */
  handOff?: boolean;
  mailboxEnd?: number;
  cascade: Cascade;
}

export class LocalNetwork {
  readonly identity: LocalIdentity;
  private readonly open = new Map<string, LocalProcess>();
  private queue: QueueItem[] = [];
  private draining?: Promise<void>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private mailboxTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly dataDir: string,
    private readonly options: NetworkOptions = {},
  ) {
    ensureDir(this.processesDir);
    this.identity = loadIdentity(dataDir);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  get processesDir(): string {
    return join(this.dataDir, 'processes');
  }

  dirOf(id: string): string {
    return join(this.processesDir, id);
  }

  // --- the registry -----------------------------------------------------------

  /** Every local process, oldest first. */
  list(): ProcessMeta[] {
    const { metas, damaged } = this.scanFolders();
    for (const d of damaged) this.options.onNotice?.(d.message);
    return metas;
  }

  /** Process folders whose process.json is missing or damaged: never replaced by a new process of the same name. */
  damaged(): ProcessMetaError[] {
    return this.scanFolders().damaged;
  }

  private scanFolders(): { metas: ProcessMeta[]; damaged: ProcessMetaError[] } {
    const metas: ProcessMeta[] = [];
    const damaged: ProcessMetaError[] = [];
    for (const entry of readdirSync(this.processesDir)) {
      if (!isId(entry)) continue;
      const seen = inspectProcessFolder(join(this.processesDir, entry));
      if (seen.state === 'process') metas.push(seen.meta);
      else if (seen.state === 'damaged') damaged.push(seen.error);
    }
    return { metas: metas.sort((a, b) => a.createdAt - b.createdAt), damaged };
  }

  /** The id of the process with this id or name; an error when a name is ambiguous. */
  resolve(nameOrId: string): string | undefined {
    if (isId(nameOrId) && this.isLocal(nameOrId)) return nameOrId;
    const folders = this.scanFolders();
    let matches = folders.metas.filter((m) => m.name === nameOrId);
    if (matches.length === 0) {
      // A damaged process of that name (or id) is still that process: say so rather than make a new one.
      const hit = folders.damaged.find((e) => e.processName === nameOrId || e.dir === this.dirOf(nameOrId));
      if (hit) throw hit;
    }
    if (matches.length > 1) {
      // A process published to a local node (aos-ts serve on this data folder)
      // has a copy here under the same name: the name means the original.
      const published = new Set(matches.map((m) => m.remote?.id).filter((id): id is string => Boolean(id)));
      matches = matches.filter((m) => !published.has(m.id));
    }
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} local processes are named "${nameOrId}": ${matches.map((m) => m.id).join(', ')}. Open one by its id.`,
      );
    }
    return matches[0]?.id;
  }

  isLocal(id: string): boolean {
    return isId(id) && existsSync(join(this.dirOf(id), 'process.json'));
  }

  /** Open a process (kept open until close()); catches up on its mail, undelivered outbox and cron. */
  /**
   * `lockWaitMs`: how long to wait if another program holds it, for one that
   * may be closing (a person reopening a process). Deliveries do not wait:
   * they hand the message to that program instead.
   */
  async get(id: string, lockWaitMs = 0): Promise<LocalProcess> {
    const cached = this.open.get(id);
    if (cached) return cached;
    if (this.closed) throw new Error('the local network is closed');
    // One open per process even when several deliveries ask at once.
    let opening = this.opening.get(id);
    if (!opening) {
      opening = (async () => {
        const proc = await LocalProcess.open(this.dirOf(id), { engine: this.options.engine, onNotice: this.options.onNotice, lockWaitMs });
        this.open.set(id, proc);
        await this.afterOpen(proc);
        return proc;
      })().finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    return opening;
  }

  private readonly opening = new Map<string, Promise<LocalProcess>>();
  private readonly deliveryListeners = new Set<(d: Delivery) => void>();

  /** Listen to every delivery that was not the first message of a caller's own send. */
  subscribe(listener: (d: Delivery) => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  private emitDelivery(d: Delivery): void {
    this.options.onDelivery?.(d);
    for (const l of this.deliveryListeners) l(d);
  }

  /** Open the process with this name or id, spawning it when no process has that name. */
  async openOrSpawn(nameOrId: string, spawn: SpawnOptions = {}): Promise<{ process: LocalProcess; created: boolean }> {
    const id = this.resolve(nameOrId);
    if (id) return { process: await this.get(id, 1500), created: false };
    if (isId(nameOrId)) throw new Error(`no local process has the id ${nameOrId}`);
    const { process } = await this.spawn(nameOrId, spawn);
    return { process, created: true };
  }

  /** Create a local process; its process message (On-Boot) is handled at once. */
  async spawn(name: string, opts: SpawnOptions = {}): Promise<{ process: LocalProcess; result: AoResult }> {
    if (opts.cron) parseCronInterval(opts.cron);
    const id = opts.id ?? randomId();
    const createdAt = opts.timestamp ?? this.now();
    const owner = opts.parent ?? opts.owner ?? this.identity.address;
    const meta: ProcessMeta = {
      id,
      name,
      owner,
      signer: opts.parent ? this.identity.messenger : owner,
      module: LOCAL_MODULE_ID,
      tags: processTags(name, this.identity.messenger, opts),
      data: opts.data,
      createdAt,
      cron: opts.cron ?? tagValue(opts.tags, 'Cron-Interval'),
    };
    const created = await LocalProcess.create(this.dirOf(id), meta, { engine: this.options.engine, onNotice: this.options.onNotice });
    this.open.set(id, created.process);
    await this.afterOpen(created.process);
    return created;
  }

  // --- sending --------------------------------------------------------------

  /** A message from you (the local identity) to a local process. */
  userMessage(target: string, tags: Tag[], data?: string): AoMessage {
    const ts = this.now();
    const msg: AoMessage = {
      Id: randomId(),
      From: this.identity.address,
      Owner: this.identity.address,
      Target: target,
      Tags: [...baseTags('Message'), ...tags],
      Timestamp: ts,
      'Block-Height': blockHeightAt(ts),
      Cron: false,
    };
    if (data !== undefined) msg.Data = data;
    return msg;
  }

  /**
   * Deliver `msg` to `target`, then everything the network sends because of
   * it, until quiet (or the cascade bound). Resolves when all of it is durable.
   * With `handOff`, a target that another aos-ts program has open gets the
   * message in its mailbox (then `seq` is 0 and `handedOff` names it).
   */
  sendAndSettle(target: string, msg: AoMessage, opts: { handOff?: boolean } = {}): Promise<Settled> {
    const cascade = new Cascade(true);
    this.enqueue({ target, msg, cascade, handOff: opts.handOff });
    return cascade.done;
  }

  /** Resolves when nothing is queued or being delivered. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private enqueue(item: QueueItem): void {
    item.cascade.outstanding += 1;
    this.queue.push(item);
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // Callers woken by the last wave may have queued more before this ran.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Processes whose outboxes went out in the current wave, with their last seq then.
    let routed = new Map<LocalProcess, number>();
    // Cursors known to be delivered, written every few waves and when quiet:
    // a cursor that lags after a crash only means a longer (deduplicated) check.
    const delivered = new Map<LocalProcess, number>();
    let waves = 0;
    let flushFailed = false;
    while (this.queue.length > 0) {
      const wave = this.queue.splice(0);
      const handled: { item: QueueItem; delivery?: Delivery; error?: unknown }[] = [];
      const touched = new Set<LocalProcess>();
      for (const item of wave) {
        try {
          handled.push({ item, delivery: await this.handleItem(item, touched) });
        } catch (error) {
          handled.push({ item, error });
        }
      }
      // Group commit: one flush per log, before any outbox moves on. A log
      // that cannot be flushed (disk full) fails the wave's messages to it:
      // none of them is acknowledged or acted on.
      const unflushed = new Map<string, unknown>();
      for (const proc of touched) {
        try {
          proc.flush();
        } catch (err) {
          unflushed.set(proc.id, err);
        }
      }
      for (const { item, delivery, error } of handled) {
        const c = item.cascade;
        try {
          if (error !== undefined) throw error;
          if (delivery && unflushed.has(delivery.process)) throw unflushed.get(delivery.process);
          if (delivery) {
            this.record(c, delivery);
            await this.routeOutbox(delivery, c);
          }
        } catch (err) {
          // Only the caller's own cascade has someone to tell; the rest (mail, cron, recovery) become notices.
          if (!c.first && c.fromCaller) c.reject(err);
          else this.options.onNotice?.(`delivery to ${item.target} failed: ${(err as Error).message}`);
        }
        this.finish(c);
      }
      // The previous wave's outboxes were handled and flushed in this one;
      // after a failed flush nothing more counts as delivered (reopening redelivers, targets drop duplicates).
      if (unflushed.size > 0) flushFailed = true;
      if (!flushFailed) for (const [p, seq] of routed) delivered.set(p, seq);
      routed = new Map([...touched].filter((p) => !unflushed.has(p.id)).map((p) => [p, p.lastSeq]));
      if (++waves % 16 === 0) {
        this.markDelivered(delivered);
        delivered.clear();
      }
    }
    if (!flushFailed) for (const [p, seq] of routed) delivered.set(p, seq);
    this.markDelivered(delivered);
  }

  /** Handle one queued message; undefined when it went to another program's mailbox. */
  private async handleItem(item: QueueItem, touched: Set<LocalProcess>): Promise<Delivery | undefined> {
    const c = item.cascade;
    if (c.first && c.settled.cascade.length >= (this.options.cascadeLimit ?? DEFAULT_CASCADE_LIMIT)) {
      if (!c.settled.truncated) {
        c.settled.truncated =
          `Stopped a cascade after ${c.settled.cascade.length} messages caused by one message ` +
          `(processes answering each other forever?). The rest were not delivered.`;
        this.options.onNotice?.(c.settled.truncated);
      }
      return undefined;
    }
    let proc: LocalProcess;
    try {
      proc = await this.get(item.target);
    } catch (err) {
      if (!(err instanceof ProcessLockedError) || (!item.origin && !item.handOff)) throw err;
      // Another aos-ts has it open: leave the message in its mailbox. If that
      // program closed meanwhile, opening it now picks the mail up here.
      appendToMailbox(this.dirOf(item.target), { msg: item.msg, origin: item.origin }, this.options.onNotice);
      c.settled.handedOff.push({ target: item.target, msg: item.msg });
      await this.get(item.target).catch(() => undefined);
      return undefined;
    }
    if (item.origin && proc.hasReceived(item.origin)) {
      // Already here: the mailbox line is consumed all the same.
      if (item.mailboxEnd !== undefined) proc.mailboxOffset = Math.max(proc.mailboxOffset, item.mailboxEnd);
      return undefined;
    }
    const { seq, result } = await proc.evaluate(item.msg, { origin: item.origin, mailboxEnd: item.mailboxEnd });
    touched.add(proc);
    return { process: proc.id, processName: proc.name, seq, msg: item.msg, result };
  }

  private record(c: Cascade, d: Delivery): void {
    if (!c.first) {
      c.first = d;
      if (!c.fromCaller) this.emitDelivery(d);
    } else {
      c.settled.cascade.push(d);
      this.emitDelivery(d);
    }
  }

  private finish(c: Cascade): void {
    c.outstanding -= 1;
    if (c.outstanding > 0) return;
    // A cascade of the caller whose first message failed was rejected already.
    c.resolve({ result: c.first?.result ?? {}, seq: c.first?.seq ?? 0, ...c.settled });
  }

  /** Queue a handled message's outbox; spawns happen now (their boot is a delivery too). */
  private async routeOutbox(d: Delivery, c: Cascade): Promise<void> {
    if (d.result.Error !== undefined) return;
    const ts = this.now();
    const messages = d.result.Messages ?? [];
    for (const [index, m] of messages.entries()) {
      const origin = { process: d.process, seq: d.seq, index };
      if (!m.Target || !this.isLocal(m.Target)) {
        c.settled.pending.push({ from: d.process, message: m });
        continue;
      }
      this.enqueue({ target: m.Target, msg: this.forwarded(d.process, m, derivedId('message', d.process, d.seq, index), ts), origin, cascade: c });
    }
    for (const [i, s] of (d.result.Spawns ?? []).entries()) {
      // Notices come after the messages in the sender's order, so FIFO dedupe holds.
      const index = messages.length + i;
      const child = await this.spawnChild(d, s, index, ts);
      this.record(c, child.delivery);
      this.enqueue({ target: d.process, msg: child.notice, origin: { process: d.process, seq: d.seq, index }, cascade: c });
      await this.routeOutbox(child.delivery, c);
    }
  }

  /** An outbox entry as the target receives it. */
  private forwarded(from: string, m: OutboxMessage, id: string, ts: number): AoMessage {
    const msg: AoMessage = {
      Id: id,
      From: from,
      Owner: this.identity.messenger,
      Target: m.Target,
      Tags: [...m.Tags.map((t) => ({ name: t.name, value: String(t.value) })), { name: 'From-Process', value: from }],
      Timestamp: ts,
      'Block-Height': blockHeightAt(ts),
      Cron: false,
    };
    if (typeof m.Anchor === 'string') msg.Anchor = m.Anchor;
    if (m.Data !== undefined) msg.Data = typeof m.Data === 'string' ? m.Data : JSON.stringify(m.Data);
    return msg;
  }

  /** Spawn a child as AO's messenger would, and make the parent's Spawned notice. */
  private async spawnChild(d: Delivery, s: SpawnRequest, index: number, ts: number): Promise<{ delivery: Delivery; notice: AoMessage }> {
    const childId = derivedId('spawn', d.process, d.seq, index);
    const tags = (s.Tags ?? []).map((t) => ({ name: t.name, value: String(t.value) }));
    const name = tagValue(tags, 'Name') ?? childId;
    let result: AoResult;
    let meta: ProcessMeta;
    if (this.isLocal(childId)) {
      // Spawned before a crash, notice not yet delivered: reuse it.
      const proc = await this.get(childId);
      meta = proc.meta;
      result = { Output: {}, Messages: [], Spawns: [], Assignments: [] };
    } else {
      const data = s.Data === undefined || s.Data === 'NODATA' ? undefined : typeof s.Data === 'string' ? s.Data : JSON.stringify(s.Data);
      const spawned = await this.spawn(name, { id: childId, parent: d.process, tags, data, timestamp: ts });
      meta = spawned.process.meta;
      result = spawned.result;
    }
    const delivery: Delivery = { process: childId, processName: name, seq: 1, msg: processMessage(meta, ts), result };
    const noticeTags: Tag[] = [
      { name: 'Action', value: 'Spawned' },
      { name: 'AO-Spawn-Success', value: 'true' },
      { name: 'Process', value: childId },
    ];
    const ref = tagValue(tags, 'Reference');
    if (ref !== undefined) noticeTags.push({ name: 'Reference', value: ref });
    const notice = this.forwarded(d.process, { Target: d.process, Tags: noticeTags, Data: childId }, derivedId('spawned', d.process, d.seq, index), ts);
    return { delivery, notice };
  }

  // --- recovery: outbox cursors, mailboxes, cron ------------------------------

  /**
   * Every outbox up to the given seq is delivered (durable at its targets).
   * A plain write is enough: it only has to survive the program being
   * killed, and a stale cursor just means a redelivery that targets drop.
   */
  private markDelivered(procs: Map<LocalProcess, number>): void {
    for (const [p, through] of procs) {
      try {
        writeFileSync(join(p.dir, OUTBOX_STATE), JSON.stringify({ through }));
      } catch (err) {
        this.options.onNotice?.(`could not record delivery progress of ${p.name}: ${(err as Error).message}`);
      }
    }
  }

  private deliveredThrough(proc: LocalProcess): number {
    try {
      return (JSON.parse(readFileSync(join(proc.dir, OUTBOX_STATE), 'utf8')) as { through: number }).through;
    } catch {
      return 0;
    }
  }

  /** What a freshly opened process may owe or be owed. */
  private async afterOpen(proc: LocalProcess): Promise<void> {
    await this.redeliverOutbox(proc);
    this.pollMailboxSafely(proc);
    this.startCron(proc);
    if (!this.mailboxTimer) {
      this.mailboxTimer = setInterval(() => {
        for (const p of this.open.values()) this.pollMailboxSafely(p);
      }, 250);
      this.mailboxTimer.unref();
    }
  }

  /**
   * Records after the outbox cursor may have sent messages or spawned
   * processes that a crash kept from being delivered: do that again; targets
   * drop what they already have.
   */
  private async redeliverOutbox(proc: LocalProcess): Promise<void> {
    const through = this.deliveredThrough(proc);
    if (through >= proc.lastSeq) return;
    const cascade = new Cascade(false);
    cascade.outstanding += 1; // held until everything is queued
    for (const rec of proc.records(through + 1)) {
      if (rec.kind !== 'message' || rec.result.Error !== undefined) continue;
      const delivery: Delivery = { process: proc.id, processName: proc.name, seq: rec.seq, msg: rec.msg, result: rec.result };
      const messages = rec.result.Messages ?? [];
      for (const [index, m] of messages.entries()) {
        if (!m.Target || !this.isLocal(m.Target)) continue;
        const ts = typeof rec.msg.Timestamp === 'number' ? rec.msg.Timestamp : this.now();
        const msg = this.forwarded(proc.id, m, derivedId('message', proc.id, rec.seq, index), ts);
        this.enqueue({ target: m.Target, msg, origin: { process: proc.id, seq: rec.seq, index }, cascade });
      }
      for (const [i, s] of (rec.result.Spawns ?? []).entries()) {
        const index = messages.length + i;
        const child = await this.spawnChild(delivery, s, index, this.now());
        this.enqueue({ target: proc.id, msg: child.notice, origin: { process: proc.id, seq: rec.seq, index }, cascade });
      }
    }
    const lastSeq = proc.lastSeq;
    // Not awaited: get() may be running inside a wave, which must end first.
    void cascade.done.then(() => this.markDelivered(new Map([[proc, lastSeq]])));
    this.finish(cascade);
  }

  private pollMailbox(proc: LocalProcess): void {
    if (mailboxSize(proc.dir) <= proc.mailboxOffset || this.pendingMail.has(proc.id)) return;
    const items = readMailbox(proc.dir, proc.mailboxOffset, this.options.onNotice);
    if (items.length === 0) return;
    this.pendingMail.add(proc.id);
    const cascade = new Cascade(false);
    for (const item of items) this.enqueue({ target: proc.id, msg: item.msg, origin: item.origin, mailboxEnd: item.end, cascade });
    void cascade.done.finally(() => this.pendingMail.delete(proc.id));
  }

  private readonly pendingMail = new Set<string>();

  /** An unreadable mailbox (a folder in its place, no permission) is a notice, once; the process works on. */
  private pollMailboxSafely(proc: LocalProcess): void {
    try {
      this.pollMailbox(proc);
    } catch (err) {
      if (!this.mailboxTrouble.has(proc.id)) this.options.onNotice?.((err as Error).message);
      this.mailboxTrouble.add(proc.id);
    }
  }

  private mailWaiting(proc: LocalProcess): boolean {
    try {
      return mailboxSize(proc.dir) > proc.mailboxOffset;
    } catch {
      return false; // reported by pollMailboxSafely
    }
  }
  private readonly mailboxTrouble = new Set<string>();

  /** Missed ticks now (bounded), then a timer while this program has the process open. */
  private startCron(proc: LocalProcess): void {
    const interval = proc.meta.cron ? parseCronInterval(proc.meta.cron) : undefined;
    if (!interval || this.timers.has(proc.id) || this.options.cron === false) return;
    const tick = () => {
      const { times, skipped } = dueTicks(proc.lastCronAt ?? proc.meta.createdAt, interval, this.now());
      if (skipped > 0) {
        this.options.onNotice?.(`${proc.name}: ${skipped} cron ticks missed while it was closed were skipped; delivering the last ${times.length}`);
      }
      for (const t of times) {
        proc.lastCronAt = t;
        this.enqueue({ target: proc.id, msg: cronMessage(proc.meta, t), cascade: new Cascade(false) });
      }
    };
    tick();
    const timer = setInterval(tick, Math.min(interval, 1000));
    timer.unref();
    this.timers.set(proc.id, timer);
  }

  /** Stop timers, let deliveries finish, and close every process this network opened. */
  async close(): Promise<void> {
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    if (this.mailboxTimer) clearInterval(this.mailboxTimer);
    await this.idle();
    this.closed = true;
    // Mail that arrives while closing is handled before the lock goes: the
    // last look and the release happen under the short lock senders append under.
    // A process that cannot take its mail (its log stopped on a write error)
    // makes no progress: it is closed anyway, and the mail waits for the next open.
    const lastLook = new Map<LocalProcess, number>();
    while (this.open.size > 0) {
      for (const proc of [...this.open.values()]) {
        const stuck = lastLook.get(proc) === proc.mailboxOffset;
        const quiet = withShortLock(proc.dir, () => {
          if (!stuck && this.mailWaiting(proc)) return false;
          proc.close();
          return true;
        });
        if (stuck && this.mailWaiting(proc)) this.options.onNotice?.(`${proc.name}: mail after byte ${proc.mailboxOffset} of its mailbox could not be handled now; it is handled when the process is opened again`);
        lastLook.set(proc, proc.mailboxOffset);
        if (quiet) this.open.delete(proc.id);
        else this.pollMailboxSafely(proc);
      }
      await this.idle();
    }
  }
}

function baseTags(type: 'Message' | 'Process'): Tag[] {
  return [
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Variant', value: 'ao.TN.1' },
    { name: 'Type', value: type },
  ];
}

/** The tags a local process is spawned with, as aos would spawn it on AO. */
function processTags(name: string, messenger: string, opts: SpawnOptions): Tag[] {
  const given = opts.tags ?? [];
  const reserved = new Set(['Data-Protocol', 'Variant', 'Type', 'Name', 'Module', 'Authority', 'Scheduler', 'App-Name']);
  const tags: Tag[] = [
    ...baseTags('Process'),
    { name: 'Name', value: name },
    { name: 'Module', value: LOCAL_MODULE_ID },
    { name: 'Authority', value: messenger },
    { name: 'App-Name', value: 'aos-ts' },
    ...given.filter((t) => !reserved.has(t.name)),
  ];
  if (opts.cron && !given.some((t) => t.name === 'Cron-Interval')) {
    tags.push({ name: 'Cron-Interval', value: opts.cron }, { name: 'Cron-Tag-Action', value: 'Cron' });
  }
  return tags;
}
