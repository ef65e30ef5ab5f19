// Append-only, segmented, checksummed message log for one local process.
//
// Layout: <dir>/<first seq, 12 digits>.seg. Each record is framed as
//   [u32 LE payload length][u32 LE crc32(payload)][payload: JSON utf8, starting {"seq":N,...]
// Only the last segment is ever written to; earlier ones are immutable, so
// opening reads just the last segment (to learn lastSeq and drop a torn tail)
// no matter how long the history is.
import { StoreError } from './store-error.js';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ensureDir, fsyncDir, keepAside, storeIo, writeFailure, writeFully } from './fsync.js';

export interface LogRecord {
  seq: number;
  [key: string]: unknown;
}

export interface MessageLogOptions {
  /** Start a new segment after this many records (default 1024; open reads one segment, so smaller opens faster). */
  segmentRecords?: number;
  /** ...or once the segment reaches this many bytes (default 4 MiB). */
  segmentBytes?: number;
}

/** Damage that is not a crash tail: the log refuses to guess, the user decides. */
export class LogCorruptError extends StoreError {
  override readonly name = 'LogCorruptError';
  readonly offset: number;
  constructor(file: string, offset: number, what: string, advice: string) {
    super(`${file} is damaged at byte ${offset}: ${what}.\n${advice}`, file);
    this.offset = offset;
  }
}

const HEADER = 8;
const SEQ_DIGITS = 12;
// Unflushed appends are batched in memory and written in one syscall; past
// this size they are written early (still without fsync) to bound memory.
const PENDING_LIMIT = 1 << 20;
const SEQ_PREFIX = Buffer.from('{"seq":');

const segName = (first: number) => `${String(first).padStart(SEQ_DIGITS, '0')}.seg`;

/** Why the frame at `pos` is not a valid record, or undefined when it is. */
function frameProblem(buf: Buffer, pos: number, expectSeq?: number): string | undefined {
  if (buf.length - pos < HEADER) return 'incomplete record header';
  const len = buf.readUInt32LE(pos);
  if (len === 0) return 'zero-length record';
  if (len > buf.length - pos - HEADER) return 'record runs past the end of the file';
  const body = buf.subarray(pos + HEADER, pos + HEADER + len);
  if (crc32(body) !== buf.readUInt32LE(pos + 4)) return 'checksum mismatch';
  const seq = leadingSeq(body);
  if (seq === undefined) return 'record has a valid checksum but no seq';
  if (expectSeq !== undefined && seq !== expectSeq) return `expected seq ${expectSeq} but found seq ${seq}`;
  return undefined;
}

// The log writes seq as the first key, so recovery can check sequence
// continuity without JSON-parsing every record.
function leadingSeq(body: Buffer): number | undefined {
  if (!body.subarray(0, SEQ_PREFIX.length).equals(SEQ_PREFIX)) return undefined;
  let n = 0;
  let i = SEQ_PREFIX.length;
  for (; i < body.length && body[i]! >= 0x30 && body[i]! <= 0x39; i++) n = n * 10 + (body[i]! - 0x30);
  return i === SEQ_PREFIX.length ? undefined : n;
}

interface Scan {
  offsets: number[]; // start of each valid record
  end: number; // byte just past the last valid record
  bad?: { offset: number; problem: string };
}

function scan(buf: Buffer, firstSeq: number): Scan {
  const offsets: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const problem = frameProblem(buf, pos, firstSeq + offsets.length);
    if (problem) return { offsets, end: pos, bad: { offset: pos, problem } };
    offsets.push(pos);
    pos += HEADER + buf.readUInt32LE(pos);
  }
  return { offsets, end: pos };
}

/**
 * A tail that a crash can leave: a record cut short (its header or body runs
 * past the end of the file), or zeros a file system left after a power loss.
 * A whole record with a wrong checksum is damage instead.
 */
