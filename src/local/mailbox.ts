// Messages for a process that another aos-ts program holds open. The sender
// appends (under the short lock, flushed); the holder reads from the offset
// its log says it has consumed. The file only grows, so a record's offset is
// an exact, crash-proof "consumed up to here".
import { closeSync, existsSync, fsyncSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AoMessage } from '../engine/types.js';
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

export function appendToMailbox(processDir: string, entry: { msg: AoMessage; origin?: Origin }): void {
  withShortLock(processDir, () => {
    const fd = openSync(mailboxPath(processDir), 'a');
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

export function mailboxSize(processDir: string): number {
  const file = mailboxPath(processDir);
  return existsSync(file) ? statSync(file).size : 0;
}

/** Whole lines after `offset`; a line still being written (no newline yet) waits for the next read. */
export function readMailbox(processDir: string, offset: number): MailboxItem[] {
  const size = mailboxSize(processDir);
  if (size <= offset) return [];
  const fd = openSync(mailboxPath(processDir), 'r');
  const buf = Buffer.alloc(size - offset);
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  const items: MailboxItem[] = [];
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    const line = buf.subarray(start, nl).toString('utf8');
    start = nl + 1;
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { msg: AoMessage; origin?: Origin };
    items.push({ ...entry, end: offset + start });
  }
  return items;
}
