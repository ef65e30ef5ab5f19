// Checksummed, atomically written snapshots of engine state, so reopening a
// process replays only the log tail after the newest good snapshot.
//
// File <dir>/<seq, 12 digits>.snap:
//   magic "AOSTSNAP" | u32 version | u32 meta length | u64 seq | u64 data length
//   | meta JSON utf8 | data | sha256 of everything before it (32 bytes)
import { StoreError } from './store-error.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDir, fsyncDir, storeIo, writeFailure, writeFully } from './fsync.js';

export interface Snapshot {
  seq: number;
  data: Uint8Array;
  meta: Record<string, unknown>;
  notices: string[];
}
/** No usable snapshot: replay from seq 1. Narrow with `'data' in snap`. */
export interface NoSnapshot {
  seq: 0;
  notices: string[];
}

const MAGIC = Buffer.from('AOSTSNAP');
const VERSION = 1;
const HEAD = MAGIC.length + 4 + 4 + 8 + 8;
const SUM = 32;
const NAME = /^(\d{12})\.snap$/;
// Temp files carry the writer's pid so a later writer can tell a crash leftover from a write in progress.
const TEMP = /^\.(\d{12})\.snap\.(\d+)\.tmp$/;

const label = (seq: number) => String(seq).padStart(12, '0');

export class SnapshotStore {
  readonly dir: string;
  private readonly keep: number;

  constructor(dir: string, opts: { keep?: number } = {}) {
    this.dir = dir;
    this.keep = Math.max(1, opts.keep ?? 3);
    ensureDir(dir);
  }

  /** Atomically store the state as of `seq`; prunes all but the newest `keep`. */
  write(seq: number, data: Uint8Array, meta: Record<string, unknown>): void {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`snapshot seq must be a positive integer, got ${seq}`);
    const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
    const head = Buffer.alloc(HEAD);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(VERSION, 8);
    head.writeUInt32LE(metaBuf.length, 12);
    head.writeBigUInt64LE(BigInt(seq), 16);
    head.writeBigUInt64LE(BigInt(data.byteLength), 24);
    const sum = crypto.createHash('sha256').update(head).update(metaBuf).update(data).digest();

    const tmp = path.join(this.dir, `.${label(seq)}.snap.${process.pid}.tmp`);
    const file = path.join(this.dir, `${label(seq)}.snap`);
    try {
      const fd = fs.openSync(tmp, 'w', 0o644);
      try {
        for (const part of [head, metaBuf, data, sum]) writeFully(fd, part);
        storeIo.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
      fsyncDir(this.dir);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      // The log is the record; a snapshot only makes opening faster.
      throw writeFailure(err, file, 'nothing acknowledged was lost (a snapshot only makes opening faster)');
    }
    this.prune();
  }

  /** The newest snapshot that verifies; damaged ones are skipped (never deleted) and reported. */
  latest(): Snapshot | NoSnapshot {
    return this.choose(undefined);
  }

  /**
   * The newest snapshot that verifies and agrees with `log`: one past the
   * log's end, or made from a record the log no longer holds, was made from a
   * history this log is not, so it is refused and moved aside (kept, never
   * deleted) and an older one, or the whole log, is used. `accept` can skip
   * snapshots for the caller's own reasons (silently).
   */
  forLog(log: LogView, accept: (seq: number) => boolean = () => true): Snapshot | NoSnapshot {
    return this.choose(log, accept);
  }

  private choose(log: LogView | undefined, accept: (seq: number) => boolean = () => true): Snapshot | NoSnapshot {
    const notices: string[] = [];
    const seqs = this.seqs().reverse();
    if (log && log.lastSeq === 0 && seqs.length > 0) {
      const file = path.join(this.dir, `${label(seqs[0]!)}.snap`);
      throw new StoreStateError(
        `the message log ${log.dir} is empty, but ${file} holds this process's state up to message ${seqs[0]}: its history is missing. ` +
          `Restore ${log.dir} from a backup, or move the process folder ${path.dirname(log.dir)} aside to drop the process.`,
        [log.dir, file],
      );
    }
    for (const seq of seqs) {
      const file = path.join(this.dir, `${label(seq)}.snap`);
      const got = readSnapshot(file, seq);
      if (typeof got === 'string') {
        notices.push(`snapshot ${file} is damaged (${got}); it was skipped and left in place`);
        continue;
      }
      if (log) {
        const why = disagreement(log, seq, got.meta);
        if (why) {
          const aside = this.setAside(file);
          notices.push(
            `snapshot ${file} was not used: ${why}. It was moved to ${aside} (kept for you); ` +
              `the state comes from the log ${log.dir} instead.`,
          );
          continue;
        }
        if (!accept(seq)) continue;
      }
      return { seq, data: got.data, meta: got.meta, notices };
    }
    if (notices.length > 0) notices.push('no snapshot is usable, so the state is rebuilt by replaying the whole log');
    return { seq: 0, notices };
  }

