// A local process: the engine, its message log, and its snapshots.
//
// A process is the fold of its log: the state after record N is what a fresh
// engine reaches by handling records 1..N whose results were not errors.
// Everything here keeps that true:
//  - an Error result rolls the VM back (restore the last in-memory checkpoint
//    and replay the successes since), so failed messages leave no trace;
//  - snapshots on disk are just that fold, cached, so opening a long history
//    replays only its tail;
//  - host reads (inspect, dryrun) run between a checkpoint and its restore,
//    so they cannot perturb what a later replay would produce.
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';

const gzipAsync = promisify(gzip);
import { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_TIME_LIMIT_MS, EngineCrashedError, ProcessEngine, REPLAY_TIME_LIMIT_MS, type EngineOptions } from '../engine/process-engine.js';
import { encodeMemoryImage, imageDigest, type MemoryImage } from '../engine/memory-image.js';
import type { AoEnv, AoMessage, AoResult } from '../engine/types.js';
import { acquireLock, holderMayLetGoSoon, ProcessLockedError, type Lock } from './lock.js';
import { LogReader } from './log-reader.js';
import { MessageLog, type LogRecord } from './message-log.js';
import { assertNewProcessFolder, processEnv, processMessage, readMeta, writeMeta, type ProcessMeta } from './process-meta.js';
import { existsSync, rmSync } from 'node:fs';
import { LOG_CHECKSUM, SnapshotStore, type LogView } from './snapshot-store.js';
import { StoreWriteError } from './fsync.js';
import { ProcessHistory } from './history.js';
import { traceStep } from '../engine/startup-trace.js';
import type { EvaluateOptions, MessagePayload, MessageRecord, Origin, ProcessRecord, UndoPayload } from './records.js';

/**
 * When to take a fresh in-memory checkpoint (the state an Error rolls back
 * to, replaying the successes since). Copying the VM costs time that grows
 * with its heap, so the engine time spent since the last checkpoint must be
 * CHECKPOINT_COST_RATIO times what that checkpoint cost: checkpoints then
 * take at most ~1/ratio of the work, and a rollback replays about ratio times
 * a checkpoint's cost. A cap on the count keeps the replay list short.
 */
const CHECKPOINT_COST_RATIO = 4;
const CHECKPOINT_MAX_MESSAGES = 2000;
/** Records between snapshots on disk: bounds the replay when a process is opened. */
const SNAPSHOT_EVERY = 1000;
/**
 * Closing writes a snapshot once this many records, or this much engine time
 * (replayed at open plus handled since), are not in one. Below that, the next
 * open replays them about as fast as writing a snapshot (a gzip, two fsyncs:
 * ~15 ms here) would cost now; a one-shot `--run` adds one record.
 */
const CLOSE_SNAPSHOT_RECORDS = 32;
const CLOSE_SNAPSHOT_ENGINE_MS = 100;

/** A state just loaded from a snapshot, and what decoding and restoring it cost. */
interface LoadedState {
  image: MemoryImage;
  costMs: number;
}

export type { EvaluateOptions, MessagePayload, MessageRecord, Origin, ProcessRecord, UndoPayload, UndoRecord } from './records.js';

export interface OpenOptions {
  engine?: EngineOptions;
  /** How long to wait for a lock held by a program that may be closing (default 1500 ms). */
  lockWaitMs?: number;
  /** Rebuild from the log alone (to check that snapshots equal the fold of the log). */
  ignoreSnapshots?: boolean;
  /** Called with recovery notices (a torn record dropped, a bad snapshot skipped). */
  onNotice?: (text: string) => void;
  /** Set by create(): the process message is about to be handled for the first time. */
  creating?: boolean;
  /** Write a snapshot every this many messages (default 1000); tests use a small interval. */
  snapshotEvery?: number;
}

/**
 * A program that is closing (a terminal window just shut, a Ctrl-C) holds its
 * lock for a moment longer, and a one-shot run lets go of it soon: wait
 * briefly for those before saying the process is open elsewhere.
 */
/** A holder that took its lock this recently may be a one-shot run about to end. */
const YOUNG_HOLDER_MS = 3_000;

