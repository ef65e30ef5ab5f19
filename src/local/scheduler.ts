// The scheduler: carries messages between local processes the way AO's units
// do. A result's outbox is delivered as AO's messenger pushes it: each message
// addressed to a local process becomes a message from the sender
// (From-Process), signed by the local messenger, with its own id, timestamp
// and slot; spawns become new local processes whose parent gets a Spawned
// notice; assignments hand the original message to the named processes.
//
// Each target process has a lane: the messages queued for it, handled one at
// a time in the order they were queued. Lanes run side by side (every process
// has its own engine thread), so a process stuck on a message (until its time
// limit) holds up only what is queued for it, never a message to another
// process, not even in the same cascade.
//
// Handled messages are made durable in batches (group commit): whatever the
// lanes handled since the last batch began is flushed at once (the fsyncs of
// all its logs together, on the thread pool), and only then do callers hear
// back and outboxes move on, batches strictly in order and, within a batch,
// in the order the messages were queued. Lanes keep handling while a batch's
// fsyncs run. So nothing is acted on before it is durable, and a crash can
// only lose what nobody was told about.
//
// The order in which a process receives its messages is the order they were
// queued for it: a sender's outbox is queued once that sender's record is
// durable, in outbox order, so what one process sends another arrives in the
// order it was sent (exactly-once delivery after a crash relies on it). The
// log records the order; replays follow the log.
import { tagValue, type AoMessage, type AoResult, type OutboxMessage, type SpawnRequest, type Tag } from '../engine/types.js';
import { derivedId } from './ids.js';
import { ProcessLockedError } from './lock.js';
import type { LocalProcess, Origin } from './local-process.js';
import { join } from 'node:path';
import { appendToMailbox } from './mailbox.js';
import { isPatchMessage } from './patch-state.js';
import { MessageLog } from './message-log.js';
import { assignedMessage, chainOf, forwardedMessage, processMessage, spawnedNotice, spawnedProcessTags } from './messages.js';
import type { ProcessMeta } from './process-meta.js';
import { stringTags } from './tags.js';

export const DEFAULT_CASCADE_LIMIT = 10_000;

/**
 * While lanes are still handling, a batch waits up to this long for more to
 * join it (or until it holds BATCH_FULL messages, or the lanes are idle): a
 * flush then covers many messages instead of the few handled during the last
 * one, which costs less CPU and disk per message under load. A lone sender
 * never waits: its lanes are idle as soon as its message is handled.
 */
const BATCH_GATHER_MS = 4;
const BATCH_FULL = 128;

/** Most messages for one process handed to its engine in one go (see runWith). */
const RUN_MAX = 32;

/** How often, at most, outbox cursors are written while deliveries go on (they are always written when quiet). */
const CURSOR_WRITE_MS = 250;

/** One message handled somewhere in a cascade. */
export interface Delivery {
  process: string;
  processName: string;
  seq: number;
  msg: AoMessage;
  result: AoResult;
}

/** An assignment the local network could not carry out: the process is not local, or the message is unknown here. */
export interface PendingAssignment {
  from: string;
  process: string;
  message: string;
}

export interface Settled {
  /**
   * 'handled': the caller's message is in the target's log at `seq`, `result` is its result.
   * 'handed-off': another aos-ts program has the target open; the message is in its mailbox
   * (named in `handedOff`), `seq` is 0 and `result` empty until that program handles it.
   */
  status: 'handled' | 'handed-off';
  /** The result of the message the caller sent. */
  result: AoResult;
  seq: number;
  /** Every other message the cascade delivered, in cascade order: by depth, then in outbox order. */
  cascade: Delivery[];
  /** Messages addressed to processes that are not local. */
  pending: { from: string; message: OutboxMessage }[];
  /** Assignments (Lua `Assign`) to processes that are not local, or of messages not found on this machine. */
  pendingAssignments: PendingAssignment[];
  /**
   * Messages handed to processes that another aos-ts program has open;
   * `afterSeq`: the target's last durable seq when it was handed over (its
   * result comes after; see LocalNetwork.waitForResult).
   */
  handedOff: { target: string; msg: AoMessage; afterSeq: number }[];
  /** Set when the cascade was cut off by the bound. */
  truncated?: string;
}

