// The id index (ids -> numbers, memory bounded) and the two structures that
// keep one entry per message for good: a process history's id index and the
// node's gateway store. Counted in entries and bytes, never timed.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { AoMessage } from '../../src/engine/types.js';
import { ProcessHistory, type HistorySource } from '../../src/local/history.js';
import { IdIndex } from '../../src/local/id-index.js';
import type { ProcessRecord } from '../../src/local/records.js';
import { TxStore, type StoredTx } from '../../src/node/tx-store.js';

/** 43 characters of base64url, different for every i. */
function id(i: number, salt = 'm'): string {
  return Buffer.from(`${salt}:${i}:${i * 7919}`).toString('base64url').padEnd(43, 'A').slice(0, 43);
}

function indexDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('aos-ts-index-'));
}

describe('IdIndex', () => {
  it('answers every id after many more entries than it holds in memory, with memory that stops growing', () => {
    const index = new IdIndex(1024);
    const memory: number[] = [];
    try {
      for (let i = 0; i < 20_000; i++) {
        index.add(id(i), i * 3);
        if (i % 5000 === 4999) memory.push(index.memoryBytes);
      }
      expect(index.size).toBe(20_000);
      // Past the bound the table is a file: nothing of it held in memory, however many more come.
      expect(Math.max(...memory)).toBeLessThanOrEqual(1024 * 16);
      expect(memory.at(-1)).toBe(memory.at(-2));
      for (let i = 0; i < 20_000; i += 37) expect(index.candidates(id(i))).toContain(i * 3);
      expect(index.candidates(id(1, 'never added'))).toEqual([]);
    } finally {
      index.close();
    }
  });

  it('gives the same answers when a table too big to build in memory is rebuilt in its file', () => {
    const index = new IdIndex(256, 0);
    try {
      for (let i = 0; i < 3000; i++) index.add(id(i), i);
      expect(index.memoryBytes).toBe(0);
      for (let i = 0; i < 3000; i += 7) expect(index.candidates(id(i))).toEqual([i]);
    } finally {
      index.close();
    }
  });

  it('adds in bulk in memory and still ends up in its file, with the same answers', () => {
    const index = new IdIndex(256);
    try {
      for (let i = 0; i < 1000; i++) index.add(id(i), i);
      expect(index.memoryBytes).toBe(0);
      index.bulk(() => {
        for (let i = 1000; i < 5000; i++) index.add(id(i), i);
      });
      expect(index.memoryBytes).toBe(0);
      expect(index.size).toBe(5000);
      for (let i = 0; i < 5000; i += 11) expect(index.candidates(id(i))).toEqual([i]);
    } finally {
      index.close();
    }
  });

  it('replaces and removes one entry of an id, keeps the others, and leaves no file after close', () => {
    const before = indexDirs().length;
    const index = new IdIndex(256);
    try {
      check(index, before);
    } finally {
      index.close();
    }
    expect(indexDirs().length).toBe(before);
  });
});

function check(index: IdIndex, before: number): void {
  for (let i = 0; i < 1000; i++) index.add(id(i), i);
  index.add(id(5), 5000);
  expect(index.candidates(id(5)).sort((a, b) => a - b)).toEqual([5, 5000]);
  expect(index.replace(id(5), 5, 55)).toBe(true);
  expect(index.replace(id(5), 5, 56)).toBe(false);
  expect(index.remove(id(5), 5000)).toBe(true);
  expect(index.candidates(id(5))).toEqual([55]);
  expect(index.remove(id(6), 6)).toBe(true);
  expect(index.candidates(id(6))).toEqual([]);
  expect(index.size).toBe(999);
  // Removed slots are reused or dropped when the table is rebuilt: the rest survive it.
  for (let i = 1000; i < 3000; i++) index.add(id(i), i);
  for (let i = 7; i < 3000; i += 13) expect(index.candidates(id(i))).toEqual([i]);
  expect(indexDirs().length).toBe(before + 1);
}

