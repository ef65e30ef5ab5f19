// Messages for a process that another aos-ts program holds open. The sender
// appends (under the short lock, flushed); the holder reads from the offset
// its log says it has consumed. The file only grows, so a record's offset is
// an exact, crash-proof "consumed up to here".
//
// Damage never stops delivery: an append is all or nothing (a failed one is
// cut back off, a dead sender's half line is moved aside by the next sender),
// and a complete line that is not a message is copied to a side file, blanked
// in place (offsets stay valid) and named in a notice; the rest is delivered.
import { StoreError } from './store-error.js';
import fs from 'node:fs';
import { join } from 'node:path';
import type { AoMessage } from '../engine/types.js';
import { fsyncDir, keepAside, StoreWriteError, storeIo, writeFailure, writeFully } from './fsync.js';
import type { Origin } from './local-process.js';
import { withShortLock } from './lock.js';

export const MAILBOX_FILE = 'incoming.jsonl';

export interface MailboxItem {
  msg: AoMessage;
  origin?: Origin;
  /** Byte offset just past this item: what the record that handles it stores. */
  end: number;
}

export function mailboxPath(processDir: string): string {
  return join(processDir, MAILBOX_FILE);
}

const NL = 0x0a;

/**
 * Append one message, durably and whole, or throw (StoreWriteError naming the
 * file) leaving the mailbox as it was: a caller may only say "delivered" when
 * this returns.
 */
export function appendToMailbox(
  processDir: string,
  entry: { msg: AoMessage; origin?: Origin },
  onNotice?: (text: string) => void,
): void {
  const file = mailboxPath(processDir);
  const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
  try {
    appendLocked(processDir, file, line, onNotice);
  } catch (err) {
    // The short lock's own file may be what could not be written.
    if (err instanceof StoreWriteError && err.file !== file) throw writeFailure(err.cause ?? err, err.file, 'the message was not sent');
    throw err;
  }
}

function appendLocked(processDir: string, file: string, line: Buffer, onNotice?: (text: string) => void): void {
  withShortLock(processDir, () => {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    } catch (err) {
      throw writeFailure(err, file, 'the message was not sent');
    }
    try {
      let before = fs.fstatSync(fd).size;
      // Under the short lock nobody else is writing: a line without its
      // newline is what a sender that died (or a failed disk) left.
      const whole = lastNewlineEnd(fd, before);
      if (whole < before) {
        const aside = `${file}.partial-${whole}`;
        const tail = Buffer.alloc(before - whole);
        fs.readSync(fd, tail, 0, tail.length, whole);
        keepAside(aside, tail, 'the mailbox was not changed');
        cutBack(fd, whole);
        onNotice?.(`${file}: an unfinished line at byte ${whole} (${tail.length} bytes, left by a sender that stopped) was moved to ${aside}`);
        before = whole;
      }
      try {
        writeFully(fd, line, before);
        storeIo.fsyncSync(fd);
        const after = fs.fstatSync(fd).size;
        if (after !== before + line.length) {
          throw Object.assign(new Error(`${file} is ${after} bytes after the append, expected ${before + line.length}`), { code: 'EIO' });
        }
      } catch (err) {
        try {
          cutBack(fd, before);
        } catch {
          // The next sender moves a half line aside anyway.
        }
        throw writeFailure(err, file, 'the message was not sent');
      }
    } finally {
      fs.closeSync(fd);
    }
  });
}

/**
 * The byte offset just past the last message line (blank lines, left where
 * damaged lines were, and a line still being written do not count): mail is
 * waiting when this is past the offset a process has consumed.
 */
export function mailboxSize(processDir: string): number {
  const file = mailboxPath(processDir);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw unreadable(file, err);
  }
  if (!st.isFile()) throw unreadable(file, Object.assign(new Error('not a file'), { code: 'EISDIR' }));
  const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const hit = sizeCache.get(file);
  if (hit && hit.key === key) return hit.end;
  let end = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      end = lastMessageEnd(fd, st.size);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw unreadable(file, err);
  }
  if (sizeCache.size > 1000) sizeCache.clear();
  sizeCache.set(file, { key, end });
  return end;
}

const sizeCache = new Map<string, { key: string; end: number }>();

/**
 * Whole message lines after `offset`; a line still being written (no newline
 * yet) waits for the next read. A complete line that is not a message is
 * reported through onNotice, copied beside the mailbox and blanked, and the
 * lines after it are still delivered.
 */