/** A queued message once its target has handled it (or refused it): waiting to be made durable and acted on. */
interface Handled {
  item: QueueItem;
  /** The process that handled it (absent when it went elsewhere or was dropped). */
  proc?: LocalProcess;
  delivery?: Delivery;
  error?: unknown;
}

/**
 * Start making every touched log durable at once (one fsync each, on the
 * thread pool). A log that cannot be flushed (disk full) is reported, not
 * thrown: its messages in the batch fail, none is acknowledged or acted on.
 */
function commitLogs(touched: Set<LocalProcess>): Promise<Map<string, unknown>> {
  const procs = [...touched];
  return Promise.allSettled(procs.map((p) => p.flushAsync())).then((outcomes) => {
    const unflushed = new Map<string, unknown>();
    outcomes.forEach((o, i) => {
      if (o.status === 'rejected') unflushed.set(procs[i]!.id, o.reason);
    });
    return unflushed;
  });
}

/** A cascade in flight: everything caused by one message. */
export class Cascade {
  outstanding = 0;
  first?: Delivery;
  readonly settled: Omit<Settled, 'result' | 'seq' | 'status'> = { cascade: [], pending: [], pendingAssignments: [], handedOff: [] };
  /** Where each recorded delivery sits in the cascade (see QueueItem.path). */
  readonly paths = new Map<Delivery, CascadePath>();
  resolve!: (s: Settled) => void;
  reject!: (e: unknown) => void;
  readonly done = new Promise<Settled>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
  /** `fromCaller`: the first delivery answers a caller (it is not a delivery event). */
  constructor(readonly fromCaller: boolean) {}
}

export interface QueueItem {
  target: string;
  msg: AoMessage;
  origin?: Origin;
  /** The caller's own message may go to another program's mailbox too. */
  handOff?: boolean;
  mailboxEnd?: number;
  /** An assignment: dropped when the target already has that message. */
  assigned?: boolean;
  cascade: Cascade;
  /** When it was queued, among everything this scheduler queued (set by enqueue). */
  order?: number;
  /** Where it sits in its cascade: the outbox indexes leading to it (none for the first message). */
  path?: CascadePath;
}

/** What the scheduler needs from the network around it. */
export interface SchedulerHost {
  readonly messenger: string;
  readonly cascadeLimit: number;
  now(): number;
  notice(text: string): void;
  /** A delivery the caller did not ask for itself. */
  delivered(d: Delivery): void;
  isLocal(id: string): boolean;
  dirOf(id: string): string;
  /** Open a process for delivery (throws ProcessLockedError when another program has it). */
  get(id: string): Promise<LocalProcess>;
  openProcesses(): Iterable<LocalProcess>;
  /** Create a child process (its boot is handled at once). */
  spawn(name: string, opts: { id: string; parent: string; tags: Tag[]; data?: string; timestamp: number }): Promise<{ process: LocalProcess; result: AoResult }>;
  /** Outboxes up to these seqs are delivered (durable at their targets). */
  markDelivered(procs: Map<LocalProcess, number>): void;
}

export class Scheduler {
  /** Per target process, the messages queued for it and not yet taken up (see runLane). */
  private readonly lanes = new Map<string, QueueItem[]>();
  /** Handled (in the order handled), waiting for the next batch. */
  private handled: Handled[] = [];
  private committing?: Promise<void>;
  private queuedCount = 0;
  private quietWaiters: (() => void)[] = [];
  // Outbox cursors (see outbox-recovery.ts). A process's outbox through seq S
  // is delivered once its records through S have been acted on (outboxes
  // queued) and nothing queued from them is still waiting or in flight.
  /** Per process id: the last seq acted on, and the last cursor written. */
  private readonly acted = new Map<string, { proc: LocalProcess; through: number; written: number }>();
  /** Per sender process id: seq -> items queued from that record's outbox and not yet finished. */
  private readonly carrying = new Map<string, Map<number, number>>();
  /** A flush failed: no cursor moves until quiet (reopening redelivers; targets drop duplicates). */
  private cursorsFrozen = false;
  private lastCursorWrite = 0;

  constructor(private readonly host: SchedulerHost) {}

