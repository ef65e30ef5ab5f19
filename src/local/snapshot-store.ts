// Checksummed, atomically written snapshots of engine state, so reopening a
// process replays only the log tail after the newest good snapshot.
//
// File <dir>/<seq, 12 digits>.snap:
//   magic "AOSTSNAP" | u32 version | u32 meta length | u64 seq | u64 data length
//   | meta JSON utf8 | data | sha256 of everything before it (32 bytes)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from './fsync.js';

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
    fs.mkdirSync(dir, { recursive: true });
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
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      for (const part of [head, metaBuf, data, sum]) writeAll(fd, part);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, `${label(seq)}.snap`));
    fsyncDir(this.dir);
    this.prune();
  }

  /** The newest snapshot that verifies; damaged ones are skipped (never deleted) and reported. */
  latest(): Snapshot | NoSnapshot {
    const bad: string[] = [];
    for (const seq of this.seqs().reverse()) {
      const file = path.join(this.dir, `${label(seq)}.snap`);
      const got = readSnapshot(file, seq);
      if (typeof got === 'string') {
        bad.push(`snapshot ${label(seq)} is damaged (${got})`);
        continue;
      }
      const notices = bad.map((b) => `${b}; using the one at ${label(seq)}`);
      return { seq, data: got.data, meta: got.meta, notices };
    }
    const notices = bad.map((b) => `${b}; no older snapshot is usable, so the state will be rebuilt by replaying the whole log`);
    return { seq: 0, notices };
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
    for (const seq of seqs.slice(0, Math.max(0, seqs.length - this.keep))) {
      fs.rmSync(path.join(this.dir, `${label(seq)}.snap`), { force: true });
    }
    // Temp files of writers that died mid-write are useless; those of live writers are left alone.
    for (const n of fs.readdirSync(this.dir)) {
      const m = TEMP.exec(n);
      if (m && !pidAlive(Number(m[2]))) fs.rmSync(path.join(this.dir, n), { force: true });
    }
  }
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

function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.byteLength) done += fs.writeSync(fd, data, done, data.byteLength - done);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