export function readMailbox(processDir: string, offset: number, onNotice?: (text: string) => void): MailboxItem[] {
  const file = mailboxPath(processDir);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable(file, err);
  }
  if (size <= offset) return [];
  const buf = Buffer.alloc(size - offset);
  try {
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, buf.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw unreadable(file, err);
  }
  const items: MailboxItem[] = [];
  let start = 0;
  for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
    const raw = buf.subarray(start, nl);
    const at = offset + start;
    start = nl + 1;
    if (isBlank(raw)) continue;
    const got = parseEntry(raw.toString('utf8'));
    if (typeof got === 'string') {
      setLineAside(file, at, raw, got, onNotice);
      continue;
    }
    items.push({ ...got, end: offset + start });
  }
  return items;
}

function parseEntry(line: string): { msg: AoMessage; origin?: Origin } | string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return 'not JSON (a damaged or hand-written line)';
  }
  if (!isObject(entry)) return 'not a {"msg": ...} object';
  const msg = entry.msg;
  if (!isObject(msg)) return '"msg" is not a message object';
  if (typeof msg.Id !== 'string' || typeof msg.From !== 'string') return 'the message has no Id or From';
  if (!Array.isArray(msg.Tags) || !msg.Tags.every((t) => isObject(t) && typeof t.name === 'string' && typeof t.value === 'string')) {
    return 'the message Tags are not a list of {name, value} strings';
  }
  const origin = entry.origin;
  if (origin !== undefined) {
    if (!isObject(origin) || typeof origin.process !== 'string' || !Number.isSafeInteger(origin.seq) || !Number.isSafeInteger(origin.index)) {
      return '"origin" is not {process, seq, index}';
    }
  }
  return entry as { msg: AoMessage; origin?: Origin };
}

/** Keep a bad line beside the mailbox, then blank it (same length, so every offset stays right). */
function setLineAside(file: string, at: number, raw: Buffer, why: string, onNotice?: (text: string) => void): void {
  const aside = `${file}.bad-${at}`;
  const lineNo = lineNumberAt(file, at);
  try {
    keepAside(aside, raw, 'the mailbox was not changed');
    const fd = fs.openSync(file, 'r+');
    try {
      writeFully(fd, Buffer.alloc(raw.length, 0x20), at);
      storeIo.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    onNotice?.(`${file} line ${lineNo}: ${why}; it was moved to ${aside} and skipped, the other messages are delivered`);
  } catch (err) {
    // Could not move it (disk full?): still skip it; it is reported again next time.
    onNotice?.(`${file} line ${lineNo}: ${why}; it was skipped (could not move it aside: ${(err as Error).message})`);
  }
}

function lineNumberAt(file: string, at: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(at);
    fs.readSync(fd, buf, 0, at, 0);
    let n = 1;
    for (let i = buf.indexOf(NL); i !== -1; i = buf.indexOf(NL, i + 1)) n++;
    return n;
  } finally {
    fs.closeSync(fd);
  }
}


function cutBack(fd: number, size: number): void {
  fs.ftruncateSync(fd, size);
  storeIo.fsyncSync(fd);
}

/** The mailbox cannot be read at all (a folder in its place, no permission). */
export class MailboxError extends StoreError {
  override readonly name = 'MailboxError';
}

function unreadable(file: string, err: unknown): MailboxError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new MailboxError(`cannot read the mailbox ${file} (${code}); messages other programs sent there wait. Fix or move that file aside.`, file);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isBlank(raw: Buffer): boolean {
  for (const b of raw) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

const CHUNK = 64 * 1024;

/** Offset just past the last newline in the first `size` bytes (0 when none). */
function lastNewlineEnd(fd: number, size: number): number {
  for (let hi = size; hi > 0; ) {
    const lo = Math.max(0, hi - CHUNK);
    const buf = Buffer.alloc(hi - lo);
    fs.readSync(fd, buf, 0, buf.length, lo);
    const i = buf.lastIndexOf(NL);
    if (i !== -1) return lo + i + 1;
    hi = lo;
  }
  return 0;
}

/** Offset just past the last complete line that is not blank (0 when none). */
function lastMessageEnd(fd: number, size: number): number {
  let end = lastNewlineEnd(fd, size);
  while (end > 0) {
    // The line ending at `end` runs from the newline before it.
    const start = lastNewlineEnd(fd, end - 1);
    const len = end - 1 - start;
    if (len > 0) {
      const line = Buffer.alloc(Math.min(len, CHUNK));
      // Blanked lines are all spaces: a look at their first bytes is enough to see text.
      fs.readSync(fd, line, 0, line.length, start);
      if (!isBlank(line) || (len > CHUNK && !isBlankRange(fd, start, end - 1))) return end;
    }
    end = start;
  }
  return 0;
}

function isBlankRange(fd: number, from: number, to: number): boolean {
  for (let p = from; p < to; p += CHUNK) {
    const buf = Buffer.alloc(Math.min(CHUNK, to - p));
    fs.readSync(fd, buf, 0, buf.length, p);
    if (!isBlank(buf)) return false;
  }
  return true;
}