async function acquireLockPatiently(dir: string, what: string, waitMs = 1500): Promise<Lock> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return acquireLock(dir, what);
    } catch (err) {
      const holder = err instanceof ProcessLockedError ? err.holderPid : undefined;
      if (holder === undefined || holder === process.pid || Date.now() > until) throw err;
      // A shell that has held it a while and is not closing keeps it: say so now, not after the wait.
      if (!holderMayLetGoSoon((err as ProcessLockedError).lockFile, YOUNG_HOLDER_MS)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What a process reads and writes of its log: a MessageLog, or a LogReader for a read-only open. */
interface ProcessLog {
  readonly lastSeq: number;
  /** From `fromSeq` on; `toSeq` (inclusive) is a hint a reader may use to read less (callers still stop at it). */
  read(fromSeq?: number, toSeq?: number): Iterable<LogRecord>;
  append(payload: Record<string, unknown>): number;
  flush(): void;
  /** flush() with the fsync off the main thread; `syncing` while one runs. */
  flushAsync(): Promise<void>;
  readonly syncing: boolean;
  close(): void;
  /** The checksum of the record at `seq` (what a snapshot of that state records). */
  checksumOf(seq: number): number | undefined;
  /** Set once a write failed: the log takes nothing more until reopened. */
  readonly writeError?: Error;
}

/** A log seen by a program that does not hold the process: reads only. */
class ReadOnlyLog implements ProcessLog {
  private readonly reader: LogReader;
  constructor(dir: string) {
    this.reader = new LogReader(dir);
  }
  get lastSeq(): number {
    return this.reader.lastSeq;
  }
  read(fromSeq?: number): Iterable<LogRecord> {
    return this.reader.read(fromSeq);
  }
  append(): number {
    throw new Error('this process is open read-only (another aos-ts holds it); it cannot handle messages here');
  }
  flush(): void {}
  async flushAsync(): Promise<void> {}
  readonly syncing = false;
  close(): void {}
  checksumOf(): undefined {
    return undefined; // a read-only open never snapshots
  }
}

function isLogView(log: ProcessLog): log is ProcessLog & LogView {
  return log instanceof MessageLog;
}

/** True when an undo after `seq` cancels a message at or before it: a snapshot at `seq` then holds undone effects. */
function undoesBefore(log: ProcessLog, seq: number): boolean {
  for (const rec of log.read(seq + 1) as Iterable<ProcessRecord>) {
    if (rec.kind === 'undo' && rec.undoes <= seq) return true;
  }
  return false;
}

function compareOrigin(a: { seq: number; index: number }, b: { seq: number; index: number }): number {
  return a.seq !== b.seq ? a.seq - b.seq : a.index - b.index;
}

/**
 * Successes replay; so does the boot (seq 1) even when its On-Boot code
 * failed: as on AO, the process exists and keeps what its boot set up.
 */
function isReplayable(rec: ProcessRecord): rec is MessageRecord {
  return rec.kind === 'message' && (rec.result.Error === undefined || rec.seq === 1);
}

export class LocalProcess {
  private checkpoint!: MemoryImage;
  private checkpointSeq = 0;
  /** Successful records handled since the checkpoint, in order. */
  private sinceCheckpoint: MessageRecord[] = [];
  private engineMsSinceCheckpoint = 0;
  private checkpointCostMs = 0;
  private lastSnapshotSeq = 0;
  /** Engine time spent on records that no snapshot on disk holds (replayed at open, or handled since). */
  private engineMsSinceSnapshot = 0;
  private closed = false;
  /** Per sender, the newest origin delivered here: deliveries between two processes are FIFO, so this dedupes redelivery. */
  private readonly received = new Map<string, { seq: number; index: number }>();
  /** How far the mailbox has been consumed (bytes). */
  mailboxOffset = 0;
  /** Timestamp of the last cron tick handled (or scheduled) by this process. */
  lastCronAt?: number;

  private constructor(
    readonly dir: string,
    readonly meta: ProcessMeta,
    private engine: ProcessEngine,
    private readonly log: ProcessLog,
    private readonly snapshots: SnapshotStore,
    private readonly lock: Pick<Lock, 'release' | 'markClosing'>,
    private readonly engineOptions: EngineOptions,
    /** Opened without the lock while another program may hold it: reads only, writes nothing. */
    readonly readOnly = false,
  ) {}

  /** The process environment every message is handled with (one object, so the engine encodes it once). */
  private get env(): AoEnv {
    return (this.envCache ??= processEnv(this.meta));
  }
  private envCache?: AoEnv;

  get id(): string {
    return this.meta.id;
  }

  get name(): string {
    return this.meta.name;
  }

  get lastSeq(): number {
    return this.log.lastSeq;
  }

  /** Make the folder, write the meta, and handle the process message (seq 1). */
  static async create(dir: string, meta: ProcessMeta, opts: OpenOptions = {}): Promise<{ process: LocalProcess; result: AoResult }> {
    assertNewProcessFolder(dir);
    const fresh = !existsSync(dir);
    writeMeta(dir, meta);
    let proc: LocalProcess | undefined;
    try {
      proc = await LocalProcess.open(dir, { ...opts, creating: true });
      // A boot whose On-Boot code fails still makes the process, as on AO; the caller shows the Error.
      return { process: proc, result: proc.bootResult! };
    } catch (err) {
      // A process whose boot could not even be recorded is no process: leave nothing behind.
      proc?.close();
      if (fresh) rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  static async open(dir: string, opts: OpenOptions = {}): Promise<LocalProcess> {
    const meta = readMeta(dir);
    const lock = await acquireLockPatiently(dir, `process ${meta.name} (${meta.id})`, opts.lockWaitMs);
    traceStep('process locked');
    try {
      const log = MessageLog.open(join(dir, 'log'));
      for (const n of log.notices) opts.onNotice?.(n);
      const proc = await LocalProcess.restore(dir, meta, log, lock, opts, false);
      if (log.lastSeq === 0) {
        // No boot record: a new process, or one whose creation was cut short.
        if (!opts.creating) opts.onNotice?.(`process ${meta.name} (${meta.id}) had not finished booting (aos-ts stopped while creating it?); booting it now`);
        proc.bootResult = (await proc.unbudgeted(() => proc.evaluate(processMessage(meta, meta.createdAt)))).result;
        proc.flush();
      }
      // Opening had no snapshot to start from (a new process) or replayed a
      // long tail: write one now rather than at close, which a program killed
      // by a signal (a shell whose terminal closed) never reaches.
      if (proc.snapshotWorthIt()) proc.snapshotIfPossible();
      return proc;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** The result of the process message when this open booted the process. */
  private bootResult?: AoResult;

  /**
   * Run fn with at least the default instruction budget and time limit: the
   * boot must not fail under a smaller --budget or --timeout.
   */
  private async unbudgeted<T>(fn: () => T | Promise<T>): Promise<T> {
    const { instructionBudget, timeLimitMs } = this.engine.options;
    this.engine.options.instructionBudget = Math.max(instructionBudget, DEFAULT_INSTRUCTION_BUDGET);
    this.engine.options.timeLimitMs = Math.max(timeLimitMs, DEFAULT_TIME_LIMIT_MS);
    try {
      return await fn();
    } finally {
      this.engine.options.instructionBudget = instructionBudget;
      this.engine.options.timeLimitMs = timeLimitMs;
    }
  }

  /**
   * Open a process for reading while another program may hold it: no lock,
   * nothing written. The state is the newest snapshot plus a replay of the
   * log after it, as far as the holder has made it durable. inspect(),
   * dryrun() and history work; evaluate() and undo refuse.
   */
  static async openReadOnly(dir: string, opts: OpenOptions = {}): Promise<LocalProcess> {
    const meta = readMeta(dir);
    return LocalProcess.restore(dir, meta, new ReadOnlyLog(join(dir, 'log')), { release() {}, markClosing() {} }, opts, true);
  }

  /** A fresh engine at the end of the log: the newest usable snapshot, then the records after it. */
  private static async restore(dir: string, meta: ProcessMeta, log: ProcessLog, lock: Pick<Lock, 'release' | 'markClosing'>, opts: OpenOptions, readOnly: boolean): Promise<LocalProcess> {
    const snapshots = new SnapshotStore(join(dir, 'snapshots'));
    const engineOptions = opts.engine ?? {};
    // A snapshot is used only with the log it was made from (the writable log
    // checks the record it covers); never past the log's end, nor across an undo.
    const accept = (seq: number) => seq <= log.lastSeq && !undoesBefore(log, seq);
    const latest = opts.ignoreSnapshots ? { seq: 0, notices: [] } : isLogView(log) ? snapshots.forLog(log, accept) : snapshots.latest();
    for (const n of latest.notices) opts.onNotice?.(n);
    traceStep('snapshot read');
    let engine: ProcessEngine | undefined;
    let fromSeq = 0;
    let base: LoadedState | undefined;
    if (latest.seq > 0 && 'data' in latest && accept(latest.seq)) {
      try {
        // The engine's thread decodes the snapshot and hands the state back: it is the first checkpoint.
        const loaded = await ProcessEngine.fromEncodedImage(latest.data, latest.meta.encoding === 'gzip', engineOptions);
        engine = loaded.engine;
        base = { image: loaded.image, costMs: loaded.restoreMs };
        fromSeq = latest.seq;
      } catch (err) {
        opts.onNotice?.(`snapshot at message ${latest.seq} cannot be used (${(err as Error).message}); replaying the whole log instead`);
      }
    }
    engine ??= await ProcessEngine.create(engineOptions);
    traceStep('engine ready');
    const proc = new LocalProcess(dir, meta, engine, log, snapshots, lock, engineOptions, readOnly);
    if (fromSeq > 0 && 'meta' in latest) proc.loadProgress(latest.meta);
    proc.onNotice = opts.onNotice;
    proc.snapshotEvery = opts.snapshotEvery ?? SNAPSHOT_EVERY;
    await proc.replayFrom(fromSeq, base);
    proc.lastSnapshotSeq = fromSeq;
    // Without a snapshot, opening replayed everything (and booted the OS): closing should write one.
    if (fromSeq === 0) proc.engineMsSinceSnapshot = Infinity;
    traceStep('replayed');
    return proc;
  }

  /**
   * Bring the fresh engine from the state after `fromSeq` up to the end of
   * the log. `base` is that state when it was just loaded: it becomes the
   * checkpoint as it is, with the records replayed here as the ones a
   * rollback replays after it (no copy of the engine is taken now).
   */
  private replayFrom(fromSeq: number, base?: LoadedState): Promise<void> {
    return this.withFullBudget(() => this.replayRecords(fromSeq, base));
  }

  /**
   * Replays of messages that once succeeded run with at least the default
   * budget, and the larger replay time limit: a busier machine than when
   * they first ran must not make them fail.
   */
  private async withFullBudget<T>(fn: () => Promise<T>): Promise<T> {
    const engine = this.engine;
    const { instructionBudget, timeLimitMs } = engine.options;
    engine.options.instructionBudget = Math.max(instructionBudget, DEFAULT_INSTRUCTION_BUDGET);
    engine.options.timeLimitMs = Math.max(timeLimitMs, REPLAY_TIME_LIMIT_MS);
    try {
      return await fn();
    } finally {
      engine.options.instructionBudget = instructionBudget;
      engine.options.timeLimitMs = timeLimitMs;
    }
  }

  private async replayRecords(fromSeq: number, base?: LoadedState): Promise<void> {
    const env = this.env;
    const undone = this.undoneSeqs(fromSeq);
    const started = performance.now();
    const replayed: MessageRecord[] = [];
    for (const rec of this.log.read(fromSeq + 1) as Iterable<ProcessRecord>) {
      if (rec.kind === 'message') this.noteProgress(rec);
      if (!isReplayable(rec) || undone.has(rec.seq)) continue;
      await this.engine.handle(rec.msg, env);
      replayed.push(rec);
    }
    const replayMs = performance.now() - started;
    this.engineMsSinceSnapshot += replayMs;
    if (!base) {
      await this.takeCheckpoint();
      return;
    }
    this.checkpoint = base.image;
    this.checkpointSeq = fromSeq;
    this.sinceCheckpoint = replayed;
    this.engineMsSinceCheckpoint = replayMs;
    this.checkpointCostMs = base.costMs;
  }

  /** Delivery bookkeeping kept in a snapshot's meta, so reopening need not read the whole log. */
  private loadProgress(meta: Record<string, unknown>): void {
    const received = meta.received;
    if (received && typeof received === 'object') {
      for (const [from, at] of Object.entries(received as Record<string, { seq: number; index: number }>)) this.received.set(from, at);
    }
    if (typeof meta.mailboxOffset === 'number') this.mailboxOffset = meta.mailboxOffset;
    if (typeof meta.lastCronAt === 'number') this.lastCronAt = meta.lastCronAt;
  }

  private noteProgress(rec: MessagePayload): void {
    if (rec.origin) this.noteReceived(rec.origin);
    if (rec.mailboxEnd !== undefined) this.mailboxOffset = Math.max(this.mailboxOffset, rec.mailboxEnd);
    if (rec.msg.Cron === true && typeof rec.msg.Timestamp === 'number') {
      this.lastCronAt = Math.max(this.lastCronAt ?? 0, rec.msg.Timestamp);
    }
  }

  private noteReceived(origin: Origin): void {
    const prev = this.received.get(origin.process);
    if (!prev || compareOrigin(origin, prev) > 0) this.received.set(origin.process, { seq: origin.seq, index: origin.index });
  }

  /** Whether the message from `origin` is already in this process's log. */
  hasReceived(origin: Origin): boolean {
    const prev = this.received.get(origin.process);
    return prev !== undefined && compareOrigin(origin, prev) <= 0;
  }

  /** Seqs after `fromSeq` that a later undo record cancelled. */
  private undoneSeqs(fromSeq: number): Set<number> {
    const undone = new Set<number>();
    for (const rec of this.log.read(fromSeq + 1) as Iterable<ProcessRecord>) {
      if (rec.kind === 'undo') undone.add(rec.undoes);
    }
    return undone;
  }

  private async takeCheckpoint(): Promise<void> {
    const started = performance.now();
    this.setCheckpoint(await this.engine.snapshot(), started);
  }

  /** takeCheckpoint() waiting on this thread (closing, flushing): only when no operation is under way. */
  private takeCheckpointSync(): void {
    this.setCheckpoint(this.engine.snapshotSync(), performance.now());
  }

  private setCheckpoint(image: MemoryImage, started: number): void {
    this.checkpoint = image;
    this.checkpointSeq = this.log.lastSeq;
    this.sinceCheckpoint = [];
    this.engineMsSinceCheckpoint = 0;
    this.checkpointCostMs = performance.now() - started;
  }

  private checkpointDue(): boolean {
    if (this.sinceCheckpoint.length === 0) return false;
    return (
      this.sinceCheckpoint.length >= CHECKPOINT_MAX_MESSAGES ||
      this.engineMsSinceCheckpoint >= CHECKPOINT_COST_RATIO * this.checkpointCostMs
    );
  }

  /** Put the engine back to the checkpoint and replay the successes since. */
  private async rollback(): Promise<void> {
    if (this.engine.isCrashed) {
      this.engine.close();
      this.engine = await ProcessEngine.fromImage(this.checkpoint, this.engineOptions);
    } else {
      await this.engine.restore(this.checkpoint);
    }
    const env = this.env;
    await this.withFullBudget(async () => {
      for (const rec of this.sinceCheckpoint) await this.engine.handle(rec.msg, env);
    });
  }

  private async runOnEngine(msg: AoMessage): Promise<AoResult> {
    try {
      return await this.engine.handle(msg, this.env);
    } catch (err) {
      if (err instanceof EngineCrashedError) return { Error: `${err.message}. The process is unchanged.` };
      throw err;
    }
  }

  /**
   * Handle one message and append it (with its result) to the log. Not yet
   * durable: call flush() before showing the result or delivering its outbox.
   */
  async evaluate(msg: AoMessage, opts: EvaluateOptions = {}): Promise<{ seq: number; result: AoResult }> {
    this.assertOpen();
    this.assertWritable();
    return this.exclusive(() => this.evaluateNow(msg, opts));
  }

  private async evaluateNow(msg: AoMessage, opts: EvaluateOptions): Promise<{ seq: number; result: AoResult }> {
    this.assertOpen();
    if (this.checkpointDue()) await this.takeCheckpoint();
    const started = performance.now();
    const result = await this.runOnEngine(msg);
    return this.logResult(msg, opts, result, performance.now() - started);
  }

  /**
   * evaluate() for several messages in a row, in that order, as one
   * operation: the engine takes them in as few round trips as it can (see
   * ProcessEngine.handleBatch). Each is handled and logged exactly as
   * evaluate() would, with its own time limit and result; one that fails is
   * rolled back before the next one runs. Resolves with one outcome per
   * message: its seq and result, or the error evaluate() would have thrown.
   */
  async evaluateBatch(entries: { msg: AoMessage; opts?: EvaluateOptions }[]): Promise<({ seq: number; result: AoResult } | { error: unknown })[]> {
    this.assertOpen();
    this.assertWritable();
    return this.exclusive(() => this.evaluateBatchNow(entries));
  }

  private async evaluateBatchNow(entries: { msg: AoMessage; opts?: EvaluateOptions }[]): Promise<({ seq: number; result: AoResult } | { error: unknown })[]> {
    const out: ({ seq: number; result: AoResult } | { error: unknown })[] = [];
    while (out.length < entries.length) {
      const rest = entries.slice(out.length);
      try {
        this.assertOpen();
        if (this.checkpointDue()) await this.takeCheckpoint();
      } catch (error) {
        for (const _ of rest) out.push({ error });
        break;
      }
      const started = performance.now();
      let got: { results: AoResult[]; failure?: Error };
      try {
        got = await this.engine.handleBatch(
          rest.map((e) => e.msg),
          this.env,
        );
      } catch (err) {
        got = { results: [], failure: err as Error };
      }
      const results = got.results;
      // A broken engine is an Error result (as runOnEngine makes it); anything else fails that message alone.
      let thrown: { error: unknown } | undefined;
      if (got.failure instanceof EngineCrashedError) results.push({ Error: `${got.failure.message}. The process is unchanged.` });
      else if (got.failure) thrown = { error: got.failure };
      else if (results.length === 0) thrown = { error: new Error('the engine handled none of the messages it was given') };
      const each = (performance.now() - started) / Math.max(1, results.length + (thrown ? 1 : 0));
      for (const [i, result] of results.entries()) {
        try {
          out.push(await this.logResult(rest[i]!.msg, rest[i]!.opts ?? {}, result, each));
        } catch (error) {
          // The log takes nothing more after a failed write: the rest fail alike.
          while (out.length < entries.length) out.push({ error });
          return out;
        }
      }
      if (thrown) out.push(thrown);
    }
    return out;
  }

  /** Account for a message the engine handled, roll back if it failed, and log it. */
  private async logResult(msg: AoMessage, opts: EvaluateOptions, result: AoResult, engineMs: number): Promise<{ seq: number; result: AoResult }> {
    this.engineMsSinceCheckpoint += engineMs;
    this.engineMsSinceSnapshot += engineMs;
    // A failed boot is kept (see isReplayable); rolling it back would leave a process that never booted.
    const keep = result.Error === undefined || (this.log.lastSeq === 0 && !this.engine.isCrashed);
    if (!keep) await this.rollback();
    const payload: MessagePayload = { kind: 'message', msg, result };
    if (opts.origin) payload.origin = opts.origin;
    if (opts.mailboxEnd !== undefined) payload.mailboxEnd = opts.mailboxEnd;
    this.noteProgress(payload);
    const seq = this.log.append(payload as unknown as Record<string, unknown>);
    if (keep) this.sinceCheckpoint.push({ ...payload, seq });
    return { seq, result };
  }

  /**
   * The current state as a memory image, for evaluating a copy elsewhere (the
   * node's read workers). It is taken on this thread, so while a message or
   * read is under way (it may be stuck until the time limit) it is refused.
   */
  stateImage(): MemoryImage {
    this.assertOpen();
    this.assertIdle();
    return this.engine.snapshotSync();
  }

  /**
   * The state after the last logged message, for a copy elsewhere, without
   * waiting for the engine: while it is idle, its memory now; while a message
   * or read is under way, the last checkpoint and the successful messages
   * logged since (to replay on the copy, as a rollback would here). The
   * replay is short: a checkpoint is taken once the engine has worked a few
   * times what taking it cost.
   */
  readableState(): { image: MemoryImage; replay: AoMessage[]; seq: number } {
    this.assertOpen();
    const seq = this.log.lastSeq;
    if (this.busy === 0) return { image: this.engine.snapshotSync(), replay: [], seq };
    return { image: this.checkpoint, replay: this.sinceCheckpoint.map((rec) => rec.msg), seq };
  }

  /** Evaluate against the current state and forget it: nothing changes, nothing is logged. */
  async dryrun(msg: AoMessage): Promise<AoResult> {
    this.assertOpen();
    return this.exclusive(() => this.isolated(() => this.runOnEngine({ ...msg, 'Read-Only': true })));
  }

  /** Run host Lua (reads such as the Inbox) without disturbing the process. */
  async inspect(lua: string): Promise<unknown> {
    this.assertOpen();
    return this.exclusive(() => this.isolated(() => this.engine.evalLua(lua)));
  }

  /**
   * Run a read between a mark and a revert of the engine: the copy stays in
   * the engine's thread. An engine stopped meanwhile (the time limit) is
   * rebuilt as a rollback does: the checkpoint and the successes since.
   */
  private async isolated<T>(fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    await this.engine.mark();
    try {
      return await fn();
    } finally {
      if (this.closed) {
        // closed meanwhile: nothing to put back
      } else if (this.engine.isCrashed) {
        await this.rollback();
      } else {
        await this.engine.revert();
      }
    }
  }

  /** Operations on the engine (messages, reads, undo) run one at a time, in the order they were asked for. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.busy++;
    const run = this.tail.then(fn).finally(() => this.busy--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private tail: Promise<unknown> = Promise.resolve();
  private busy = 0;

  /** The write error that stopped this process's log (a full disk): it takes nothing more until opened again. */
  get writeError(): Error | undefined {
    return this.log.writeError;
  }

  /** True while a message, read or undo is queued or under way. */
  get isBusy(): boolean {
    return this.busy > 0;
  }

  private assertIdle(): void {
    if (this.busy > 0) throw new Error(`process ${this.meta.name} is busy handling a message; try again in a moment`);
  }

  /**
   * Undo the last successful message of the process's history (local only):
   * an undo record is logged and the state rebuilt without that message.
   */
  async undoLast(filter: (rec: MessageRecord) => boolean = () => true): Promise<MessageRecord | undefined> {
    this.assertOpen();
    this.assertWritable();
    return this.exclusive(() => this.undoNow(filter));
  }

  private async undoNow(filter: (rec: MessageRecord) => boolean): Promise<MessageRecord | undefined> {
    const undone = this.history.undone;
    let target: MessageRecord | undefined;
    for (const rec of this.log.read(1) as Iterable<ProcessRecord>) {
      if (isReplayable(rec) && rec.seq > 1 && !undone.has(rec.seq) && filter(rec)) target = rec;
    }
    if (!target) return undefined;
    this.log.append({ kind: 'undo', undoes: target.seq } satisfies UndoPayload);
    this.flush();
    await this.rebuild();
    return target;
  }

  /** Rebuild the engine from nothing by replaying the whole log. */
  private async rebuild(): Promise<void> {
    this.engine.close();
    this.engine = await ProcessEngine.create(this.engineOptions);
    await this.replayFrom(0);
    this.snapshotNow();
  }

  /** Make everything appended so far durable; snapshot when one is due. */
  flush(): void {
    if (this.readOnly) return;
    this.log.flush();
    // A snapshot waits for a moment when no message or read is under way.
    if (this.log.lastSeq - this.lastSnapshotSeq >= this.snapshotEvery && this.busy === 0) this.snapshotIfPossible();
  }

  /**
   * flush(), with the fsync off the main thread (MessageLog.flushAsync):
   * resolves once everything appended before the call is durable. A due
   * snapshot waits for a moment when no other fsync of this log is running.
   */
  async flushAsync(): Promise<void> {
    if (this.readOnly) return;
    await this.log.flushAsync();
    this.snapshotWhenDue();
  }

  /**
   * Start a background snapshot if one is due and none is running; one that
   * became due while the last was written starts when it ends (with no later
   * flush to start it, a quiet process would otherwise keep an old snapshot).
   */
  private snapshotWhenDue(): void {
    if (this.closed || this.snapshotting || this.log.syncing) return;
    if (this.log.lastSeq - this.lastSnapshotSeq < this.snapshotEvery) return;
    this.snapshotting = true;
    const before = this.lastSnapshotSeq;
    void this.snapshotInBackground().finally(() => {
      this.snapshotting = false;
      // Again only after progress: a snapshot that failed (disk full) waits for the next flush.
      if (this.lastSnapshotSeq > before) this.snapshotWhenDue();
    });
  }

  private snapshotting = false;

  /**
   * snapshotNow() for a process that keeps handling messages (a node under
   * load): the state is copied between two messages, in the engine's own
   * thread, and compressed on the thread pool, so neither holds up this
   * thread; only writing the file is done here. A failure is a notice, as
   * in snapshotIfPossible (the log is the record).
   */
  private async snapshotInBackground(): Promise<void> {
    try {
      // Between two messages: the state, its seq and the delivery bookkeeping of that moment.
      const taken = await this.exclusive(async () => {
        if (this.closed) return undefined;
        if (this.checkpointSeq !== this.log.lastSeq || this.sinceCheckpoint.length > 0) await this.takeCheckpoint();
        return {
          image: this.checkpoint,
          seq: this.log.lastSeq,
          received: Object.fromEntries(this.received),
          mailboxOffset: this.mailboxOffset,
          lastCronAt: this.lastCronAt,
        };
      });
      if (!taken || taken.seq <= this.lastSnapshotSeq) return;
      // Never ahead of the durable log.
      await this.log.flushAsync();
      const data = await gzipAsync(encodeMemoryImage(taken.image), { level: 1 });
      if (this.closed || taken.seq <= this.lastSnapshotSeq) return;
      this.snapshots.write(taken.seq, data, {
        encoding: 'gzip',
        seq: taken.seq,
        [LOG_CHECKSUM]: this.log.checksumOf(taken.seq),
        process: this.meta.id,
        received: taken.received,
        mailboxOffset: taken.mailboxOffset,
        lastCronAt: taken.lastCronAt,
      });
      this.lastSnapshotSeq = taken.seq;
      this.engineMsSinceSnapshot = 0;
    } catch (err) {
      if (this.closed) return;
      this.onNotice?.(err instanceof StoreWriteError ? err.message : `a snapshot could not be written (${(err as Error).message}); the log still has everything`);
    }
  }

  /** A snapshot only makes opening faster: one that cannot be written (disk full) is a notice, not a failure. */
  private snapshotIfPossible(): void {
    try {
      this.snapshotNow();
    } catch (err) {
      if (!(err instanceof StoreWriteError)) throw err;
      this.onNotice?.(err.message);
    }
  }

  private onNotice?: (text: string) => void;
  private snapshotEvery = SNAPSHOT_EVERY;

  /** Write a snapshot of the state now (not while a message or read is under way: see isBusy). */
  snapshotNow(): void {
    if (this.readOnly) return;
    this.log.flush();
    if (this.checkpointSeq !== this.log.lastSeq || this.sinceCheckpoint.length > 0) this.takeCheckpointSync();
    const seq = this.log.lastSeq;
    // A Lua heap compresses several times over; level 1 keeps the write quick.
    this.snapshots.write(seq, gzipSync(encodeMemoryImage(this.checkpoint), { level: 1 }), {
      encoding: 'gzip',
      seq,
      [LOG_CHECKSUM]: this.log.checksumOf(seq),
      process: this.meta.id,
      received: Object.fromEntries(this.received),
      mailboxOffset: this.mailboxOffset,
      lastCronAt: this.lastCronAt,
    });
    this.lastSnapshotSeq = seq;
    this.engineMsSinceSnapshot = 0;
  }

  records(fromSeq = 1, toSeq?: number): Iterable<ProcessRecord> {
    return this.log.read(fromSeq, toSeq) as Iterable<ProcessRecord>;
  }

  private historyView?: ProcessHistory;

  /** The typed history: results paging, message by id or slot, undone seqs, patch@1.0 state. */
  get history(): ProcessHistory {
    this.historyView ??= new ProcessHistory(this);
    return this.historyView;
  }

  /** A digest of the whole VM state: equal digests, equal processes. */
  stateDigest(): string {
    this.assertIdle();
    return imageDigest(this.engine.snapshotSync());
  }

  get memoryUsed(): number {
    return this.engine.memoryUsed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.lock.markClosing();
    try {
      // A log stopped by a write error was reported when it failed; closing just lets go.
      if (!this.log.writeError) {
        this.log.flush();
        // A message still under way (stuck, perhaps) is not waited for: the log has everything acknowledged.
        if (this.snapshotWorthIt() && this.busy === 0) this.snapshotIfPossible();
      }
    } finally {
      this.closed = true;
      this.engine.close();
      this.historyView?.close();
      this.log.close();
      this.lock.release();
    }
  }

  /**
   * Whether closing should write a snapshot: only when replaying what no
   * snapshot holds would make the next open noticeably slower than writing
   * one now costs (a gzip and two fsyncs). A one-shot `--run` adds one cheap
   * record, which the next open replays in well under a millisecond.
   */
  private snapshotWorthIt(): boolean {
    const records = this.log.lastSeq - this.lastSnapshotSeq;
    if (records <= 0) return false;
    return records >= CLOSE_SNAPSHOT_RECORDS || this.engineMsSinceSnapshot >= CLOSE_SNAPSHOT_ENGINE_MS;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`process ${this.meta.name} is closed`);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error(`process ${this.meta.name} is open read-only here (another aos-ts holds it); send the message to that program instead`);
  }
}
