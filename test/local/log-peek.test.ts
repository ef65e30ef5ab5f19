// MessageLog.peekLast: what `aos-ts list` shows, read without opening a log.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageLog } from '../../src/local/message-log.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('MessageLog.peekLast', () => {
  it('finds the newest complete record across segments, ignoring a torn tail and an empty last segment', () => {
    const dir = path.join(tempDataDir(), 'log');
    expect(MessageLog.peekLast(dir)).toEqual({ seq: 0 });
    const log = MessageLog.open(dir, { segmentRecords: 4 });
    for (let i = 1; i <= 10; i++) log.append({ kind: 'message', msg: { Timestamp: 1000 + i } });
    log.flush();
    let last = MessageLog.peekLast(dir);
    expect(last.seq).toBe(10);
    expect((last.record?.msg as { Timestamp: number }).Timestamp).toBe(1010);
    log.close();

    const segs = fs.readdirSync(dir).filter((n) => n.endsWith('.seg')).sort();
    const newest = path.join(dir, segs[segs.length - 1]!);
    // A half-written record at the end is not counted.
    fs.appendFileSync(newest, Buffer.from([50, 0, 0, 0, 1, 2]));
    expect(MessageLog.peekLast(dir).seq).toBe(10);
    // An empty newest segment: the one before answers.
    fs.writeFileSync(path.join(dir, '000000000099.seg'), '');
    last = MessageLog.peekLast(dir);
    expect(last.seq).toBe(10);
    expect(last.modifiedMs).toBeGreaterThan(0);
  });
});
