// A read-only view of a process's message log, for a program that does not
// hold the process (another aos-ts has it open and keeps appending). Takes no
// lock and writes nothing: it reads the segment files as they are, and a
// record still being written at the end (incomplete or failing its checksum)
// is simply not there yet. Framing as message-log.ts writes it:
//   [u32 LE payload length][u32 LE crc32(payload)][payload: JSON, starting {"seq":N,...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { LogRecord } from './message-log.js';

const HEADER = 8;
const SEGMENT = /^(\d{12})\.seg$/;

/** Byte length of the complete, checksummed frame at `pos`, or 0 when there is none. */
function frameAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < HEADER) return 0;
  const len = buf.readUInt32LE(pos);
  if (len === 0 || len > buf.length - pos - HEADER) return 0;
  if (crc32(buf.subarray(pos + HEADER, pos + HEADER + len)) !== buf.readUInt32LE(pos + 4)) return 0;
  return HEADER + len;
}

export class LogReader {
  private last = 0;

  constructor(readonly dir: string) {
    this.refresh();
  }

  /** The newest complete record's seq, as of the last refresh(). */
  get lastSeq(): number {
    return this.last;
  }

  /** Look again for records appended since. */
  refresh(): number {
    const segs = this.segments();
    this.last = 0;
    for (let i = segs.length - 1; i >= 0; i--) {
      const first = segs[i]!;
      const buf = this.readSegment(first);
      let count = 0;
      for (let pos = 0, n = frameAt(buf, pos); n > 0; pos += n, n = frameAt(buf, pos)) count++;
      if (count > 0) {
        this.last = first + count - 1;
        break;
      }
    }
    return this.last;
  }

  /** Records with seq >= fromSeq up to lastSeq, in order. */
  *read(fromSeq = 1): Generator<LogRecord> {
    const segs = this.segments();
    let i = segs.length - 1;
    while (i > 0 && segs[i]! > fromSeq) i--;
    for (; i < segs.length; i++) {
      const first = segs[i]!;
      const buf = this.readSegment(first);
      let seq = first;
      let pos = 0;
      for (let n = frameAt(buf, pos); n > 0; pos += n, n = frameAt(buf, pos), seq++) {
        if (seq > this.last) return;
        if (seq < fromSeq) continue;
        yield JSON.parse(buf.toString('utf8', pos + HEADER, pos + n)) as LogRecord;
      }
      const next = segs[i + 1];
      if (next !== undefined && next !== seq) {
        throw new Error(`${join(this.dir, segs[i]!.toString().padStart(12, '0'))}.seg is damaged: it ends at seq ${seq - 1} but the next segment starts at seq ${next}`);
      }
    }
  }

  private segments(): number[] {
    try {
      return readdirSync(this.dir)
        .map((n) => SEGMENT.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    } catch {
      return [];
    }
  }

  private readSegment(first: number): Buffer {
    try {
      return readFileSync(join(this.dir, `${String(first).padStart(12, '0')}.seg`));
    } catch {
      return Buffer.alloc(0);
    }
  }
}
