// ProcessHistory keys message ids by a 30-bit hash; ids that share a hash
// must still each find their own record (the collision list), on a real log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageLog } from '../../src/local/message-log.js';
import { ProcessHistory, idHash, type HistorySource } from '../../src/local/history.js';
import type { ProcessRecord } from '../../src/local/records.js';

/** Two different 43-character ids with the same hash, found by a deterministic search. */
function collidingIds(): [string, string] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const seen = new Map<number, string>();
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  for (let n = 0; n < 5_000_000; n++) {
    let id = '';
    for (let i = 0; i < 43; i++) id += alphabet[next() & 63];
    const h = idHash(id);
    const other = seen.get(h);
    if (other !== undefined && other !== id) return [other, id];
    seen.set(h, id);
  }
  throw new Error('no collision found');
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function historyOver(log: MessageLog): ProcessHistory {
  const source: HistorySource = {
    get lastSeq() {
      return log.lastSeq;
    },
    records: (from, to) => log.read(from, to) as Iterable<ProcessRecord>,
  };
  return new ProcessHistory(source);
}

function message(id: string, output: string): Record<string, unknown> {
  return { kind: 'message', msg: { Id: id, Timestamp: '1000', Tags: [] }, result: { Output: output, Messages: [], Spawns: [], Assignments: [] } };
}

describe('ProcessHistory ids that share a hash', () => {
  it('finds each record by its own id, and a third id with the hash finds nothing', () => {
    const [a, b] = collidingIds();
    expect(a).not.toBe(b);
    expect(idHash(a)).toBe(idHash(b));
    const dir = mkdtempSync(join(tmpdir(), 'aos-ts-hist-ids-'));
    dirs.push(dir);
    const log = MessageLog.open(dir);
    try {
      const history = historyOver(log);
      log.append(message(a, 'first'));
      log.append(message('plain-id-without-collision-000000000000000', 'middle'));
      log.append(message(b, 'second'));
      expect(history.seqOf(a)).toBe(1);
      expect(history.seqOf(b)).toBe(3);
      expect(history.resultOf(a)?.result.Output).toBe('first');
      expect(history.resultOf(b)?.result.Output).toBe('second');
      // The same id logged again answers with its newest seq, even inside a collision list.
      log.append(message(a, 'again'));
      expect(history.seqOf(a)).toBe(4);
      expect(history.resultOf(a)?.result.Output).toBe('again');
      expect(history.seqOf(b)).toBe(3);
      // An id that is in neither record is not found, whatever its hash.
      expect(history.seqOf(a.slice(0, 42) + (a.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    } finally {
      log.close();
    }
  });
});