  /**
   * Deliver `msg` to `target`, then everything the network sends because of
   * it, until quiet (or the cascade bound). Resolves when all of it is durable.
   */
  send(target: string, msg: AoMessage, opts: { handOff?: boolean } = {}): Promise<Settled> {
    const cascade = new Cascade(true);
    this.enqueue({ target, msg, cascade, handOff: opts.handOff });
    return cascade.done;
  }

  /** Resolves when nothing is queued, being handled or being made durable. */
  async idle(): Promise<void> {
    while (!this.quiet) await new Promise<void>((resolve) => this.quietWaiters.push(resolve));
  }

  /** Nothing queued, being handled or being made durable (outbox cursors written). */
  get quiet(): boolean {
    return this.lanes.size === 0 && this.handled.length === 0 && !this.committing;
  }

  enqueue(item: QueueItem): void {
    item.cascade.outstanding += 1;
    item.order = this.queuedCount++;
    if (item.origin) {
      let seqs = this.carrying.get(item.origin.process);
      if (!seqs) this.carrying.set(item.origin.process, (seqs = new Map()));
      seqs.set(item.origin.seq, (seqs.get(item.origin.seq) ?? 0) + 1);
    }
    const lane = this.lanes.get(item.target);
    if (lane) {
      lane.push(item);
      return;
    }
    const fresh = [item];
    this.lanes.set(item.target, fresh);
    void this.runLane(item.target, fresh);
  }

  /**
   * Handle a target's messages one at a time, in the order queued, until its
   * lane is empty. Never throws: a failure is kept with its item and acted on
   * in its batch.
   */
  private async runLane(target: string, lane: QueueItem[]): Promise<void> {
    while (lane.length > 0) {
      const item = lane.shift()!;
      const run = lane.length > 0 ? await this.runWith(item, lane) : undefined;
      if (run) {
        for (const h of await this.handleRun(run.proc, run.items)) this.noteHandled(h);
        continue;
      }
      let handled: Handled;
      try {
        handled = { item, ...(await this.handleItem(item)) };
      } catch (error) {
        handled = { item, error };
      }
      this.noteHandled(handled);
    }
    // No await since the last look: nothing was queued on this lane meanwhile.
    this.lanes.delete(target);
    if (this.lanes.size === 0) this.batchGathered?.();
    this.checkQuiet();
  }

  private noteHandled(handled: Handled): void {
    this.handled.push(handled);
    if (this.handled.length >= BATCH_FULL) this.batchGathered?.();
    this.startBatch();
  }

  /**
   * `item` and the plain messages queued behind it in its lane, to hand to
   * the target's engine together (LocalProcess.evaluateBatch): a queue of
   * messages then costs one round trip to the engine thread, not one each.
   * Plain: a new message for a process open here, not an assignment, not
   * from another program's mailbox, not past the cascade bound, and not one
   * the target already has (a redelivery; one sender's messages in the run
   * must follow each other). Undefined when `item` itself is not plain, or
   * nothing plain follows it: it is then handled alone.
   */
  private async runWith(item: QueueItem, lane: QueueItem[]): Promise<{ proc: LocalProcess; items: QueueItem[] } | undefined> {
    if (!this.plain(item)) return undefined;
    let proc: LocalProcess;
    try {
      proc = await this.host.get(item.target);
    } catch {
      return undefined; // handled alone, which reports it
    }
    if (proc.readOnly) return undefined;
    const last = new Map<string, { seq: number; index: number }>();
    const fresh = (it: QueueItem): boolean => {
      if (!it.origin) return true;
      if (proc.hasReceived(it.origin)) return false;
      const prev = last.get(it.origin.process);
      if (prev && (it.origin.seq < prev.seq || (it.origin.seq === prev.seq && it.origin.index <= prev.index))) return false;
      last.set(it.origin.process, it.origin);
      return true;
    };
    if (!fresh(item)) return undefined;
    const items = [item];
    while (items.length < RUN_MAX && lane.length > 0 && this.plain(lane[0]!) && fresh(lane[0]!)) items.push(lane.shift()!);
    if (items.length === 1) return undefined;
    return { proc, items };
  }

  private plain(item: QueueItem): boolean {
    const c = item.cascade;
    return !item.assigned && item.mailboxEnd === undefined && !(c.first && c.settled.cascade.length >= this.host.cascadeLimit);
  }

