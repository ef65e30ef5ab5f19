// The typed history of one local process, over its message log: the records,
// which message id sits at which seq, which seqs a local undo cancelled, the
// state the process exposes through patch@1.0, and results paging. Every face
// (the library, the HTTP node, the shell) reads a history through here, so
// the protocol's rules (undo hides a message, an Error is not a result, slot =
// seq - 1) live in one place.
//
// Read incrementally: each call first reads only the records appended since
// the last one, so messages handled meanwhile (by a cascade, an undo) are seen.
import type { AoResult, OutboxMessage } from '../engine/types.js';
import type { MessageRecord, ProcessRecord } from './records.js';
import { IdIndex } from './id-index.js';
import { applyPatchMessages, patchesOf } from './patch-state.js';

/** What a history reads: a process's log (LocalProcess satisfies it). */
export interface HistorySource {
  readonly lastSeq: number;
  /** Records from `fromSeq` on, through `toSeq` when given. */
  records(fromSeq?: number, toSeq?: number): Iterable<ProcessRecord>;
}

/** A bound of a results window: a seq (a cursor) or a timestamp in ms. */
export type Bound = { seq: number } | { timestamp: number };

export interface ResultsQuery {
  /** Exclusive. */
  from?: Bound;
  /** Inclusive. */
  to?: Bound;
  sort?: 'ASC' | 'DESC';
  limit: number;
}

export interface ResultsPage {
  records: MessageRecord[];
  hasNextPage: boolean;
}

/** A message by its id, or by its slot (the scheduler's nonce: seq - 1). */
export type MessageRef = string | { id: string } | { slot: number };

export interface ScheduleQuery {
  /** Timestamps in ms, both inclusive. */
  from?: number;
  to?: number;
  limit: number;
}

/** More records than this read at once are indexed in bulk (see IdIndex.bulk). */
const BULK_RECORDS = 1024;

/** How many of the newest message records a history keeps at hand. */
const RECENT_RECORDS = 256;
/**
 * How many of the newest patch@1.0 records a history keeps whole; older ones
 * are folded into a base state (and read again from the log when an undo
 * reaches them or a state at an older slot is asked for).
 */
const RECENT_PATCHES = 64;

export class ProcessHistory {
  private through = 0;
  /**
   * Message id -> seq, by hashes of the id (the ids themselves are not kept;
   * a hit is confirmed against the record). Its memory is bounded: beyond a
   * fixed size the table lives in a temporary file (see IdIndex).
   */
  private readonly ids: IdIndex;
  private readonly undoneSeqs = new Set<number>();
  /**
   * The newest records that set patch@1.0 state, in order (kept so an undo
   * of a recent message, or a state at a recent slot, needs no log read).
   */
  private readonly patchRecords: { seq: number; patches: OutboxMessage[] }[] = [];
  /**
   * The patched state through seq `patchBase.through`: every older patch
   * record folded in, undone ones left out. Undefined when an undo reached
   * into it (rebuilt from the log on next use).
   */
  private patchBase?: { through: number; state: Record<string, unknown> } = { through: 0, state: {} };
  /** The seq of the newest patch record folded into the base (0: none). */
  private foldedThrough = 0;
  /** The patched state after every message read so far (built on first use). */
  private patchState?: Record<string, unknown>;
  private lastTime?: number;
  /**
   * The newest records read (by seq): the ones asked for most (a result
   * right after its message, the dry-run's time) are answered from here
   * without reading the log again. Handed out as copies, as a read would be.
   */
  private readonly recent = new Map<number, MessageRecord>();

  constructor(
    private readonly source: HistorySource,
    opts: { indexMemorySlots?: number } = {},
  ) {
    this.ids = new IdIndex(opts.indexMemorySlots);
  }

  /** Let go of the id index (its file, once it has one); the history answers nothing by id afterwards. */
  close(): void {
    this.ids.close();
    this.closed = true;
  }
  private closed = false;

  /** Bytes of the id index held in memory (bounded whatever the number of messages). */
  get indexMemoryBytes(): number {
    return this.ids.memoryBytes;
  }

  private remember(rec: MessageRecord): void {
    this.recent.set(rec.seq, rec);
    if (this.recent.size > RECENT_RECORDS) this.recent.delete(this.recent.keys().next().value as number);
  }

