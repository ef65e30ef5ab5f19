// The scheduler: carries messages between local processes the way AO's units
// do. A result's outbox is delivered as AO's messenger pushes it: each message
// addressed to a local process becomes a message from the sender
// (From-Process), signed by the local messenger, with its own id, timestamp
// and slot; spawns become new local processes whose parent gets a Spawned
// notice; assignments hand the original message to the named processes.
//
// Delivery goes in waves: every message of a wave is handled, then every log
// the wave touched is flushed once (group commit, the fsyncs of all its logs
// at once on the thread pool), and only then do their callers hear back and
// their outboxes move on. The next wave is handled while a wave's fsyncs run.
// So nothing is acted on before it is durable, and a crash can only lose the
// tail of waves that nobody was told about.
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
  /** Every other message the cascade delivered, in order. */
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

/** A wave of deliveries: handled, its logs being made durable, not yet acted on. */
interface Wave {
  handled: { item: QueueItem; delivery?: Delivery; error?: unknown }[];
  /** Each touched process's last seq when the wave was handled. */
  touched: Map<LocalProcess, number>;
  /** Outboxes (by process, through seq) whose messages this wave carries. */
  carries: Map<LocalProcess, number>;
  /** Resolves with the logs that could not be made durable (by process id), and why. */
  commit: Promise<Map<string, unknown>>;
}