function isTorn(buf: Buffer, offset: number): boolean {
  if (buf.length - offset < HEADER) return true;
  const len = buf.readUInt32LE(offset);
  if (len > buf.length - offset - HEADER) {
    // Unless the rest is one whole record whose length field alone was damaged.
    return buf.length - offset === HEADER || crc32(buf.subarray(offset + HEADER)) !== buf.readUInt32LE(offset + 4);
  }
  for (let i = offset; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}


/** Is there any well-formed record after `from`? Then the damage is not a torn tail. */
function validFrameAfter(buf: Buffer, from: number): boolean {
  for (let p = from + 1; p + HEADER < buf.length; p++) {
    if (buf[p + HEADER] === 0x7b && frameProblem(buf, p) === undefined) return true;
  }
  return false;
}


export class MessageLog {
  readonly dir: string;
  /** Things recovery did on open that the user should hear about. */
  readonly notices: string[] = [];
  private readonly segmentRecords: number;
  private readonly segmentBytes: number;
  private segments: number[]; // first seq of every segment, ascending; last one is active
  private fd: number;
  private size = 0; // bytes of the active segment already handed to the OS
  private offsets: number[] = []; // record offsets in the active segment (incl. pending)
  private last = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dirty = false; // written but not fsynced
  private broken: Error | undefined;
  private closed = false;
  // fsyncs running on libuv's thread pool (flushAsync), by file descriptor:
  // a descriptor is only closed once none of them still uses it, so a
  // number reused by another open can never be synced in its place.
  private syncsOnFd = new Map<number, number>();
  private closeWhenSynced = new Set<number>();
  // The newest flushAsync: a later one only counts once every earlier one succeeded.
  private lastAsyncSync: Promise<void> = Promise.resolve();

  static open(dir: string, opts: MessageLogOptions = {}): MessageLog {
    return new MessageLog(dir, opts);
  }

  /**
   * The newest complete record of a log folder, read without opening it (no
   * lock, no repair): for listings while another program may be writing.
   * Reads only the last segment (the one before when the last is still
   * empty); a record being written right now is simply not counted yet.
   * `record` is undefined when that record cannot be parsed; `modifiedMs` is
   * the segment file's time.
   */
  static peekLast(dir: string): { seq: number; record?: LogRecord; modifiedMs?: number } {
    let segments: number[];
    try {
      segments = fs
        .readdirSync(dir)
        .map((n) => /^(\d{12})\.seg$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a);
    } catch {
      return { seq: 0 };
    }
    for (const first of segments) {
      const file = path.join(dir, segName(first));
      let buf: Buffer;
      try {
        buf = fs.readFileSync(file);
      } catch {
        continue;
      }
      let body: Buffer | undefined;
      let count = 0;
      for (let pos = 0; frameProblem(buf, pos) === undefined; pos += HEADER + buf.readUInt32LE(pos)) {
        body = buf.subarray(pos + HEADER, pos + HEADER + buf.readUInt32LE(pos));
        count++;
      }
      if (!body) continue;
      let record: LogRecord | undefined;
      try {
        record = JSON.parse(body.toString('utf8')) as LogRecord;
      } catch {
        record = undefined;
      }
      const seq = typeof record?.seq === 'number' ? record.seq : first + count - 1;
      let modifiedMs: number | undefined;
      try {
        modifiedMs = fs.statSync(file).mtimeMs;
      } catch {
        modifiedMs = undefined;
      }
      return { seq, record, modifiedMs };
    }
    return { seq: 0 };
  }

  private constructor(dir: string, opts: MessageLogOptions) {
    this.dir = dir;
    this.segmentRecords = Math.max(1, opts.segmentRecords ?? 1024);
    this.segmentBytes = Math.max(1, opts.segmentBytes ?? 4 << 20);
    ensureDir(dir);
    this.segments = fs
      .readdirSync(dir)
      .filter((n) => /^\d{12}\.seg$/.test(n))
      .map((n) => Number(n.slice(0, SEQ_DIGITS)))
      .sort((a, b) => a - b);
    if (this.segments.length === 0) {
      this.segments.push(1);
      this.fd = fs.openSync(this.file(1), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
      fsyncDir(dir);
      return;
    }
    const first = this.segments[this.segments.length - 1]!;
    try {
      this.fd = fs.openSync(this.file(first), fs.constants.O_RDWR);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new LogCorruptError(this.file(first), 0, `it cannot be opened (${code})`, 'Fix its permissions, or move it aside (with every later .seg file).');
    }
    try {
      this.recoverActive(first);
    } catch (err) {
      fs.closeSync(this.fd);
      throw err;
    }
  }

  get lastSeq(): number {
    return this.last;
  }

  /** The write error that stopped this log, if one did (it must be reopened). */
  get writeError(): Error | undefined {
    return this.broken;
  }

  /** Queue a record; returns its seq. Not durable until flush(). */
  append(payload: Record<string, unknown>): number {
    this.usable();
    const full = this.offsets.length >= this.segmentRecords || this.size + this.pendingBytes >= this.segmentBytes;
    if (full && this.offsets.length > 0) this.roll();
    const seq = this.last + 1;
    // seq goes first so recovery can read it without parsing; the log owns
    // seq, so a caller-supplied one is dropped rather than trusted.
    const { seq: _dropped, ...rest } = payload;
    const json = JSON.stringify(rest);
    const body = Buffer.from(json === '{}' ? `{"seq":${seq}}` : `{"seq":${seq},${json.slice(1)}`, 'utf8');
    const frame = Buffer.allocUnsafe(HEADER + body.length);
    frame.writeUInt32LE(body.length, 0);
    frame.writeUInt32LE(crc32(body), 4);
    body.copy(frame, HEADER);
    this.offsets.push(this.size + this.pendingBytes);
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.last = seq;
    if (this.pendingBytes >= PENDING_LIMIT) this.writePending();
    return seq;
  }

  /** Make every appended record durable (one fsync for the whole batch). */
  flush(): void {
    this.usable();
    this.writePending();
    if (!this.dirty) return;
    this.guard(() => storeIo.fdatasyncSync(this.fd), this.activeFile());
    this.dirty = false;
  }

  /**
   * flush() with the fsync on libuv's thread pool, so the program can go on
   * (and append more) meanwhile; several logs' fsyncs then also overlap.
   * Resolves once every record appended before the call is durable, and
   * this log's earlier flushAsync calls all succeeded; rejects (and stops
   * the log, as flush does) when an fsync fails.
   */
  flushAsync(): Promise<void> {
    this.usable();
    this.writePending();
    const before = this.lastAsyncSync;
    if (!this.dirty) return before;
    this.dirty = false;
    const fd = this.fd;
    const file = this.activeFile();
    this.syncsOnFd.set(fd, (this.syncsOnFd.get(fd) ?? 0) + 1);
    const synced = new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.releaseSync(fd);
        if (err) reject(err);
        else resolve();
      });
    });
    const done = synced.then(
      async () => {
        await before;
        if (this.broken) throw this.broken;
      },
      (err: unknown) => {
        this.broken ??= writeFailure(err, file);
        throw this.broken;
      },
    );
    // Only awaited by callers; a failure is kept in `broken` for everyone else.
    done.catch(() => undefined);
    this.lastAsyncSync = done;
    return done;
  }

  /** Whether a flushAsync fsync is still running. */
  get syncing(): boolean {
    return this.syncsOnFd.size > 0;
  }

  private releaseSync(fd: number): void {
    const left = (this.syncsOnFd.get(fd) ?? 1) - 1;
    if (left > 0) {
      this.syncsOnFd.set(fd, left);
      return;
    }
    this.syncsOnFd.delete(fd);
    if (this.closeWhenSynced.delete(fd)) {
      try {
        fs.closeSync(fd);
      } catch {
        // Nothing left to release.
      }
    }
  }

  /** Close a descriptor now, or once the fsyncs still running on it end. */
  private closeFd(fd: number): void {
    if (this.syncsOnFd.has(fd)) this.closeWhenSynced.add(fd);
    else fs.closeSync(fd);
  }

  /** Records with seq >= fromSeq (and <= toSeq when given), in order. Only segments that can hold them are opened. */
  read(fromSeq = 1, toSeq?: number): Iterable<LogRecord> {
    this.usable();
    this.writePending();
    return this.iterate(Math.max(1, fromSeq), toSeq === undefined ? this.last : Math.min(toSeq, this.last));
  }

  get(seq: number): LogRecord | undefined {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.last) return undefined;
    for (const rec of this.read(seq)) return rec;
    return undefined;
  }

  /**
   * The checksum stored with record `seq` (undefined when there is none): a
   * snapshot keeps it to prove later that the log it covers is still this one.
   */
  checksumOf(seq: number): number | undefined {
    this.usable();
    if (!Number.isInteger(seq) || seq < 1 || seq > this.last) return undefined;
    this.writePending();
    const idx = this.segmentIndexFor(seq);
    const first = this.segments[idx]!;
    if (idx === this.segments.length - 1) {
      const head = Buffer.alloc(HEADER);
      fs.readSync(this.fd, head, 0, HEADER, this.offsets[seq - first]!);
      return head.readUInt32LE(4);
    }
    const file = this.file(first);
    const buf = readSegment(file);
    const s = scan(buf, first);
    const off = s.offsets[seq - first];
    return off === undefined ? undefined : buf.readUInt32LE(off + 4);
  }

  /**
   * The first record of the log in `dir`, read without opening (or changing)
   * the log: what a process folder whose process.json is lost was.
   */
  static peekFirst(dir: string): LogRecord | undefined {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path.join(dir, segName(1)));
    } catch {
      return undefined;
    }
    if (frameProblem(buf, 0, 1) !== undefined) return undefined;
    try {
      return JSON.parse(buf.toString('utf8', HEADER, HEADER + buf.readUInt32LE(0))) as LogRecord;
    } catch {
      return undefined;
    }
  }

  /** Durably drop every record after `seq`. */
  truncateAfter(seq: number): void {
    this.usable();
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`truncateAfter(${seq}): seq must be an integer >= 0`);
    if (seq >= this.last) return;
    this.writePending();
    const keepIdx = this.segmentIndexFor(seq + 1);
    const keepFirst = this.segments[keepIdx]!;
    const cut = seq + 1 - keepFirst; // records to keep in that segment
    let offsets = this.offsets;
    let end = this.size;
    if (keepIdx !== this.segments.length - 1) {
      // Check the segment that becomes active before deleting anything.
      const file = this.file(keepFirst);
      const s = scan(readSegment(file), keepFirst);
      if (s.bad) throw new LogCorruptError(file, s.bad.offset, s.bad.problem, MOVE_ASIDE);
      offsets = s.offsets;
      end = s.end;
    }
    const at = cut < offsets.length ? offsets[cut]! : end;
    this.guard(() => {
      this.closeFd(this.fd);
      // Newest first: a crash part-way leaves a shorter log that is still valid.
      for (let i = this.segments.length - 1; i > keepIdx; i--) fs.unlinkSync(this.file(this.segments[i]!));
      this.fd = fs.openSync(this.file(keepFirst), fs.constants.O_RDWR);
      fs.ftruncateSync(this.fd, at);
      fs.fsyncSync(this.fd);
      fsyncDir(this.dir);
    });
    this.segments.length = keepIdx + 1;
    this.sealedOffsets.clear();
    this.offsets = offsets.slice(0, cut);
    this.size = at;
    this.last = seq;
    this.dirty = false;
  }

  /** Flushes, then releases the file. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.broken) this.flush();
    } finally {
      this.closed = true;
      try {
        this.closeFd(this.fd);
      } catch {
        // Already closed by a failed truncateAfter; nothing left to release.
      }
    }
  }

  private file(first: number): string {
    return path.join(this.dir, segName(first));
  }

  private segmentIndexFor(seq: number): number {
    let i = this.segments.length - 1;
    while (i > 0 && this.segments[i]! > seq) i--;
    return i;
  }

  private recoverActive(first: number): void {
    const file = this.file(first);
    const buf = fs.readFileSync(file);
    const s = scan(buf, first);
    if (s.bad) {
      const { offset, problem } = s.bad;
      // A checksum-valid record out of sequence is never a crash artefact.
      if (problem.startsWith('expected seq') || problem.endsWith('no seq') || validFrameAfter(buf, offset)) {
        throw new LogCorruptError(file, offset, `${problem}, and records that look valid follow it`, MOVE_ASIDE);
      }
      const seq = first + s.offsets.length;
      const bytes = buf.length - offset;
      if (isTorn(buf, offset)) {
        // The record never reached the disk whole, so its fsync never returned
        // and nobody was told its result.
        this.truncateTail(offset);
        this.notices.push(
          `${file}: dropped an incomplete record at its end (seq ${seq}, ${bytes} bytes at byte ${offset}: ${problem}). ` +
            'It was being written when aos-ts stopped, so its result was never shown.',
        );
      } else {
        // A whole record that fails its checksum: damage, not a crash. It may
        // have been acknowledged, so its bytes are kept beside the log.
        const aside = `${file}.damaged-${offset}`;
        keepAside(aside, buf.subarray(offset), 'nothing was changed; the damaged bytes are still where they were');
        this.truncateTail(offset);
        this.notices.push(
          `${file}: the last record (seq ${seq}, ${bytes} bytes at byte ${offset}) is damaged (${problem}) and was moved to ${aside}. ` +
            'It may have been acknowledged: the process continues from seq ' +
            `${seq - 1}, and that file holds the damaged bytes.`,
        );
      }
    }
    this.offsets = s.offsets;
    this.size = s.end;
    this.last = first + s.offsets.length - 1;
  }

  private truncateTail(offset: number): void {
    const file = this.activeFile();
    try {
      fs.ftruncateSync(this.fd, offset);
      storeIo.fsyncSync(this.fd);
    } catch (err) {
      throw writeFailure(err, file, 'nothing was changed');
    }
  }

  private roll(): void {
    // Seal the full segment durably before the next one exists, so only the
    // last segment can ever have a torn tail.
    this.flush();
    const first = this.last + 1;
    const file = this.file(first);
    this.guard(() => {
      this.closeFd(this.fd);
      this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    }, file);
    if (fs.fstatSync(this.fd).size !== 0) {
      // Never overwrite history we did not expect to exist.
      this.broken = new Error(`${file} already exists and is not empty; move it aside and reopen the process`);
      throw this.broken;
    }
    this.guard(() => fsyncDir(this.dir), file);
    this.segments.push(first);
    this.offsets = [];
    this.size = 0;
  }

  private writePending(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.guard(() => {
      try {
        writeFully(this.fd, data, this.size);
      } catch (err) {
        // Take back whatever part of the batch reached the file, so the log on
        // disk ends at its last whole record; none of the batch was acknowledged.
        try {
          fs.ftruncateSync(this.fd, this.size);
        } catch {
          // Reopening drops a torn tail anyway.
        }
        throw err;
      }
    }, this.activeFile());
    this.size += data.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.dirty = true;
  }

  private activeFile(): string {
    return this.file(this.segments[this.segments.length - 1]!);
  }

  /** Record offsets of the sealed segments read last (they never change until a truncate), by first seq. */
  private readonly sealedOffsets = new Map<number, { offsets: number[]; end: number }>();

  private rememberSealed(first: number, at: { offsets: number[]; end: number }): void {
    this.sealedOffsets.delete(first);
    this.sealedOffsets.set(first, at);
    if (this.sealedOffsets.size > SEALED_OFFSETS_KEPT) this.sealedOffsets.delete(this.sealedOffsets.keys().next().value as number);
  }

  private *iterate(fromSeq: number, end: number): Generator<LogRecord> {
    if (fromSeq > end) return;
    const segs = this.segments.slice();
    for (let i = this.segmentIndexFor(fromSeq); i < segs.length; i++) {
      const first = segs[i]!;
      const next = segs[i + 1];
      const file = this.file(first);
      let buf: Buffer;
      let offsets: number[];
      let skip = Math.max(0, fromSeq - first);
      if (next === undefined && first === this.segments[this.segments.length - 1]) {
        // Active segment: offsets are known, so read only from the wanted record on.
        if (skip >= this.offsets.length) return;
        const start = this.offsets[skip]!;
        // Only as far as the record at `end` (a read of one record reads one record).
        const stop = Math.min(this.offsets.length, Math.max(skip + 1, end - first + 1));
        const endByte = stop < this.offsets.length ? Math.min(this.offsets[stop]!, this.size) : this.size;
        buf = Buffer.allocUnsafe(endByte - start);
        fs.readSync(this.fd, buf, 0, buf.length, start);
        // Records appended after read() was called may still be pending; they are past `end` anyway.
        offsets = this.offsets.slice(skip, stop).filter((o) => o < endByte).map((o) => o - start);
        skip = 0;
      } else if (next !== undefined && end < next && this.sealedOffsets.has(first)) {
        // A bounded read inside a sealed segment checked before: only the wanted records' bytes
        // (each frame's checksum is still checked below).
        const all = this.sealedOffsets.get(first)!;
        const stop = Math.min(all.offsets.length, Math.max(skip + 1, end - first + 1));
        const start = all.offsets[skip]!;
        const endByte = stop < all.offsets.length ? all.offsets[stop]! : all.end;
        buf = Buffer.allocUnsafe(endByte - start);
        const fd = fs.openSync(file, 'r');
        try {
          fs.readSync(fd, buf, 0, buf.length, start);
        } finally {
          fs.closeSync(fd);
        }
        offsets = all.offsets.slice(skip, stop).map((o) => o - start);
        skip = 0;
      } else {
        buf = readSegment(file);
        const s = scan(buf, first);
        if (s.bad) throw new LogCorruptError(file, s.bad.offset, s.bad.problem, MOVE_ASIDE);
        if (next !== undefined && first + s.offsets.length !== next) {
          throw new LogCorruptError(
            file,
            s.end,
            `it ends at seq ${first + s.offsets.length - 1} but the next segment starts at seq ${next}`,
            MOVE_ASIDE,
          );
        }
        offsets = s.offsets;
        if (next !== undefined) this.rememberSealed(first, { offsets: s.offsets, end: s.end });
      }
      for (let k = skip; k < offsets.length; k++) {
        const off = offsets[k]!;
        const problem = frameProblem(buf, off);
        if (problem) throw new LogCorruptError(file, off, problem, MOVE_ASIDE);
        const len = buf.readUInt32LE(off);
        const rec = JSON.parse(buf.toString('utf8', off + HEADER, off + HEADER + len)) as LogRecord;
        if (rec.seq > end) return;
        yield rec;
      }
    }
  }

  private usable(): void {
    if (this.closed) throw new Error(`the message log in ${this.dir} is closed; open it again to use it`);
    if (this.broken) {
      throw new Error(
        `the message log in ${this.dir} stopped after a write error: ${this.broken.message}\n` +
          'Close the process and open it again (messages whose results were shown are kept).',
      );
    }
  }

  private guard(io: () => void, file = this.dir): void {
    try {
      io();
    } catch (err) {
      // After a failed write or fsync the on-disk state is unknown; refuse to
      // carry on and let reopen-recovery decide what survived.
      this.broken = writeFailure(err, file);
      throw this.broken;
    }
  }
}

/** How many sealed segments' record offsets a log keeps (a few KB each) for reads of single records. */
const SEALED_OFFSETS_KEPT = 16;

const MOVE_ASIDE =
  'This is not a crash leftover, so nothing was deleted. To open the process without its damaged history, ' +
  'move this file and every later .seg file out of the log folder (or restore them from a backup).';

function readSegment(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LogCorruptError(file, 0, 'the segment file is missing', MOVE_ASIDE);
    }
    throw err;
  }
}