  /** Handle a run of plain messages (see runWith) on their target, in order: one outcome each. */
  private async handleRun(proc: LocalProcess, items: QueueItem[]): Promise<Handled[]> {
    let outcomes: Awaited<ReturnType<LocalProcess['evaluateBatch']>>;
    try {
      outcomes = await proc.evaluateBatch(items.map((item) => ({ msg: item.msg, opts: { origin: item.origin } })));
    } catch (error) {
      return items.map((item) => ({ item, error }));
    }
    return items.map((item, i) => {
      const o = outcomes[i]!;
      if ('error' in o) return { item, error: o.error };
      return { item, proc, delivery: { process: proc.id, processName: proc.name, seq: o.seq, msg: item.msg, result: o.result } };
    });
  }

  /** Start a batch of what was handled, unless one is under way (it starts the next when done). */
  private startBatch(): void {
    if (this.committing || this.handled.length === 0) return;
    this.committing = this.commitBatches()
      .catch((err: unknown) => this.host.notice(`delivery stopped: ${(err as Error).message}`))
      .finally(() => {
        this.committing = undefined;
        // Handled while the last batch was finishing.
        if (this.handled.length > 0) this.startBatch();
        else this.checkQuiet();
      });
  }

  /**
   * Group commit: flush every log the batch touched at once, then act on the
   * batch (answer callers, queue outboxes) in the order its messages were
   * queued; repeat with whatever the lanes handled meanwhile.
   */
  private async commitBatches(): Promise<void> {
    while (this.handled.length > 0) {
      await this.gather();
      const batch = this.handled.splice(0).sort((a, b) => a.item.order! - b.item.order!);
      const touched = new Set<LocalProcess>();
      for (const h of batch) if (h.delivery && h.proc) touched.add(h.proc);
      const unflushed = await commitLogs(touched);
      if (unflushed.size > 0) this.cursorsFrozen = true;
      await this.actOn(batch, unflushed);
      // Cursors are written now and then and when quiet: a cursor that lags
      // after a crash only means a longer (deduplicated) check, while a write
      // per batch would cost as much as a batch's messages.
      if (performance.now() - this.lastCursorWrite >= CURSOR_WRITE_MS) this.writeCursors();
    }
  }

