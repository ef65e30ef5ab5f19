// The lock-free log reader: what another program sees of a log being written.
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogReader } from '../../src/local/log-reader.js';
import { MessageLog } from '../../src/local/message-log.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tempLog(): string {
  const d = mkdtempSync(join(tmpdir(), 'aos-ts-reader-'));
  dirs.push(d);
  return join(d, 'log');
}

describe('LogReader', () => {
  it('reads every record across segments, from any seq, and sees appends after refresh()', () => {
    const dir = tempLog();
    const log = MessageLog.open(dir, { segmentRecords: 3 });
    for (let i = 1; i <= 8; i++) log.append({ kind: 'message', n: i });
    log.flush();
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBe(3);
    const reader = new LogReader(dir);
    expect(reader.lastSeq).toBe(8);
    expect([...reader.read()].map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...reader.read(5)].map((r) => r.seq)).toEqual([5, 6, 7, 8]);
    log.append({ kind: 'message', n: 9 });
    log.flush();
    expect([...reader.read(9)]).toEqual([]); // not seen until refresh
    expect(reader.refresh()).toBe(9);
    expect([...reader.read(9)].map((r) => r.n)).toEqual([9]);
    log.close();
  });

  it('does not see a record still being written, and never changes the file', () => {
    const dir = tempLog();
    const log = MessageLog.open(dir);
    log.append({ kind: 'message', n: 1 });
    log.append({ kind: 'message', n: 2 });
    log.flush();
    log.close();
    const seg = join(dir, readdirSync(dir).find((f) => f.endsWith('.seg'))!);
    // Half a frame: a length header promising more bytes than are there.
    const partial = Buffer.alloc(10);
    partial.writeUInt32LE(500, 0);
    appendFileSync(seg, partial);
    const reader = new LogReader(dir);
    expect(reader.lastSeq).toBe(2);
    expect([...reader.read()].map((r) => r.n)).toEqual([1, 2]);
    // The torn tail is still there for the holder's own recovery to judge.
    const reopened = MessageLog.open(dir);
    expect(reopened.notices.join('\n')).toMatch(/dropped an incomplete record/);
    reopened.close();
  });

  it('an empty or missing log reads as nothing', () => {
    const reader = new LogReader(join(tempLog(), 'missing'));
    expect(reader.lastSeq).toBe(0);
    expect([...reader.read()]).toEqual([]);
  });
});
