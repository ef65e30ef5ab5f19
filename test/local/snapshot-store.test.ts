import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_CHECKSUM, SnapshotStore, StoreStateError, type LogView } from '../../src/local/snapshot-store.js';
import { StoreWriteError } from '../../src/local/fsync.js';
import { failWritesAfter, fillDisk, tinyDisk } from './disk.js';
import { tempDir } from './helpers.js';

const dirs: string[] = [];
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const snapFile = (dir: string, seq: number) => path.join(dir, `${String(seq).padStart(12, '0')}.snap`);
const snaps = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.snap')).sort();

function flipByte(file: string, fromEnd: number): void {
  const buf = fs.readFileSync(file);
  buf[buf.length - fromEnd] = buf[buf.length - fromEnd]! ^ 1;
  fs.writeFileSync(file, buf);
}

describe('SnapshotStore', () => {
  it('has nothing at first', () => {
    expect(new SnapshotStore(newDir()).latest()).toEqual({ seq: 0, notices: [] });
  });

  it('writes and returns the newest snapshot with its meta', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(100, bytes('state at 100'), { engine: 'wasmoon', memory: 1 });
    store.write(120, bytes('state at 120'), { engine: 'wasmoon', memory: 2 });
    const got = new SnapshotStore(dir).latest();
    expect(got.seq).toBe(120);
    if (!('data' in got)) throw new Error('expected a snapshot');
    expect(new TextDecoder().decode(got.data)).toBe('state at 120');
    expect(got.meta).toEqual({ engine: 'wasmoon', memory: 2 });
    expect(got.notices).toEqual([]);
  });

  it('stores empty and binary data exactly', () => {
    const store = new SnapshotStore(newDir());
    const data = new Uint8Array(70_000).map((_, i) => (i * 13) & 0xff);
    store.write(1, new Uint8Array(0), {});
    store.write(2, data, {});
    const got = store.latest();
    if (!('data' in got)) throw new Error('expected a snapshot');
    expect(Buffer.from(got.data).equals(Buffer.from(data))).toBe(true);
  });

  it('falls back to an older snapshot when the newest is damaged, and keeps the damaged file', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(100, bytes('a'), {});
    store.write(120, bytes('b'), {});
    flipByte(snapFile(dir, 120), 33); // the last data byte, just before the checksum
    const got = store.latest();
    expect(got.seq).toBe(100);
    expect(got.notices).toEqual([`snapshot ${snapFile(dir, 120)} is damaged (checksum mismatch); it was skipped and left in place`]);
    expect(fs.existsSync(snapFile(dir, 120))).toBe(true);
  });

  it('reports truncated, foreign and unreadable-header files', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(100, bytes('good'), {});
    store.write(110, bytes('will be cut'), {});
    store.write(120, bytes('will be replaced'), {});
    fs.truncateSync(snapFile(dir, 110), 30);
    fs.writeFileSync(snapFile(dir, 120), 'hello, not a snapshot at all, really not');
    const got = store.latest();
    expect(got.seq).toBe(100);
    expect(got.notices).toEqual([
      `snapshot ${snapFile(dir, 120)} is damaged (not a snapshot file); it was skipped and left in place`,
      `snapshot ${snapFile(dir, 110)} is damaged (truncated or wrong length); it was skipped and left in place`,
    ]);
  });

  it('says a full replay is needed when no snapshot is usable', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(5, bytes('x'), {});
    flipByte(snapFile(dir, 5), 1);
    const got = store.latest();
    expect(got.seq).toBe(0);
    expect(got.notices).toEqual([
      `snapshot ${snapFile(dir, 5)} is damaged (checksum mismatch); it was skipped and left in place`,
      'no snapshot is usable, so the state is rebuilt by replaying the whole log',
    ]);
  });

  it('detects a snapshot renamed to another seq', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(5, bytes('x'), {});
    fs.renameSync(snapFile(dir, 5), snapFile(dir, 9));
    expect(store.latest().notices[0]).toMatch(/header names a different seq/);
  });

  it('ignores temp files left by a crashed writer, and later cleans them up', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(100, bytes('done'), {});
    // What a writer killed before its rename leaves behind (pid 2^22+1 is beyond Linux pid_max defaults).
    const leftover = path.join(dir, '.000000000200.snap.4194305.tmp');
    fs.writeFileSync(leftover, 'half a snap');
    expect(store.latest().seq).toBe(100);
    expect(store.latest().notices).toEqual([]);
    store.write(150, bytes('next'), {});
    expect(fs.existsSync(leftover)).toBe(false);
  });

  it('keeps only the newest N snapshots', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir, { keep: 2 });
    for (const seq of [10, 20, 30, 40]) store.write(seq, bytes(String(seq)), {});
    expect(snaps(dir)).toEqual(['000000000030.snap', '000000000040.snap']);
    const def = new SnapshotStore(newDir());
    for (const seq of [1, 2, 3, 4, 5]) def.write(seq, bytes(''), {});
    expect(snaps(def.dir)).toHaveLength(3);
  });

  it('leaves no temp file after a write', () => {
    const dir = newDir();
    new SnapshotStore(dir).write(7, bytes('x'), { a: 1 });
    expect(fs.readdirSync(dir)).toEqual(['000000000007.snap']);
  });

  it('a folder with a snapshot\'s name is skipped with a notice and does not stop writes or pruning', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir, { keep: 1 });
    fs.mkdirSync(snapFile(dir, 1));
    store.write(2, bytes('two'), {});
    store.write(3, bytes('three'), {});
    const got = store.latest();
    expect(got.seq).toBe(3);
    expect(fs.existsSync(snapFile(dir, 2))).toBe(false);
    fs.rmSync(snapFile(dir, 3));
    fs.rmSync(snapFile(dir, 1), { recursive: true });
    fs.mkdirSync(snapFile(dir, 5));
    const none = store.latest();
    expect(none.seq).toBe(0);
    expect(none.notices[0]).toMatch(new RegExp(`snapshot ${snapFile(dir, 5)} is damaged \\(cannot read it: EISDIR\\)`));
  });

  it('refuses a snapshot past the end of the log, moves it aside and uses an older one', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(4, bytes('old'), { [LOG_CHECKSUM]: 44 });
    store.write(30, bytes('new'), { [LOG_CHECKSUM]: 3030 });
    const log: LogView = { dir: '/x/log', lastSeq: 10, checksumOf: (seq) => (seq === 4 ? 44 : seq * 7) };
    const got = store.forLog(log);
    expect(got.seq).toBe(4);
    expect(got.notices).toHaveLength(1);
    expect(got.notices[0]).toContain(snapFile(dir, 30));
    expect(got.notices[0]).toContain('the log ends at seq 10');
    expect(got.notices[0]).toContain(`${snapFile(dir, 30)}.unused`);
    expect(fs.readdirSync(dir).sort()).toEqual(['000000000004.snap', '000000000030.snap.unused']);
    // A later snapshot at the same seq does not overwrite the one kept aside.
    store.write(30, bytes('newer'), {});
    expect(fs.readdirSync(dir).sort()).toEqual(['000000000004.snap', '000000000030.snap', '000000000030.snap.unused']);
  });

  it('refuses a snapshot made from a record the log no longer holds (log cut and written again)', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(20, bytes('from the old history'), { [LOG_CHECKSUM]: 1234 });
    const log: LogView = { dir: '/x/log', lastSeq: 32, checksumOf: () => 999 };
    const got = store.forLog(log);
    expect(got.seq).toBe(0);
    expect(got.notices[0]).toMatch(/different record 20/);
    expect(fs.existsSync(`${snapFile(dir, 20)}.unused`)).toBe(true);
    // The same log with the record the snapshot was made from: accepted.
    store.write(21, bytes('x'), { [LOG_CHECKSUM]: 999 });
    expect(store.forLog(log).seq).toBe(21);
  });

  it('errors, naming both, when the log is empty but a snapshot holds state', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(7, bytes('state'), {});
    const log: LogView = { dir: '/x/log', lastSeq: 0, checksumOf: () => undefined };
    expect(() => store.forLog(log)).toThrow(StoreStateError);
    expect(() => store.forLog(log)).toThrow(new RegExp(`/x/log is empty, but ${snapFile(dir, 7)} holds`));
    expect(snaps(dir)).toEqual(['000000000007.snap']);
  });

  it('a failed write (disk full) is a clear error, leaves no temp file and keeps the older snapshots', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(1, bytes('first'), {});
    const restore = failWritesAfter(20);
    try {
      expect(() => store.write(2, bytes('x'.repeat(1000)), {})).toThrow(StoreWriteError);
      expect(() => store.write(2, bytes('x'.repeat(1000)), {})).toThrow(/^the disk is full: could not write .*000000000002\.snap\. Free some space/);
    } finally {
      restore();
    }
    expect(fs.readdirSync(dir)).toEqual(['000000000001.snap']);
    expect(store.latest().seq).toBe(1);
  });

  const disk = tinyDisk(256);
  it.skipIf(!disk)('on a real full disk (tmpfs): the same error, the same files', () => {
    try {
      const dir = path.join(disk!.dir, 'snaps');
      const store = new SnapshotStore(dir);
      store.write(1, bytes('first'), {});
      fillDisk(disk!.dir, 1024);
      expect(() => store.write(2, new Uint8Array(64 * 1024), {})).toThrow(/^the disk is full: could not write .*000000000002\.snap/);
      expect(fs.readdirSync(dir)).toEqual(['000000000001.snap']);
      expect(store.latest().seq).toBe(1);
    } finally {
      disk!.unmount();
    }
  });
});