  /** Read what was appended since the last call. */
  private sync(): void {
    const last = this.source.lastSeq;
    if (this.through >= last) return;
    // A long history read at once (the first use after an open) is indexed in memory, then written out once.
    if (last - this.through > BULK_RECORDS) {
      this.ids.bulk(() => this.read(last));
      return;
    }
    this.read(last);
  }

  private read(last: number): void {
    for (const rec of this.source.records(this.through + 1)) {
      if (rec.seq > last) break;
      if (rec.kind === 'undo') {
        this.undoneSeqs.add(rec.undoes);
        if (rec.undoes <= this.foldedThrough) {
          this.patchBase = undefined;
          this.patchState = undefined;
        } else if (this.patchRecords.some((p) => p.seq === rec.undoes)) this.patchState = undefined;
      } else {
        if (typeof rec.msg.Id === 'string' && rec.msg.Id !== '' && !this.closed) this.index(rec.msg.Id, rec.seq);
        const patches = patchesOf(rec.result);
        if (patches.length > 0) {
          this.patchRecords.push({ seq: rec.seq, patches });
          if (this.patchState) this.patchState = applyPatchMessages(this.patchState, patches);
          if (this.patchRecords.length > RECENT_PATCHES) this.fold(this.patchRecords.shift()!);
        }
        const ts = Number(rec.msg.Timestamp);
        if (Number.isFinite(ts)) this.lastTime = ts;
        this.remember(rec);
      }
      this.through = rec.seq;
    }
    this.through = Math.max(this.through, last);
  }

  private index(id: string, seq: number): void {
    // The same id logged again answers with its newest seq (as a map by id would).
    for (const known of this.ids.candidates(id)) {
      if (this.idAt(known) === id) {
        this.ids.replace(id, known, seq);
        return;
      }
    }
    this.ids.add(id, seq);
  }

  /** The id of the message record at `seq`, without copying it. */
  private idAt(seq: number): unknown {
    const known = this.recent.get(seq);
    if (known) return known.msg.Id;
    for (const rec of this.source.records(seq, seq)) return rec.seq === seq && rec.kind === 'message' ? rec.msg.Id : undefined;
    return undefined;
  }

  /** Fold the oldest kept patch record into the base state. */
  private fold(p: { seq: number; patches: OutboxMessage[] }): void {
    this.foldedThrough = p.seq;
    if (!this.patchBase) return;
    const state = this.undoneSeqs.has(p.seq) ? this.patchBase.state : applyPatchMessages(this.patchBase.state, p.patches);
    this.patchBase = { through: p.seq, state };
  }

  /**
   * The patched state after the message at `throughSeq`, read from the log
   * (for what is older than the patch records kept whole).
   */
  private patchedFromLog(throughSeq: number): Record<string, unknown> {
    let state: Record<string, unknown> = {};
    if (throughSeq < 1) return state;
    for (const rec of this.source.records(1, throughSeq)) {
      if (rec.seq > throughSeq) break;
      if (rec.kind !== 'message' || this.undoneSeqs.has(rec.seq)) continue;
      state = applyPatchMessages(state, patchesOf(rec.result));
    }
    return state;
  }

  get lastSeq(): number {
    return this.source.lastSeq;
  }

  /** Seqs a local undo cancelled. */
  get undone(): ReadonlySet<number> {
    this.sync();
    return this.undoneSeqs;
  }

  isUndone(seq: number): boolean {
    return this.undone.has(seq);
  }

  /** The timestamp of the newest message handled (a dry-run's default time, as the compute unit's). */
  get lastTimestamp(): number | undefined {
    // Once read, the history keeps up by reading only what is new.
    if (this.through > 0) this.sync();
    if (this.through >= this.source.lastSeq) return this.lastTime;
    // Without reading the whole history: the newest message record, from the end.
    for (let seq = this.source.lastSeq; seq >= 1; seq--) {
      const rec = this.record(seq);
      if (!rec) continue;
      const ts = Number(rec.msg.Timestamp);
      if (Number.isFinite(ts)) return ts;
    }
    return undefined;
  }

  /** The seq of the message with this id (undone or not: it is still in the history). */
  seqOf(id: string): number | undefined {
    return this.candidates(id).find((seq) => this.idAt(seq) === id);
  }

  /** The seqs whose message id hashes as `id` does (usually none or just its own). */
  private candidates(id: string): number[] {
    if (this.closed) return [];
    this.sync();
    return this.ids.candidates(id);
  }

