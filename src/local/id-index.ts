// An index from ids (43-character message and transaction ids) to numbers
// (a seq, a file offset) whose memory does not grow with the number of
// entries: a hash table of fixed 16-byte slots (linear probing), held in
// memory while it is small and moved to a file in a temporary folder once it
// outgrows `memorySlots` (then read a 4 KB block at a time: a probe sequence
// is contiguous, so a lookup is one read; the OS page cache keeps the rest).
// Ids are not stored, only two 32-bit hashes of each: a lookup gives the
// values whose hashes match, and the caller confirms the id against its own
// record (the log, the spool), as a collision is possible.
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bytes a slot takes: hash u32, check hash u32 (0 empty, 1 removed), value f64. */
const SLOT = 16;
/** Slots used (live and removed) before the table is rebuilt: at most half. */
const LOAD = 0.5;
const FIRST_SLOTS = 256;
/** Slots held in memory before the table moves to a file (512 KB). */
export const MEMORY_SLOTS = 1 << 15;
/** Largest file table built in memory first when it is rebuilt (for a moment: freed once written). */
const BUILD_IN_MEMORY_BYTES = 64 << 20;
/** Slots a file table reads at once. */
const BLOCK_SLOTS = 256;

/** Temporary folders of open file tables, removed at exit if nobody closed them. */
const openDirs = new Set<string>();
let exitHook = false;

/** Slots in a buffer: u32 views for the hashes, f64 for the value. */
class Slots {
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  constructor(readonly bytes: Buffer) {
    this.u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    this.f64 = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  }
}

interface Table {
  readonly slots: number;
  /** Make slot `i` readable; returns the Slots holding it and its index there. */
  at(i: number): { s: Slots; k: number };
  /** Slot `i` (as left by at(i) and changed in place) is written back. */
  written(i: number): void;
  close(): void;
}

class MemoryTable implements Table {
  readonly s: Slots;
  private readonly place = { s: undefined as unknown as Slots, k: 0 };
  constructor(readonly slots: number) {
    // Not from Node's shared pool: the views need 8-byte alignment.
    this.s = new Slots(Buffer.from(new ArrayBuffer(slots * SLOT)));
    this.place.s = this.s;
  }
  at(i: number): { s: Slots; k: number } {
    this.place.k = i;
    return this.place;
  }
  written(): void {}
  close(): void {}
}

class FileTable implements Table {
  private readonly dir: string;
  private fd?: number;
  private readonly block = new Slots(Buffer.from(new ArrayBuffer(BLOCK_SLOTS * SLOT)));
  private blockStart = -1;
  private readonly place = { s: this.block, k: 0 };

  constructor(readonly slots: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'aos-ts-index-'));
    openDirs.add(this.dir);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const d of openDirs) rmSync(d, { recursive: true, force: true });
      });
    }
    this.fd = openSync(join(this.dir, 'index'), 'w+');
    // A sparse file of zeros: every slot empty.
    ftruncateSync(this.fd, slots * SLOT);
  }

  /** A file table holding `table`'s slots (written in one go). */
  static of(table: MemoryTable): FileTable {
    const file = new FileTable(table.slots);
    const bytes = table.s.bytes;
    for (let at = 0; at < bytes.length; ) at += writeSync(file.fd!, bytes, at, bytes.length - at, at);
    return file;
  }

  at(i: number): { s: Slots; k: number } {
    const start = i - (i % BLOCK_SLOTS);
    if (start !== this.blockStart) {
      const n = Math.min(BLOCK_SLOTS, this.slots - start);
      readSync(this.fd!, this.block.bytes, 0, n * SLOT, start * SLOT);
      this.blockStart = start;
    }
    this.place.k = i - start;
    return this.place;
  }

  /** Every slot into `out` (slots * SLOT bytes). */
  readAll(out: Buffer): void {
    for (let at = 0; at < out.length; ) {
      const n = readSync(this.fd!, out, at, out.length - at, at);
      if (n <= 0) break;
      at += n;
    }
  }

  written(i: number): void {
    const k = i - this.blockStart;
    writeSync(this.fd!, this.block.bytes, k * SLOT, SLOT, i * SLOT);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.blockStart = -1;
    rmSync(this.dir, { recursive: true, force: true });
    openDirs.delete(this.dir);
  }
}

export class IdIndex {
  private table: Table;
  private live = 0;
  private used = 0;

  constructor(
    private readonly memorySlots = MEMORY_SLOTS,
    private readonly buildInMemoryBytes = BUILD_IN_MEMORY_BYTES,
  ) {
    this.table = new MemoryTable(Math.min(FIRST_SLOTS, memorySlots));
  }

  /** Entries held. */
  get size(): number {
    return this.live;
  }

  /** Bytes of the table held in memory (0 once it lives in a file, but for one block read). */
  get memoryBytes(): number {
    return this.table instanceof MemoryTable ? this.table.slots * SLOT : 0;
  }

