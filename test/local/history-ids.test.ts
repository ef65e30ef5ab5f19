// ProcessHistory finds messages by id through a hashed index (IdIndex): each id
// finds its own record, an id logged again finds its newest, on a real log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageLog } from '../../src/local/message-log.js';
import { ProcessHistory, type HistorySource } from '../../src/local/history.js';
import type { ProcessRecord } from '../../src/local/records.js';

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

describe('ProcessHistory message ids', () => {
  it('finds each record by its own id, the newest for an id logged twice, and nothing for an unknown id', () => {
    const a = 'a'.repeat(42) + 'A';
    const b = 'a'.repeat(42) + 'B';
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
      // The same id logged again answers with its newest seq.
      log.append(message(a, 'again'));
      expect(history.seqOf(a)).toBe(4);
      expect(history.resultOf(a)?.result.Output).toBe('again');
      expect(history.seqOf(b)).toBe(3);
      // An id in no record is not found.
      expect(history.seqOf('a'.repeat(42) + 'C')).toBeUndefined();
    } finally {
      log.close();
    }
  });
});