  /** Let the next batch grow while lanes are handling (see BATCH_GATHER_MS). */
  private async gather(): Promise<void> {
    if (this.lanes.size === 0 || this.handled.length >= BATCH_FULL) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.batchGathered?.(), BATCH_GATHER_MS);
      this.batchGathered = () => {
        clearTimeout(timer);
        this.batchGathered = undefined;
        resolve();
      };
    });
  }

  private batchGathered?: () => void;

  /** Answer a committed batch's callers and route its outboxes; a log that could not be flushed fails its messages. */
  private async actOn(batch: Handled[], unflushed: Map<string, unknown>): Promise<void> {
    for (const { item, proc, delivery, error } of batch) {
      const c = item.cascade;
      try {
        if (error !== undefined) throw error;
        if (delivery && unflushed.has(delivery.process)) throw unflushed.get(delivery.process);
        if (delivery) {
          this.record(c, delivery, item.path);
          await this.routeOutbox(delivery, c, item.path);
          if (proc) this.noteActed(proc, delivery.seq);
        }
      } catch (err) {
        // Only the caller's own cascade has someone to tell; the rest (mail, cron, recovery) become notices.
        if (!c.first && c.fromCaller) c.reject(err);
        else this.host.notice(`delivery to ${item.target} failed: ${(err as Error).message}`);
      }
      this.settle(item);
    }
  }

  private noteActed(proc: LocalProcess, seq: number): void {
    const a = this.acted.get(proc.id);
    if (!a) this.acted.set(proc.id, { proc, through: seq, written: 0 });
    else if (seq > a.through) a.through = seq;
  }

  /** An item is finished (delivered, handed off, dropped or failed): its cascade and its sender's cursor may move. */
  private settle(item: QueueItem): void {
    if (item.origin) {
      const seqs = this.carrying.get(item.origin.process);
      const left = (seqs?.get(item.origin.seq) ?? 1) - 1;
      if (left > 0) seqs!.set(item.origin.seq, left);
      else {
        seqs?.delete(item.origin.seq);
        if (seqs?.size === 0) this.carrying.delete(item.origin.process);
      }
    }
    this.finish(item.cascade);
  }

  /** Record how far each process's outbox is delivered (see the fields above). */
  private writeCursors(): void {
    this.lastCursorWrite = performance.now();
    if (this.cursorsFrozen) return;
    const moved = new Map<LocalProcess, number>();
    for (const [id, a] of this.acted) {
      let through = a.through;
      for (const seq of this.carrying.get(id)?.keys() ?? []) through = Math.min(through, seq - 1);
      if (through > a.written) {
        a.written = through;
        moved.set(a.proc, through);
      }
    }
    if (moved.size > 0) this.host.markDelivered(moved);
  }

  private checkQuiet(): void {
    if (!this.quiet) return;
    this.writeCursors();
    this.acted.clear();
    this.cursorsFrozen = false;
    const waiters = this.quietWaiters.splice(0);
    for (const w of waiters) w();
  }

  /** Handle one queued message; no delivery when it went to another program's mailbox (or was already there). */
  private async handleItem(item: QueueItem): Promise<{ proc?: LocalProcess; delivery?: Delivery }> {
    const c = item.cascade;
    if (c.first && c.settled.cascade.length >= this.host.cascadeLimit) {
      if (!c.settled.truncated) {
        c.settled.truncated =
          `Stopped a cascade after ${c.settled.cascade.length} messages caused by one message ` +
          `(processes answering each other forever?). The rest were not delivered.`;
        this.host.notice(c.settled.truncated);
      }
      return {};
    }
    let proc: LocalProcess;
    try {
      proc = await this.host.get(item.target);
    } catch (err) {
      if (!(err instanceof ProcessLockedError) || (!item.origin && !item.handOff)) throw err;
      // Another aos-ts has it open: leave the message in its mailbox. If that
      // program closed meanwhile, opening it now picks the mail up here.
      const afterSeq = MessageLog.peekLast(join(this.host.dirOf(item.target), 'log')).seq;
      appendToMailbox(this.host.dirOf(item.target), { msg: item.msg, origin: item.origin }, (t) => this.host.notice(t));
      c.settled.handedOff.push({ target: item.target, msg: item.msg, afterSeq });
      await this.host.get(item.target).catch(() => undefined);
      return {};
    }
    if (item.origin && proc.hasReceived(item.origin)) {
      // Already here: the mailbox line is consumed all the same.
      if (item.mailboxEnd !== undefined) proc.mailboxOffset = Math.max(proc.mailboxOffset, item.mailboxEnd);
      return {};
    }
    // The scheduler refuses to assign a message twice to the same process.
    if (item.assigned && typeof item.msg.Id === 'string' && proc.history.seqOf(item.msg.Id) !== undefined) return {};
    const { seq, result } = await proc.evaluate(item.msg, { origin: item.origin, mailboxEnd: item.mailboxEnd });
    return { proc, delivery: { process: proc.id, processName: proc.name, seq, msg: item.msg, result } };
  }

  /** Note a delivery in its cascade; every one but the caller's own is a delivery event. */
  record(c: Cascade, d: Delivery, path?: CascadePath): void {
    if (path) c.paths.set(d, path);
    if (!c.first) {
      c.first = d;
      if (!c.fromCaller) this.host.delivered(d);
    } else {
      c.settled.cascade.push(d);
      this.host.delivered(d);
    }
  }

  finish(c: Cascade): void {
    c.outstanding -= 1;
    if (c.outstanding > 0) return;
    // A cascade of the caller whose first message failed was rejected already.
    // Deliveries were recorded as they became durable (lanes run side by side);
    // the caller sees them in cascade order: by depth, then in outbox order.
    c.settled.cascade.sort((a, b) => comparePaths(c.paths.get(a), c.paths.get(b)));
    c.resolve({ status: c.first ? 'handled' : 'handed-off', result: c.first?.result ?? {}, seq: c.first?.seq ?? 0, ...c.settled });
  }

  /**
   * Queue a handled message's outbox; spawns happen now (their boot is a
   * delivery too). `recovery`: the outbox goes out again after a crash: its
   * messages at their record's time, spawns reused when they exist (their
   * boot was delivered then) with their notices, nothing new marked pending;
   * targets drop what they already have.
   */
  private async routeOutbox(d: Delivery, c: Cascade, path: CascadePath | undefined, recovery = false): Promise<void> {
    if (d.result.Error !== undefined) return;
    const ts = recovery && typeof d.msg.Timestamp === 'number' ? d.msg.Timestamp : this.host.now();
    const messages = d.result.Messages ?? [];
    for (const [index, m] of messages.entries()) {
      // A patch@1.0 message sets the sender's state (ProcessHistory reads it); it is never delivered, whatever its Target.
      if (isPatchMessage(m)) continue;
      if (!m.Target || !this.host.isLocal(m.Target)) {
        if (!recovery) c.settled.pending.push({ from: d.process, message: m });
        continue;
      }
      const origin = { process: d.process, seq: d.seq, index };
      const msg = this.forwarded(d, m, derivedId('message', d.process, d.seq, index), ts);
      this.enqueue({ target: m.Target, msg, origin, cascade: c, path: pathTo(path, index) });
    }
    for (const [i, s] of (d.result.Spawns ?? []).entries()) {
      // Notices come after the messages in the sender's order, so FIFO dedupe holds.
      const index = messages.length + i;
      const child = await this.spawnChild(d, s, index, this.host.now());
      const at = pathTo(path, index);
      if (!recovery) this.record(c, child.delivery, at);
      this.enqueue({ target: d.process, msg: child.notice, origin: { process: d.process, seq: d.seq, index }, cascade: c, path: at });
      if (!recovery) await this.routeOutbox(child.delivery, c, at);
    }
    const next = this.routeAssignments(d.process, d.seq, d.result, messages.length + (d.result.Spawns ?? []).length, ts, c, path);
    this.routeTagAssignments(d, next, ts, c, path);
  }

  /** Queue an outbox again after a crash (recovery): see routeOutbox. */
  rerouteOutbox(d: Delivery, c: Cascade): Promise<void> {
    return this.routeOutbox(d, c, undefined, true);
  }

  /**
   * A message with an `Assignments` tag (a list of process ids): the
   * messenger also assigns the message it pushed to those processes (spec
   * §6.3). Their origins come after every other item of the outbox.
   */
  private routeTagAssignments(d: Delivery, firstIndex: number, ts: number, c: Cascade, path: CascadePath | undefined): void {
    let index = firstIndex;
    for (const [i, m] of (d.result.Messages ?? []).entries()) {
      const targets = tagAssignments(m);
      if (targets.length === 0 || !m.Target) continue;
      const pushed = this.forwarded(d, m, derivedId('message', d.process, d.seq, i), ts);
      for (const target of targets) {
        const origin = { process: d.process, seq: d.seq, index: index++ };
        if (!this.host.isLocal(target)) {
          c.settled.pendingAssignments.push({ from: d.process, process: target, message: String(pushed.Id) });
          continue;
        }
        this.enqueue({ target, msg: assignedMessage(pushed, ts), origin, cascade: c, assigned: true, path: pathTo(path, origin.index) });
      }
    }
  }

  /**
   * Carry out a result's Assignments as AO's scheduler does: each named
   * process receives the original message (its id, signer, tags and original
   * Target; From by the From-Process rule) at the assignment's time, and aos's
   * assignable checks decide in the process. A process that is not local, or
   * a message this machine has never seen, leaves the assignment pending.
   */
  private routeAssignments(from: string, seq: number, result: AoResult, firstIndex: number, ts: number, c: Cascade, path: CascadePath | undefined): number {
    let index = firstIndex;
    for (const a of result.Assignments ?? []) {
      const processes = Array.isArray(a.Processes) ? a.Processes.map(String) : [];
      const original = typeof a.Message === 'string' ? this.findOpenMessage(from, a.Message) : undefined;
      for (const target of processes) {
        const origin = { process: from, seq, index: index++ };
        if (!original || !this.host.isLocal(target)) {
          c.settled.pendingAssignments.push({ from, process: target, message: String(a.Message) });
          continue;
        }
        this.enqueue({ target, msg: assignedMessage(original, ts), origin, cascade: c, assigned: true, path: pathTo(path, origin.index) });
      }
    }
    return index;
  }

  /** A message by id, from the assigning process's history or any process open here. */
  private findOpenMessage(assigner: string, id: string): AoMessage | undefined {
    const open = [...this.host.openProcesses()];
    open.sort((a, b) => Number(b.id === assigner) - Number(a.id === assigner));
    for (const proc of open) {
      const rec = proc.history.resultOf({ id });
      if (rec) return rec.msg;
    }
    return undefined;
  }

  /** An outbox entry of the message `d` handled, as its target receives it. */
  private forwarded(d: Delivery, m: OutboxMessage, id: string, ts: number): AoMessage {
    return forwardedMessage({
      from: d.process,
      fromModule: this.moduleOf(d.process),
      messenger: this.host.messenger,
      message: m,
      id,
      timestamp: ts,
      pushedFor: chainOf(d.msg, this.host.messenger),
    });
  }

  /** A process's Module tag, as the messenger reads it ('' when it has none). */
  private moduleOf(id: string): string {
    for (const p of this.host.openProcesses()) if (p.id === id) return tagValue(p.meta.tags, 'Module') ?? '';
    return '';
  }

  /** Spawn a child as AO's messenger would, and make the parent's Spawned notice. */
  private async spawnChild(d: Delivery, s: SpawnRequest, index: number, ts: number): Promise<{ delivery: Delivery; notice: AoMessage }> {
    const childId = derivedId('spawn', d.process, d.seq, index);
    const spawnTags = stringTags(s.Tags);
    const tags = spawnedProcessTags({ spawnTags, spawner: d.process, spawnerModule: this.moduleOf(d.process), pushedFor: chainOf(d.msg, this.host.messenger) });
    const name = tagValue(tags, 'Name') ?? childId;
    let result: AoResult;
    let meta: ProcessMeta;
    if (this.host.isLocal(childId)) {
      // Spawned before a crash, notice not yet delivered: reuse it.
      const proc = await this.host.get(childId);
      meta = proc.meta;
      result = { Output: {}, Messages: [], Spawns: [], Assignments: [] };
    } else {
      const data = s.Data === undefined || s.Data === 'NODATA' ? undefined : typeof s.Data === 'string' ? s.Data : JSON.stringify(s.Data);
      const spawned = await this.host.spawn(name, { id: childId, parent: d.process, tags, data, timestamp: ts });
      meta = spawned.process.meta;
      result = spawned.result;
    }
    const delivery: Delivery = { process: childId, processName: name, seq: 1, msg: processMessage(meta, ts), result };
    const notice = spawnedNotice({
      spawner: d.process,
      child: childId,
      spawnTags,
      messenger: this.host.messenger,
      id: derivedId('spawned', d.process, d.seq, index),
      timestamp: ts,
    });
    return { delivery, notice };
  }
}

