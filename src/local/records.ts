// The records of a process's message log: a handled message with its result
// (and, for deliveries, where it came from), or an undo.
import type { AoMessage, AoResult } from '../engine/types.js';

/** Where a delivered message came from, for exactly-once delivery between processes. */
export interface Origin {
  process: string;
  seq: number;
  index: number;
}

export interface MessagePayload {
  kind: 'message';
  msg: AoMessage;
  result: AoResult;
  origin?: Origin;
  /** For messages read from the mailbox: the byte offset just past them. */
  mailboxEnd?: number;
}

export interface EvaluateOptions {
  origin?: Origin;
  mailboxEnd?: number;
}

export interface UndoPayload {
  kind: 'undo';
  /** The seq of the record whose effects are undone. */
  undoes: number;
}

export type MessageRecord = MessagePayload & { seq: number };
export type UndoRecord = UndoPayload & { seq: number };

export type ProcessRecord = MessageRecord | UndoRecord;