  /** The values of the entries whose id hashes as `id` does (usually none, or just its own). */
  candidates(id: string): number[] {
    const [h, check] = hashes(id);
    const out: number[] = [];
    const t = this.table;
    const mask = t.slots - 1;
    for (let i = h & mask, n = 0; n < t.slots; i = (i + 1) & mask, n++) {
      const { s, k } = t.at(i);
      const c = s.u32[k * 4 + 1]!;
      if (c === 0) break;
      if (c === check && s.u32[k * 4] === h) out.push(s.f64[k * 2 + 1]!);
    }
    return out;
  }

  /** Add an entry (an id may have several: the caller tells them apart). */
  add(id: string, value: number): void {
    if (this.used + 1 > this.table.slots * LOAD) this.rebuild();
    const [h, check] = hashes(id);
    this.put(this.table, h, check, value);
  }

  /** Change the value of the entry for `id` that has `from`; false when there is none. */
  replace(id: string, from: number, to: number): boolean {
    const i = this.find(id, from);
    if (i < 0) return false;
    const { s, k } = this.table.at(i);
    s.f64[k * 2 + 1] = to;
    this.table.written(i);
    return true;
  }

  /** Remove the entry for `id` that has `value`; false when there is none. */
  remove(id: string, value: number): boolean {
    const i = this.find(id, value);
    if (i < 0) return false;
    const { s, k } = this.table.at(i);
    s.u32[k * 4 + 1] = 1;
    this.table.written(i);
    this.live -= 1;
    return true;
  }

  /**
   * Run `fn`, which adds many entries, on the table held in memory (read in
   * whole and written back once, instead of a read and a write per entry),
   * when the table is a file small enough for that; else just run it.
   */
  bulk<T>(fn: () => T): T {
    const file = this.table;
    if (file instanceof FileTable && file.slots * SLOT <= this.buildInMemoryBytes) {
      const mem = new MemoryTable(file.slots);
      file.readAll(mem.s.bytes);
      file.close();
      this.table = mem;
    }
    this.inBulk = true;
    try {
      return fn();
    } finally {
      this.inBulk = false;
      const now = this.table;
      if (now instanceof MemoryTable && now.slots > this.memorySlots) this.table = FileTable.of(now);
    }
  }
  private inBulk = false;

  close(): void {
    this.table.close();
    this.table = new MemoryTable(FIRST_SLOTS);
    this.live = 0;
    this.used = 0;
  }

  /** The slot of the entry for `id` with `value`, or -1. */
  private find(id: string, value: number): number {
    const [h, check] = hashes(id);
    const t = this.table;
    const mask = t.slots - 1;
    for (let i = h & mask, n = 0; n < t.slots; i = (i + 1) & mask, n++) {
      const { s, k } = t.at(i);
      const c = s.u32[k * 4 + 1]!;
      if (c === 0) return -1;
      if (c === check && s.u32[k * 4] === h && s.f64[k * 2 + 1] === value) return i;
    }
    return -1;
  }

  private put(t: Table, h: number, check: number, value: number): void {
    const mask = t.slots - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const { s, k } = t.at(i);
      const c = s.u32[k * 4 + 1]!;
      if (c > 1) continue;
      s.u32[k * 4] = h;
      s.u32[k * 4 + 1] = check;
      s.f64[k * 2 + 1] = value;
      t.written(i);
      this.live += 1;
      if (c === 0) this.used += 1;
      return;
    }
  }

  /**
   * A table twice the size (or the same size, when removed entries took the
   * room), live entries moved over. A file table is built in memory and
   * written at once (a slot at a time would be a write per entry); only a
   * table too big for that is built in its file.
   */
  private rebuild(): void {
    const old = this.table;
    const slots = this.live + 1 > old.slots * LOAD * 0.5 ? old.slots * 2 : old.slots;
    const next = slots <= this.memorySlots || slots * SLOT <= this.buildInMemoryBytes ? new MemoryTable(slots) : new FileTable(slots);
    this.live = 0;
    this.used = 0;
    for (let i = 0; i < old.slots; i++) {
      const { s, k } = old.at(i);
      const c = s.u32[k * 4 + 1]!;
      if (c > 1) this.put(next, s.u32[k * 4]!, c, s.f64[k * 2 + 1]!);
    }
    old.close();
    // Held in memory until a bulk add is over.
    this.table = next instanceof MemoryTable && slots > this.memorySlots && !this.inBulk ? FileTable.of(next) : next;
  }
}

/** Two independent 32-bit hashes of the id (FNV-1a and a multiply-xorshift), the second never 0 or 1. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca6b);
    b ^= b >>> 13;
  }
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b = (b ^ (b >>> 16)) >>> 0;
  return [a >>> 0, b < 2 ? b + 2 : b];
}