/**
 * Where a message sits in its cascade: the outbox index that sent it, under
 * the message whose outbox it was (no path: the cascade's first message).
 * Linked, not copied, so a long chain of replies costs one node per message.
 */
interface CascadePath {
  readonly parent?: CascadePath;
  readonly index: number;
  readonly depth: number;
}

function pathTo(parent: CascadePath | undefined, index: number): CascadePath {
  return { parent, index, depth: (parent?.depth ?? 0) + 1 };
}

/** Cascade order: shallower first, then by outbox index from the top down (a stable sort keeps ties as recorded). */
function comparePaths(a: CascadePath | undefined, b: CascadePath | undefined): number {
  const da = a?.depth ?? 0;
  const db = b?.depth ?? 0;
  if (da !== db || !a || !b) return da - db;
  // Same depth: climb both until they share a parent; the indexes there decide.
  let x = a;
  let y = b;
  while (x.parent !== y.parent) {
    x = x.parent!;
    y = y.parent!;
  }
  return x.index - y.index;
}

/** The process ids of an outbox message's `Assignments` tag (a list; a lone id is taken as one). */
function tagAssignments(m: OutboxMessage): string[] {
  const tag = (m.Tags as { name: string; value: unknown }[] | undefined)?.find((t) => t.name === 'Assignments');
  if (!tag) return [];
  const v = tag.value;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return typeof v === 'string' && v !== '' ? [v] : [];
}