  /** The message record at `seq` (undefined for an undo record or a seq out of range). */
  record(seq: number): MessageRecord | undefined {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > this.source.lastSeq) return undefined;
    if (this.through > 0) this.sync();
    const known = this.recent.get(seq);
    if (known) return structuredClone(known);
    for (const rec of this.source.records(seq, seq)) {
      if (rec.seq !== seq) return undefined;
      return rec.kind === 'message' ? rec : undefined;
    }
    return undefined;
  }

  /** The record of a message by id or slot. */
  resultOf(ref: MessageRef): MessageRecord | undefined {
    if (typeof ref === 'string') ref = { id: ref };
    if ('slot' in ref) return this.record(ref.slot + 1);
    // By id: the record read is the check that the id is the one asked for (one read, not two).
    for (const seq of this.candidates(ref.id)) {
      const rec = this.record(seq);
      if (rec?.msg.Id === ref.id) return rec;
    }
    return undefined;
  }

  /**
   * A page of results, as the compute unit pages them: `from` exclusive, `to`
   * inclusive whatever the sort; evaluations that ended in an Error are left
   * out, and so are messages a local undo cancelled.
   */
  results(q: ResultsQuery): ResultsPage {
    const undone = this.undone;
    const startSeq = q.from && 'seq' in q.from ? q.from.seq + 1 : 1;
    const hits: MessageRecord[] = [];
    for (const rec of this.source.records(startSeq)) {
      if (q.to && 'seq' in q.to && rec.seq > q.to.seq) break;
      if (rec.kind !== 'message' || rec.result.Error !== undefined || undone.has(rec.seq)) continue;
      if (q.from && 'timestamp' in q.from && timeOf(rec) <= q.from.timestamp) continue;
      if (q.to && 'timestamp' in q.to && timeOf(rec) > q.to.timestamp) continue;
      hits.push(rec);
    }
    if (q.sort === 'DESC') hits.reverse();
    return { records: hits.slice(0, q.limit), hasNextPage: hits.length > q.limit };
  }

  /**
   * The scheduler's view: messages in slot order within a time window,
   * without those a local undo cancelled (they are not part of the process's
   * schedule any more: a replay of the schedule must give the same state).
   */
  scheduled(q: ScheduleQuery): { records: MessageRecord[]; hasNextPage: boolean } {
    const undone = this.undone;
    const records: MessageRecord[] = [];
    for (const rec of this.source.records(1)) {
      if (rec.kind !== 'message' || undone.has(rec.seq)) continue;
      const ts = timeOf(rec);
      if (q.from !== undefined && ts < q.from) continue;
      if (q.to !== undefined && ts > q.to) continue;
      if (records.length === q.limit) return { records, hasNextPage: true };
      records.push(rec);
    }
    return { records, hasNextPage: false };
  }

  /**
   * The state the process set with patch@1.0 (patch-state.ts's rule), later
   * values winning, undone messages left out; after the message at
   * `throughSeq` when given (state at a slot), else after the newest.
   */
  patchedState(throughSeq?: number): Record<string, unknown> {
    this.sync();
    const full = throughSeq === undefined || throughSeq >= this.through;
    if (full && this.patchState) return this.patchState;
    // A slot older than the records kept whole: from the log.
    if (!full && throughSeq! < this.foldedThrough) return this.patchedFromLog(throughSeq!);
    this.patchBase ??= { through: this.foldedThrough, state: this.patchedFromLog(this.foldedThrough) };
    let state = this.patchBase.state;
    for (const p of this.patchRecords) {
      if (!full && p.seq > throughSeq!) break;
      if (!this.undoneSeqs.has(p.seq)) state = applyPatchMessages(state, p.patches);
    }
    if (full) this.patchState = state;
    return state;
  }

  /** The value a process set with patch@1.0 under `path` (nested keys walk into tables). */
  patched(path: string[]): { found: boolean; value?: unknown } {
    const [head, ...rest] = path;
    const state = this.patchedState();
    if (head === undefined) return { found: true, value: state };
    if (!(head in state)) return { found: false };
    let value: unknown = state[head];
    for (const key of rest) {
      if (value === null || typeof value !== 'object' || !(key in (value as Record<string, unknown>))) return { found: false };
      value = (value as Record<string, unknown>)[key];
    }
    return { found: true, value };
  }
}

function timeOf(rec: MessageRecord): number {
  return Number(rec.msg.Timestamp ?? 0);
}

