// An index from ids (43-character message and transaction ids) to numbers
// (a seq, a file offset) whose memory does not grow with the number of
// entries: a hash table of fixed 16-byte slots, held in a Buffer while it is
// small and moved to a file in a temporary folder once it outgrows
// `memorySlots` (then read and written a slot at a time; the OS page cache
// keeps the hot part). Ids are not stored, only two 32-bit hashes of each:
// a lookup gives the values whose hashes match, and the caller confirms the
// id against its own record (the log, the spool), as a collision is possible.
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

/** Temporary folders of open file tables, removed at exit if nobody closed them. */
const openDirs = new Set<string>();
let exitHook = false;

interface Table {
  readonly slots: number;
  read(i: number, out: Buffer): void;
  write(i: number, slot: Buffer): void;
  /** Slots [from, from + n) into `out` (n * SLOT bytes). */
  readMany(from: number, n: number, out: Buffer): void;
  close(): void;
}

class MemoryTable implements Table {
  private readonly buf: Buffer;
  constructor(readonly slots: number) {
    this.buf = Buffer.alloc(slots * SLOT);
  }
  get bytes(): Buffer {
    return this.buf;
  }
  read(i: number, out: Buffer): void {
    this.buf.copy(out, 0, i * SLOT, i * SLOT + SLOT);
  }
  write(i: number, slot: Buffer): void {
    slot.copy(this.buf, i * SLOT, 0, SLOT);
  }
  readMany(from: number, n: number, out: Buffer): void {
    this.buf.copy(out, 0, from * SLOT, (from + n) * SLOT);
  }
  close(): void {}
}

class FileTable implements Table {
  private readonly dir: string;
  private fd?: number;
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
    const bytes = table.bytes;
    for (let at = 0; at < bytes.length; ) at += writeSync(file.fd!, bytes, at, bytes.length - at, at);
    return file;
  }
  read(i: number, out: Buffer): void {
    readSync(this.fd!, out, 0, SLOT, i * SLOT);
  }
  write(i: number, slot: Buffer): void {
    writeSync(this.fd!, slot, 0, SLOT, i * SLOT);
  }
  readMany(from: number, n: number, out: Buffer): void {
    readSync(this.fd!, out, 0, n * SLOT, from * SLOT);
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    openDirs.delete(this.dir);
  }
}

export class IdIndex {
  private table: Table;
  private live = 0;
  private used = 0;
  private readonly slot = Buffer.alloc(SLOT);

  constructor(
    private readonly memorySlots = MEMORY_SLOTS,
    private readonly buildInMemoryBytes = BUILD_IN_MEMORY_BYTES,
  ) {
    this.table = this.makeTable(Math.min(FIRST_SLOTS, memorySlots));
  }

  /** Entries held. */
  get size(): number {
    return this.live;
  }

  /** Bytes of the table held in memory (0 once it lives in a file). */
  get memoryBytes(): number {
    return this.table instanceof MemoryTable ? this.table.slots * SLOT : 0;
  }

  /** The values of the entries whose id hashes as `id` does (usually none, or just its own). */
  candidates(id: string): number[] {
    const [h, check] = hashes(id);
    const out: number[] = [];
    const mask = this.table.slots - 1;
    for (let i = h & mask, n = 0; n < this.table.slots; i = (i + 1) & mask, n++) {
      this.table.read(i, this.slot);
      const c = this.slot.readUInt32LE(4);
      if (c === 0) break;
      if (c === check && this.slot.readUInt32LE(0) === h) out.push(this.slot.readDoubleLE(8));
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
    this.slot.writeDoubleLE(to, 8);
    this.table.write(i, this.slot);
    return true;
  }

  /** Remove the entry for `id` that has `value`; false when there is none. */
  remove(id: string, value: number): boolean {
    const i = this.find(id, value);
    if (i < 0) return false;
    this.slot.writeUInt32LE(1, 4);
    this.table.write(i, this.slot);
    this.live -= 1;
    return true;
  }

  clear(): void {
    this.table.close();
    this.table = this.makeTable(Math.min(FIRST_SLOTS, this.memorySlots));
    this.live = 0;
    this.used = 0;
  }

  close(): void {
    this.table.close();
    this.table = new MemoryTable(1);
    this.live = 0;
    this.used = 0;
  }

  /** The slot of the entry for `id` with `value` (left in this.slot), or -1. */
  private find(id: string, value: number): number {
    const [h, check] = hashes(id);
    const mask = this.table.slots - 1;
    for (let i = h & mask, n = 0; n < this.table.slots; i = (i + 1) & mask, n++) {
      this.table.read(i, this.slot);
      const c = this.slot.readUInt32LE(4);
      if (c === 0) return -1;
      if (c === check && this.slot.readUInt32LE(0) === h && this.slot.readDoubleLE(8) === value) return i;
    }
    return -1;
  }

  private put(table: Table, h: number, check: number, value: number): void {
    const mask = table.slots - 1;
    let i = h & mask;
    for (;;) {
      table.read(i, this.slot);
      if (this.slot.readUInt32LE(4) <= 1) break;
      i = (i + 1) & mask;
    }
    const reused = this.slot.readUInt32LE(4) === 1;
    this.slot.writeUInt32LE(h, 0);
    this.slot.writeUInt32LE(check, 4);
    this.slot.writeDoubleLE(value, 8);
    table.write(i, this.slot);
    this.live += 1;
    if (!reused) this.used += 1;
  }

  private makeTable(slots: number): Table {
    return slots <= this.memorySlots ? new MemoryTable(slots) : new FileTable(slots);
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
    const chunk = Buffer.alloc(Math.min(old.slots, 4096) * SLOT);
    for (let from = 0; from < old.slots; from += chunk.length / SLOT) {
      const n = Math.min(chunk.length / SLOT, old.slots - from);
      old.readMany(from, n, chunk);
      for (let k = 0; k < n; k++) {
        const c = chunk.readUInt32LE(k * SLOT + 4);
        if (c > 1) this.put(next, chunk.readUInt32LE(k * SLOT), c, chunk.readDoubleLE(k * SLOT + 8));
      }
    }
    old.close();
    this.table = next instanceof MemoryTable && slots > this.memorySlots ? FileTable.of(next) : next;
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
