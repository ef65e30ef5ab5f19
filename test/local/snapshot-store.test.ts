import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotStore } from '../../src/local/snapshot-store.js';
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
    expect(got.notices).toEqual(['snapshot 000000000120 is damaged (checksum mismatch); using the one at 000000000100']);
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
      'snapshot 000000000120 is damaged (not a snapshot file); using the one at 000000000100',
      'snapshot 000000000110 is damaged (truncated or wrong length); using the one at 000000000100',
    ]);
  });

  it('says a full replay is needed when no snapshot is usable', () => {
    const dir = newDir();
    const store = new SnapshotStore(dir);
    store.write(5, bytes('x'), {});
    flipByte(snapFile(dir, 5), 1);
    const got = store.latest();
    expect(got.seq).toBe(0);
    expect(got.notices[0]).toMatch(/^snapshot 000000000005 is damaged \(checksum mismatch\); no older snapshot is usable, so the state will be rebuilt by replaying the whole log$/);
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
});
