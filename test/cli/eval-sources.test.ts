// The shell finds the source of an earlier shell's input in the process's log,
// read again when the last read did not see it (the log grew, or a record was
// being written when it was read).
import { describe, expect, it } from 'vitest';
import { sourcesFromLog } from '../../src/cli/eval-sources.js';
import type { ProcessRecord } from '../../src/local/records.js';

function evalRecord(seq: number, chunk: string, data: string): ProcessRecord {
  return {
    kind: 'message',
    seq,
    msg: { Id: `m${seq}`, Data: data, Tags: [{ name: 'Action', value: 'Eval' }, { name: 'Chunk-Name', value: chunk }] },
    result: { Output: '', Messages: [], Spawns: [], Assignments: [] },
  } as unknown as ProcessRecord;
}

describe('sourcesFromLog', () => {
  it("finds an earlier shell's input, reading the log again when the first read did not have it", () => {
    const log: ProcessRecord[] = [evalRecord(1, 'input 1 @01:02:03', 'x = 1')];
    let reads = 0;
    const find = sourcesFromLog(() => {
      reads += 1;
      return [...log];
    });
    expect(find('input 1 @01:02:03')?.source).toBe('x = 1');
    log.push(evalRecord(2, 'input 1 @04:05:06', 'function f(t)\n  return t.a\nend'));
    expect(find('input 1 @04:05:06')?.source).toBe('function f(t)\n  return t.a\nend');
    expect(reads).toBe(2);
    // an unknown name of this form reads once more and finds nothing; other names are not re-read
    expect(find('input 9 @07:08:09')).toBeUndefined();
    expect(find('something else')).toBeUndefined();
    expect(reads).toBe(3);
  });

  it('reads again after a read that failed part way', () => {
    let fail = true;
    const find = sourcesFromLog(function* () {
      yield evalRecord(1, 'input 1 @01:02:03', 'a = 1');
      if (fail) {
        fail = false;
        throw new Error('a record being written');
      }
      yield evalRecord(2, 'input 2 @01:02:03', 'b = 2');
    });
    expect(find('input 2 @01:02:03')?.source).toBe('b = 2');
  });
});