  /** Move a snapshot out of the way without deleting it; returns where it went. */
  private setAside(file: string): string {
    let aside = `${file}.unused`;
    for (let i = 2; fs.existsSync(aside); i++) aside = `${file}.unused-${i}`;
    fs.renameSync(file, aside);
    fsyncDir(this.dir);
    return aside;
  }

  private seqs(): number[] {
    return fs
      .readdirSync(this.dir)
      .map((n) => NAME.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private prune(): void {
    const seqs = this.seqs();
    // Best effort: the new snapshot is already safe, and whatever cannot be
    // removed now (a folder with a snapshot's name?) is tried again next time.
    const remove = (file: string) => {
      try {
        fs.rmSync(file, { force: true });
      } catch {
        // Left in place.
      }
    };
    for (const seq of seqs.slice(0, Math.max(0, seqs.length - this.keep))) remove(path.join(this.dir, `${label(seq)}.snap`));
    // Temp files of writers that died mid-write are useless; those of live writers are left alone.
    for (const n of fs.readdirSync(this.dir)) {
      const m = TEMP.exec(n);
      if (m && !pidAlive(Number(m[2]))) remove(path.join(this.dir, n));
    }
  }
}

/** What a snapshot needs to know about the log it is checked against. */
export interface LogView {
  readonly dir: string;
  readonly lastSeq: number;
  checksumOf(seq: number): number | undefined;
}

/** The log and the snapshots disagree and no state is consistent with both. */
export class StoreStateError extends StoreError {
  override readonly name = 'StoreStateError';
  readonly files: string[];
  constructor(message: string, files: string[]) {
    super(message, files[0] ?? '');
    this.files = files;
  }
}

/** The meta field where a snapshot keeps the checksum of the last record it covers. */
export const LOG_CHECKSUM = 'logChecksum';

function disagreement(log: LogView, seq: number, meta: Record<string, unknown>): string | undefined {
  if (seq > log.lastSeq) return `it covers messages up to seq ${seq}, but the log ends at seq ${log.lastSeq} (the log lost its tail)`;
  const want = meta[LOG_CHECKSUM];
  if (typeof want === 'number' && log.checksumOf(seq) !== want) {
    return `it was made from a different record ${seq} than the log holds now (the log was cut short and written again)`;
  }
  return undefined;
}

/** The snapshot's contents, or a short reason why it cannot be used. */
function readSnapshot(file: string, seq: number): { data: Uint8Array; meta: Record<string, unknown> } | string {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    return `cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a snapshot file';
  if (buf.length < HEAD + SUM) return 'truncated or wrong length';
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) return `format version ${version}, written by a different aos-ts`;
  const metaLen = buf.readUInt32LE(12);
  const dataLen = buf.readBigUInt64LE(24);
  if (BigInt(HEAD + metaLen + SUM) + dataLen !== BigInt(buf.length)) return 'truncated or wrong length';
  const body = buf.subarray(0, buf.length - SUM);
  if (!crypto.createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - SUM))) return 'checksum mismatch';
  if (buf.readBigUInt64LE(16) !== BigInt(seq)) return 'its header names a different seq than its file name';
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(buf.toString('utf8', HEAD, HEAD + metaLen)) as Record<string, unknown>;
  } catch {
    return 'unreadable metadata';
  }
  // Copy so the caller's data does not pin the whole file buffer.
  return { meta, data: new Uint8Array(buf.subarray(HEAD + metaLen, buf.length - SUM)) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