/**
 * Start making every touched log durable at once (one fsync each, on the
 * thread pool). A log that cannot be flushed (disk full) is reported, not
 * thrown: its messages in the wave fail, none is acknowledged or acted on.
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
  private queue: QueueItem[] = [];
  private draining?: Promise<void>;

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

  /** Resolves when nothing is queued or being delivered. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  enqueue(item: QueueItem): void {
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
    // Cursors known to be delivered, written every few waves and when quiet:
    // a cursor that lags after a crash only means a longer (deduplicated) check.
    const delivered = new Map<LocalProcess, number>();
    // Outboxes routed (queued) since the last wave was formed, by process:
    // the last seq whose outbox went out. They count as delivered once the
    // next wave (which carries them) is durable.
    let routed = new Map<LocalProcess, number>();
    let waves = 0;
    let flushFailed = false;
    // Pipelined group commit: while one wave's fsyncs run (on the thread
    // pool, every touched log at once), the next wave is handled; a wave is
    // acted on (results answered, outboxes routed) only once its own fsyncs
    // have succeeded, waves strictly in order.
    let inFlight: Wave | undefined;
    while (this.queue.length > 0 || inFlight) {
      let next: Wave | undefined;
      if (this.queue.length > 0) {
        const items = this.queue.splice(0);
        const handled: Wave['handled'] = [];
        const touched = new Set<LocalProcess>();
        for (const item of items) {
          try {
            handled.push({ item, delivery: await this.handleItem(item, touched) });
          } catch (error) {
            handled.push({ item, error });
          }
        }
        next = { handled, carries: routed, commit: commitLogs(touched), touched: new Map([...touched].map((p) => [p, p.lastSeq])) };
        routed = new Map();
      }
      if (inFlight) {
        const wave = inFlight;
        inFlight = next;
        const unflushed = await wave.commit;
        if (unflushed.size > 0) flushFailed = true;
        await this.actOn(wave, unflushed);
        // The outboxes this wave carried are durable at their targets now;
        // after a failed flush nothing more counts as delivered (reopening
        // redelivers, targets drop duplicates).
        if (!flushFailed) for (const [p, seq] of wave.carries) delivered.set(p, seq);
        for (const [p, seq] of wave.touched) if (!unflushed.has(p.id)) routed.set(p, Math.max(routed.get(p) ?? 0, seq));
        if (++waves % 16 === 0) {
          this.host.markDelivered(delivered);
          delivered.clear();
        }
      } else {
        inFlight = next;
      }
    }
    // The queue is empty: the last outboxes routed queued nothing local.
    if (!flushFailed) for (const [p, seq] of routed) delivered.set(p, seq);
    this.host.markDelivered(delivered);
  }

  /** Answer a committed wave's callers and route its outboxes; a log that could not be flushed fails its messages. */
  private async actOn(wave: Wave, unflushed: Map<string, unknown>): Promise<void> {
    for (const { item, delivery, error } of wave.handled) {
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
        else this.host.notice(`delivery to ${item.target} failed: ${(err as Error).message}`);
      }
      this.finish(c);
    }
  }

  /** Handle one queued message; undefined when it went to another program's mailbox (or was already there). */
  private async handleItem(item: QueueItem, touched: Set<LocalProcess>): Promise<Delivery | undefined> {
    const c = item.cascade;
    if (c.first && c.settled.cascade.length >= this.host.cascadeLimit) {
      if (!c.settled.truncated) {
        c.settled.truncated =
          `Stopped a cascade after ${c.settled.cascade.length} messages caused by one message ` +
          `(processes answering each other forever?). The rest were not delivered.`;
        this.host.notice(c.settled.truncated);
      }
      return undefined;
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
      return undefined;
    }
    if (item.origin && proc.hasReceived(item.origin)) {
      // Already here: the mailbox line is consumed all the same.
      if (item.mailboxEnd !== undefined) proc.mailboxOffset = Math.max(proc.mailboxOffset, item.mailboxEnd);
      return undefined;
    }
    // The scheduler refuses to assign a message twice to the same process.
    if (item.assigned && typeof item.msg.Id === 'string' && proc.history.seqOf(item.msg.Id) !== undefined) return undefined;
    const { seq, result } = await proc.evaluate(item.msg, { origin: item.origin, mailboxEnd: item.mailboxEnd });
    touched.add(proc);
    return { process: proc.id, processName: proc.name, seq, msg: item.msg, result };
  }

  /** Note a delivery in its cascade; every one but the caller's own is a delivery event. */
  record(c: Cascade, d: Delivery): void {
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
    c.resolve({ status: c.first ? 'handled' : 'handed-off', result: c.first?.result ?? {}, seq: c.first?.seq ?? 0, ...c.settled });
  }

  /**
   * Queue a handled message's outbox; spawns happen now (their boot is a
   * delivery too). `recovery`: the outbox goes out again after a crash: its
   * messages at their record's time, spawns reused when they exist (their
   * boot was delivered then) with their notices, nothing new marked pending;
   * targets drop what they already have.
   */
  private async routeOutbox(d: Delivery, c: Cascade, recovery = false): Promise<void> {
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
      this.enqueue({ target: m.Target, msg: this.forwarded(d, m, derivedId('message', d.process, d.seq, index), ts), origin, cascade: c });
    }
    for (const [i, s] of (d.result.Spawns ?? []).entries()) {
      // Notices come after the messages in the sender's order, so FIFO dedupe holds.
      const index = messages.length + i;
      const child = await this.spawnChild(d, s, index, this.host.now());
      if (!recovery) this.record(c, child.delivery);
      this.enqueue({ target: d.process, msg: child.notice, origin: { process: d.process, seq: d.seq, index }, cascade: c });
      if (!recovery) await this.routeOutbox(child.delivery, c);
    }
    const next = this.routeAssignments(d.process, d.seq, d.result, messages.length + (d.result.Spawns ?? []).length, ts, c);
    this.routeTagAssignments(d, next, ts, c);
  }

  /** Queue an outbox again after a crash (recovery): see routeOutbox. */
  rerouteOutbox(d: Delivery, c: Cascade): Promise<void> {
    return this.routeOutbox(d, c, true);
  }

  /**
   * A message with an `Assignments` tag (a list of process ids): the
   * messenger also assigns the message it pushed to those processes (spec
   * §6.3). Their origins come after every other item of the outbox.
   */
  private routeTagAssignments(d: Delivery, firstIndex: number, ts: number, c: Cascade): void {
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
        this.enqueue({ target, msg: assignedMessage(pushed, ts), origin, cascade: c, assigned: true });
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
  private routeAssignments(from: string, seq: number, result: AoResult, firstIndex: number, ts: number, c: Cascade): number {
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
        this.enqueue({ target, msg: assignedMessage(original, ts), origin, cascade: c, assigned: true });
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

/** The process ids of an outbox message's `Assignments` tag (a list; a lone id is taken as one). */
function tagAssignments(m: OutboxMessage): string[] {
  const tag = (m.Tags as { name: string; value: unknown }[] | undefined)?.find((t) => t.name === 'Assignments');
  if (!tag) return [];
  const v = tag.value;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return typeof v === 'string' && v !== '' ? [v] : [];
}
