// The gateway's store of every transaction and data item the node accepted or
// indexed, with memory that does not grow with the number kept: the newest
// ones are held whole, older ones are written to a spool file (one JSON line
// each) and read back when asked for. Only a map of id to place in the file
// stays in memory for every entry. Same shape as a Map, so the routes read it
// as one; GraphQL over everything reads the spool, which costs a read of the
// file per query, not memory held between queries. Where each written-out
// entry starts is kept in an IdIndex (a hash table that moves to a file once
// it outgrows a fixed size), so not even the ids of old entries stay in memory.
import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tag } from '../engine/types.js';
import { IdIndex, MEMORY_SLOTS } from '../local/id-index.js';

/** What the gateway knows of every item besides its data: what GraphQL answers from. */
export interface TxHeader {
  id: string;
  owner: { address: string; key: string };
  target: string;
  anchor: string;
  signature: string;
  tags: Tag[];
  timestamp: number;
}

/** A data item or transaction the node's gateway answers for (GraphQL, /raw, /tx). */
export interface StoredTx extends TxHeader {
  data: Buffer;
  /** Arweave L1 transaction fields, when it came through POST /tx. */
  l1?: Record<string, unknown>;
}

/** Entries held whole in memory (the newest). */
export const TXS_IN_MEMORY = 1024;
/** Written out together once this many more are held. */
const SPOOL_BATCH = 256;

/** A spooled entry: its data as base64. */
type Line = Omit<StoredTx, 'data'> & { data: string };

export class TxStore {
  private hot = new Map<string, StoredTx>();
  /** Where each written-out entry's line starts, by id (confirmed against the line read). */
  private readonly spooled: IdIndex;
  /** Whether a spooled entry was set again or deleted (its old line then no longer counts). */
  private holes = false;
  private dir?: string;
  private file?: string;
  private fd?: number;
  private end = 0;

  constructor(
    private readonly inMemory = TXS_IN_MEMORY,
    indexMemorySlots = MEMORY_SLOTS,
  ) {
    this.spooled = new IdIndex(indexMemorySlots);
  }

  get size(): number {
    return this.hot.size + this.spooled.size;
  }

  /** How many are held whole (for the memory bench). */
  get held(): number {
    return this.hot.size;
  }

  /** Bytes of the spool's id index held in memory (bounded: it moves to a file beyond a fixed size). */
  get indexMemoryBytes(): number {
    return this.spooled.memoryBytes;
  }

  has(id: string): boolean {
    return this.hot.has(id) || this.spooledAt(id) !== undefined;
  }

  get(id: string): StoredTx | undefined {
    return this.hot.get(id) ?? this.spooledAt(id)?.tx;
  }

  set(id: string, tx: StoredTx): this {
    this.unspool(id);
    this.hot.delete(id);
    this.hot.set(id, tx);
    if (this.hot.size >= this.inMemory + Math.min(SPOOL_BATCH, this.inMemory)) this.spool(this.hot.size - this.inMemory);
    return this;
  }

  delete(id: string): boolean {
    return this.hot.delete(id) || this.unspool(id);
  }

  /** Every entry, oldest first (spooled ones read back from the file). */
  *values(): IterableIterator<StoredTx> {
    if (this.spooled.size > 0) {
      for (const [at, tx] of this.readAll()) if (!this.holes || this.spooled.candidates(tx.id).includes(at)) yield tx;
    }
    yield* [...this.hot.values()];
  }

  /** The spooled entry with this id and where its line starts. */
  private spooledAt(id: string): { at: number; tx: StoredTx } | undefined {
    for (const at of this.spooled.candidates(id)) {
      const tx = this.readAt(at);
      if (tx?.id === id) return { at, tx };
    }
    return undefined;
  }

  /** Forget the spooled entry with this id (its line stays in the file, no longer counted). */
  private unspool(id: string): boolean {
    if (this.spooled.size === 0) return false;
    const found = this.spooledAt(id);
    if (!found) return false;
    this.spooled.remove(id, found.at);
    this.holes = true;
    return true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.hot.clear();
    this.spooled.close();
  }

  /** Write the oldest `count` held entries out. A write that fails keeps them in memory. */
  private spool(count: number): void {
    const out: string[] = [];
    const ids: string[] = [];
    for (const [id, tx] of this.hot) {
      if (ids.length >= count) break;
      ids.push(id);
      out.push(JSON.stringify(toLine(tx)) + '\n');
    }
    const chunk = Buffer.from(out.join(''));
    try {
      if (!this.file) {
        this.dir = mkdtempSync(join(tmpdir(), 'aos-ts-gateway-'));
        this.file = join(this.dir, 'txs.jsonl');
        appendFileSync(this.file, '');
        this.fd = openSync(this.file, 'r');
      }
      appendFileSync(this.file, chunk);
    } catch {
      return;
    }
    let at = this.end;
    for (let i = 0; i < ids.length; i++) {
      const len = Buffer.byteLength(out[i]!);
      this.spooled.add(ids[i]!, at);
      this.hot.delete(ids[i]!);
      at += len;
    }
    this.end = at;
    // A new map: one that had its oldest entries deleted walks over their holes on every later walk.
    this.hot = new Map(this.hot);
  }

  /** The line that starts at `at`, read up to its newline. */
  private readAt(at: number): StoredTx | undefined {
    if (this.fd === undefined) return undefined;
    const parts: Buffer[] = [];
    for (let pos = at; pos < this.end; ) {
      const buf = Buffer.alloc(Math.min(16 * 1024, this.end - pos));
      const n = readSync(this.fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      parts.push(buf.subarray(0, nl >= 0 ? nl : n));
      if (nl >= 0) break;
      pos += n;
    }
    return fromLine(JSON.parse(Buffer.concat(parts).toString('utf8')) as Line);
  }

  /** Every line of the spool with where it starts (a line written again later supersedes it). */
  private *readAll(): IterableIterator<[number, StoredTx]> {
    if (this.fd === undefined) return;
    const block = Buffer.alloc(1 << 20);
    let pos = 0;
    let rest = Buffer.alloc(0);
    let lineAt = 0;
    while (pos < this.end) {
      const n = readSync(this.fd, block, 0, Math.min(block.length, this.end - pos), pos);
      if (n <= 0) break;
      pos += n;
      const buf = rest.length ? Buffer.concat([rest, block.subarray(0, n)]) : block.subarray(0, n);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        if (nl > start) yield [lineAt, fromLine(JSON.parse(buf.toString('utf8', start, nl)) as Line)];
        lineAt += nl + 1 - start;
        start = nl + 1;
      }
      rest = Buffer.from(buf.subarray(start));
    }
  }
}

function toLine(tx: StoredTx): Line {
  return { ...tx, data: tx.data.toString('base64') };
}

function fromLine(line: Line): StoredTx {
  return { ...line, data: Buffer.from(line.data, 'base64') };
}