/** A log in memory: message records with ids from id(). */
class Log implements HistorySource {
  readonly recs: ProcessRecord[] = [];
  get lastSeq(): number {
    return this.recs.length;
  }
  push(msgId: string): void {
    const msg: AoMessage = { Id: msgId, Timestamp: 1000 + this.recs.length } as AoMessage;
    this.recs.push({ kind: 'message', seq: this.recs.length + 1, msg, result: { Messages: [], Spawns: [], Assignments: [], Output: '' } });
  }
  *records(fromSeq = 1, toSeq?: number): Iterable<ProcessRecord> {
    for (let s = fromSeq; s <= (toSeq ?? this.recs.length); s++) {
      const r = this.recs[s - 1];
      if (r) yield r;
    }
  }
}

describe('ProcessHistory id index', () => {
  it('finds every message by id after many messages, with its index memory bounded', () => {
    const log = new Log();
    const history = new ProcessHistory(log, { indexMemorySlots: 512 });
    try {
      for (let i = 0; i < 6000; i++) {
        log.push(id(i));
        // Read as the node does: the dedupe check before each message.
        if (i % 50 === 0) expect(history.seqOf(id(i))).toBe(i + 1);
      }
      expect(history.seqOf(id(0))).toBe(1);
      expect(history.seqOf(id(4321))).toBe(4322);
      expect(history.resultOf(id(5999))?.seq).toBe(6000);
      expect(history.seqOf(id(1, 'unknown'))).toBeUndefined();
      expect(history.indexMemoryBytes).toBeLessThanOrEqual(512 * 16);
      // The same id logged again answers with its newest seq.
      log.push(id(10));
      expect(history.seqOf(id(10))).toBe(6001);
    } finally {
      history.close();
    }
  });

  it('indexes a long history read at once (a reopened process) the same way', () => {
    const log = new Log();
    for (let i = 0; i < 6000; i++) log.push(id(i));
    log.push(id(7));
    const history = new ProcessHistory(log, { indexMemorySlots: 512 });
    try {
      expect(history.seqOf(id(4321))).toBe(4322);
      expect(history.seqOf(id(7))).toBe(6001);
      expect(history.seqOf(id(5999))).toBe(6000);
      expect(history.indexMemoryBytes).toBeLessThanOrEqual(512 * 16);
    } finally {
      history.close();
    }
  });
});

function tx(i: number): StoredTx {
  return { id: id(i, 't'), owner: { address: 'a'.repeat(43), key: '' }, target: 't'.repeat(43), anchor: '', signature: '', tags: [{ name: 'N', value: String(i) }], data: Buffer.from(`d${i}`), timestamp: i };
}

describe('TxStore memory', () => {
  it('holds a bounded number of entries and index bytes in memory after many more items', () => {
    const store = new TxStore(64, 256);
    const held: number[] = [];
    try {
      for (let i = 0; i < 8000; i++) {
        store.set(tx(i).id, tx(i));
        if (i % 2000 === 1999) held.push(store.held + store.indexMemoryBytes);
      }
      expect(store.size).toBe(8000);
      expect(store.held).toBeLessThanOrEqual(128);
      expect(store.indexMemoryBytes).toBeLessThanOrEqual(256 * 16);
      expect(held.at(-1)).toBeLessThanOrEqual(held[0]!);
      expect(store.get(tx(17).id)).toEqual(tx(17));
      expect(store.has(tx(7999).id)).toBe(true);
      expect(store.has(id(17, 'not stored'))).toBe(false);
      // Set again after it was spooled, then deleted: counted once, then not at all.
      store.set(tx(3).id, { ...tx(3), data: Buffer.from('again') });
      expect([...store.values()].filter((t) => t.id === tx(3).id).map((t) => t.data.toString())).toEqual(['again']);
      expect(store.delete(tx(4).id)).toBe(true);
      expect(store.get(tx(4).id)).toBeUndefined();
      expect([...store.values()]).toHaveLength(7999);
    } finally {
      store.close();
    }
  });
});
