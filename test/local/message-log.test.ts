import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCorruptError, MessageLog } from '../../src/local/message-log.js';
import { tempDir } from './helpers.js';
import { StoreWriteError } from '../../src/local/fsync.js';
import { failWritesAfter, fillDisk, tinyDisk } from './disk.js';

const dirs: string[] = [];
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const segs = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();
const seqsOf = (log: MessageLog, from?: number) => [...log.read(from)].map((r) => r.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function fill(dir: string, n: number, segmentRecords = 1000): void {
  const log = MessageLog.open(dir, { segmentRecords });
  for (let i = 1; i <= n; i++) log.append({ i, text: `message ${i}` });
  log.close();
}

/** Byte offset where each record of a segment file starts. */
function recordOffsets(file: string): number[] {
  const buf = fs.readFileSync(file);
  const out: number[] = [];
  for (let p = 0; p < buf.length; p += 8 + buf.readUInt32LE(p)) out.push(p);
  return out;
}

function flipByte(file: string, at: number): void {
  const buf = fs.readFileSync(file);
  buf[at] = buf[at]! ^ 0x55;
  fs.writeFileSync(file, buf);
}

describe('MessageLog basics', () => {
  it('starts empty, assigns contiguous seqs and reads back payloads', () => {
    const dir = newDir();
    const log = MessageLog.open(dir);
    expect(log.lastSeq).toBe(0);
    expect(seqsOf(log)).toEqual([]);
    expect(log.append({ a: 1 })).toBe(1);
    expect(log.append({ b: 'two', nested: { x: [1, 2] } })).toBe(2);
    log.flush();
    expect([...log.read()]).toEqual([
      { seq: 1, a: 1 },
      { seq: 2, b: 'two', nested: { x: [1, 2] } },
    ]);
    expect(log.get(2)).toEqual({ seq: 2, b: 'two', nested: { x: [1, 2] } });
    expect(log.get(0)).toBeUndefined();
    expect(log.get(3)).toBeUndefined();
    log.close();
  });

  it('owns seq: a seq in the payload is ignored', () => {
    const log = MessageLog.open(newDir());
    log.append({ x: 1 });
    expect(log.append({ seq: 99, y: 2 })).toBe(2);
    expect(log.get(2)).toEqual({ seq: 2, y: 2 });
    log.close();
  });

  it('reads unflushed appends too', () => {
    const log = MessageLog.open(newDir());
    log.append({ a: 1 });
    log.append({ a: 2 });
    expect(seqsOf(log)).toEqual([1, 2]);
    expect(log.get(2)?.a).toBe(2);
    log.close();
  });

  it('keeps seqs contiguous across segments and reopen', () => {
    const dir = newDir();
    let log = MessageLog.open(dir, { segmentRecords: 10 });
    for (let i = 1; i <= 25; i++) expect(log.append({ i })).toBe(i);
    log.close();
    expect(segs(dir)).toEqual(['000000000001.seg', '000000000011.seg', '000000000021.seg']);

    log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(log.notices).toEqual([]);
    expect(log.lastSeq).toBe(25);
    for (let i = 26; i <= 42; i++) expect(log.append({ i })).toBe(i);
    log.flush();
    const all = [...log.read()];
    expect(all.map((r) => r.seq)).toEqual(range(1, 42));
    for (const r of all) expect(r.i).toBe(r.seq);
    expect(seqsOf(log, 17)).toEqual(range(17, 42));
    expect(seqsOf(log, 42)).toEqual([42]);
    expect(seqsOf(log, 43)).toEqual([]);
    expect(log.get(11)).toEqual({ seq: 11, i: 11 });
    log.close();
    expect(MessageLog.open(dir).lastSeq).toBe(42);
  });

  it('rolls segments by size as well', () => {
    const dir = newDir();
    const log = MessageLog.open(dir, { segmentBytes: 1000 });
    for (let i = 0; i < 30; i++) log.append({ pad: 'x'.repeat(200) });
    log.close();
    expect(segs(dir).length).toBeGreaterThan(5);
    expect(seqsOf(MessageLog.open(dir))).toEqual(range(1, 30));
  });

  it('read(fromSeq, toSeq) stops at toSeq, in the active segment, across segments, and with unflushed appends', () => {
    const dir = newDir();
    fill(dir, 25, 10);
    const log = MessageLog.open(dir, { segmentRecords: 10 });
    log.append({ i: 26 });
    const bounded = (a: number, b: number) => [...log.read(a, b)].map((r) => r.seq);
    expect(bounded(22, 22)).toEqual([22]);
    expect(bounded(21, 24)).toEqual(range(21, 24));
    expect(bounded(8, 23)).toEqual(range(8, 23));
    expect(bounded(24, 99)).toEqual(range(24, 26));
    expect(bounded(26, 26)).toEqual([26]);
    expect((log.read(22, 22)[Symbol.iterator]().next().value as { i: number }).i).toBe(22);
    log.close();
  });

  it('single-record reads in sealed segments give the right records, and still catch a damaged frame', () => {
    const dir = newDir();
    fill(dir, 35, 10);
    const log = MessageLog.open(dir, { segmentRecords: 10 });
    const one = (s: number) => [...log.read(s, s)].map((r) => [r.seq, (r as unknown as { i: number }).i]);
    expect(seqsOf(log)).toEqual(range(1, 35)); // every sealed segment read once, whole
    for (const s of [1, 5, 10, 11, 17, 20, 21, 30, 33]) expect(one(s)).toEqual([[s, s]]);
    expect([...log.read(12, 14)].map((r) => r.seq)).toEqual([12, 13, 14]);
    const file = path.join(dir, segs(dir)[1]!);
    flipByte(file, recordOffsets(file)[3]! + 12);
    expect(() => [...log.read(14, 14)]).toThrow(LogCorruptError);
    log.close();
  });

  it('read(fromSeq) does not open earlier segments', () => {
    const dir = newDir();
    fill(dir, 30, 10);
    // Ruin the first two segments: reading from seq 21 must not notice.
    flipByte(path.join(dir, '000000000001.seg'), 20);
    flipByte(path.join(dir, '000000000011.seg'), 20);
    const log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(seqsOf(log, 21)).toEqual(range(21, 30));
    expect(seqsOf(log, 25)).toEqual(range(25, 30));
    expect(() => seqsOf(log, 11)).toThrow(LogCorruptError);
    expect(() => seqsOf(log, 1)).toThrow(/000000000001\.seg is damaged/);
    log.close();
  });

  it('open reads only the last segment', () => {
    const dir = newDir();
    fill(dir, 30, 10);
    // Damage in an older segment is found when it is read, not on open.
    flipByte(path.join(dir, '000000000001.seg'), 20);
    const log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(log.lastSeq).toBe(30);
    expect(log.notices).toEqual([]);
    log.close();
  });

  it('truncateAfter drops later records durably, within and across segments', () => {
    const dir = newDir();
    fill(dir, 35, 10);
    let log = MessageLog.open(dir, { segmentRecords: 10 });
    log.truncateAfter(33); // inside the active segment
    expect(log.lastSeq).toBe(33);
    log.truncateAfter(50); // no-op
    expect(log.lastSeq).toBe(33);
    log.truncateAfter(14); // back into an older segment
    expect(segs(dir)).toEqual(['000000000001.seg', '000000000011.seg']);
    expect(seqsOf(log)).toEqual(range(1, 14));
    expect(log.append({ again: true })).toBe(15);
    log.close();

    log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(log.lastSeq).toBe(15);
    expect(log.get(15)).toEqual({ seq: 15, again: true });
    log.truncateAfter(10); // exactly at a segment boundary
    expect(segs(dir)).toEqual(['000000000001.seg', '000000000011.seg']);
    expect(fs.statSync(path.join(dir, '000000000011.seg')).size).toBe(0);
    expect(log.append({ k: 1 })).toBe(11);
    log.truncateAfter(0);
    expect(log.lastSeq).toBe(0);
    expect(seqsOf(log)).toEqual([]);
    expect(log.append({ fresh: 1 })).toBe(1);
    log.close();
    expect(seqsOf(MessageLog.open(dir))).toEqual([1]);
  });

  it('refuses use after close with a clear message', () => {
    const log = MessageLog.open(newDir());
    log.close();
    expect(() => log.append({})).toThrow(/is closed; open it again/);
  });
});

describe('MessageLog recovery', () => {
  it('drops a torn last record at every cut point, with a notice', () => {
    const dir = newDir();
    fill(dir, 5);
    const file = path.join(dir, '000000000001.seg');
    const whole = fs.readFileSync(file);
    const lastStart = recordOffsets(file)[4]!;
    for (let cut = lastStart + 1; cut < whole.length; cut++) {
      fs.writeFileSync(file, whole.subarray(0, cut));
      const log = MessageLog.open(dir);
      expect(log.lastSeq, `cut at ${cut}`).toBe(4);
      expect(log.notices).toHaveLength(1);
      expect(log.notices[0]).toMatch(/000000000001\.seg: dropped an incomplete record at its end \(seq 5,/);
      expect(log.notices[0]).toMatch(/never shown/);
      expect(fs.readdirSync(dir).filter((n) => n.includes('damaged'))).toEqual([]);
      expect(fs.statSync(file).size).toBe(lastStart);
      expect(seqsOf(log)).toEqual([1, 2, 3, 4]);
      log.close();
    }
    // After recovery the log carries on normally.
    const log = MessageLog.open(dir);
    expect(log.notices).toEqual([]);
    expect(log.append({ i: 5 })).toBe(5);
    log.close();
  });

  it('keeps a whole last record with a bad checksum aside, without calling it unacknowledged', () => {
    const dir = newDir();
    fill(dir, 5);
    const file = path.join(dir, '000000000001.seg');
    const lastStart = recordOffsets(file)[4]!;
    const original = fs.readFileSync(file).subarray(lastStart);
    flipByte(file, lastStart + 20); // full length, bad checksum
    const damaged = fs.readFileSync(file).subarray(lastStart);
    const log = MessageLog.open(dir);
    expect(log.lastSeq).toBe(4);
    expect(log.notices).toHaveLength(1);
    const aside = `${file}.damaged-${lastStart}`;
    expect(log.notices[0]).toContain('checksum mismatch');
    expect(log.notices[0]).toContain(aside);
    expect(log.notices[0]).toMatch(/may have been acknowledged/);
    expect(log.notices[0]).not.toMatch(/never/);
    expect(fs.readFileSync(aside).equals(damaged)).toBe(true);
    expect(damaged.equals(original)).toBe(false);
    expect(fs.statSync(file).size).toBe(lastStart);
    log.close();
  });

  it('tells damage from a torn tail for every byte of the last record', () => {
    const dir = newDir();
    fill(dir, 3);
    const file = path.join(dir, '000000000001.seg');
    const whole = fs.readFileSync(file);
    const lastStart = recordOffsets(file)[2]!;
    for (let at = lastStart; at < whole.length; at++) {
      fs.writeFileSync(file, whole);
      for (const n of fs.readdirSync(dir)) if (n.includes('damaged')) fs.rmSync(path.join(dir, n));
      flipByte(file, at);
      let log: MessageLog;
      try {
        log = MessageLog.open(dir);
      } catch (err) {
        // A flipped length can make the record look like one followed by more: corruption, nothing changed.
        expect(err, `flip at ${at}`).toBeInstanceOf(LogCorruptError);
        expect(fs.readFileSync(file).length).toBe(whole.length);
        continue;
      }
      expect(log.lastSeq, `flip at ${at}`).toBe(2);
      expect(log.notices[0], `flip at ${at}`).toMatch(/may have been acknowledged/);
      expect(fs.existsSync(`${file}.damaged-${lastStart}`), `flip at ${at}`).toBe(true);
      log.close();
    }
  });

  it('drops zeros a crash left after the last record as a torn tail', () => {
    const dir = newDir();
    fill(dir, 5);
    const file = path.join(dir, '000000000001.seg');
    fs.appendFileSync(file, Buffer.alloc(4096)); // size grew but data never landed
    const log = MessageLog.open(dir);
    expect(log.lastSeq).toBe(5);
    expect(log.notices).toHaveLength(1);
    expect(log.notices[0]).toMatch(/incomplete record/);
    log.close();
  });

  it('drops a torn first record of a fresh segment', () => {
    const dir = newDir();
    fill(dir, 10, 10);
    let log = MessageLog.open(dir, { segmentRecords: 10 });
    log.append({ i: 11 });
    log.close();
    const file = path.join(dir, '000000000011.seg');
    fs.truncateSync(file, 5);
    log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(log.lastSeq).toBe(10);
    expect(log.notices).toHaveLength(1);
    expect(log.append({ i: 11 })).toBe(11);
    log.close();
  });

  it('throws LogCorruptError for damage followed by valid records, and changes nothing', () => {
    const dir = newDir();
    fill(dir, 6);
    const file = path.join(dir, '000000000001.seg');
    flipByte(file, recordOffsets(file)[2]! + 12);
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      MessageLog.open(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogCorruptError);
    const e = err as LogCorruptError;
    expect(e.file).toBe(file);
    expect(e.offset).toBe(recordOffsets(file)[2]);
    expect(e.message).toContain('000000000001.seg is damaged');
    expect(e.message).toMatch(/move this file and every later \.seg file/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('treats a damaged length field mid-file as corruption, not a torn tail', () => {
    const dir = newDir();
    fill(dir, 6);
    const file = path.join(dir, '000000000001.seg');
    const buf = fs.readFileSync(file);
    buf.writeUInt32LE(0xffffff, recordOffsets(file)[1]!);
    fs.writeFileSync(file, buf);
    expect(() => MessageLog.open(dir)).toThrow(LogCorruptError);
  });

  it('treats an out-of-sequence record as corruption', () => {
    const dir = newDir();
    fill(dir, 3);
    // A well-formed segment whose name does not match its first seq.
    fs.renameSync(path.join(dir, '000000000001.seg'), path.join(dir, '000000000002.seg'));
    expect(() => MessageLog.open(dir)).toThrow(/expected seq 2 but found seq 1/);
  });

  it('reports a gap between segments when reading', () => {
    const dir = newDir();
    fill(dir, 30, 10);
    fs.rmSync(path.join(dir, '000000000011.seg'));
    const log = MessageLog.open(dir, { segmentRecords: 10 });
    expect(() => seqsOf(log)).toThrow(/ends at seq 10 but the next segment starts at seq 21/);
    log.close();
  });
});

describe('MessageLog write failures', () => {
  for (const code of ['ENOSPC', 'EIO']) {
    it(`${code} part-way through a batch: a clear error, no torn bytes, every flushed record kept`, () => {
      const dir = newDir();
      const log = MessageLog.open(dir);
      for (let i = 1; i <= 3; i++) log.append({ i });
      log.flush();
      const file = path.join(dir, '000000000001.seg');
      const flushedSize = fs.statSync(file).size;
      for (let i = 4; i <= 6; i++) log.append({ i, pad: 'p'.repeat(100) });
      const restore = failWritesAfter(50, code);
      let err: unknown;
      try {
        log.flush();
      } catch (e) {
        err = e;
      } finally {
        restore();
      }
      expect(err).toBeInstanceOf(StoreWriteError);
      const message = (err as Error).message;
      expect(message).toContain(file);
      expect(message).toMatch(code === 'ENOSPC' ? /^the disk is full: could not write / : /I\/O error writing /);
      expect(message).toMatch(/nothing acknowledged was lost\.$/);
      expect(message.split('\n')).toHaveLength(1);
      // The partial batch was taken back; the log refuses further use until reopened.
      expect(fs.statSync(file).size).toBe(flushedSize);
      expect(() => log.append({ i: 7 })).toThrow(/stopped after a write error: /);
      log.close();
      const again = MessageLog.open(dir);
      expect(again.notices).toEqual([]);
      expect(seqsOf(again)).toEqual([1, 2, 3]);
      expect(again.append({ i: 4 })).toBe(4);
      again.close();
    });
  }

  const disk = tinyDisk(128);
  it.skipIf(!disk)('on a real full disk (tmpfs): the error names the segment, and freeing space is enough', () => {
    try {
      const dir = path.join(disk!.dir, 'log');
      const log = MessageLog.open(dir);
      for (let i = 1; i <= 3; i++) log.append({ i });
      log.flush();
      const filler = fillDisk(disk!.dir, 0);
      let err: unknown;
      try {
        for (let i = 0; i < 1000; i++) log.append({ i, pad: 'x'.repeat(2000) });
        log.flush();
      } catch (e) {
        err = e;
      }
      expect((err as Error).message).toMatch(/^the disk is full: could not write .*000000000001\.seg\. Free some space/);
      log.close();
      fs.rmSync(filler);
      const again = MessageLog.open(dir);
      expect(again.notices).toEqual([]);
      expect(seqsOf(again)).toEqual([1, 2, 3]);
      again.close();
    } finally {
      disk!.unmount();
    }
  });
});
