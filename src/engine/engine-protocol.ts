// What the host and a supervised engine's thread (engine-worker.ts) exchange.
import type { MessagePort } from 'node:worker_threads';
import type { EngineOptions } from './engine-common.js';
import type { MemoryImage } from './memory-image.js';

/** Slots of the shared counter array: the last request sent, the last reply made. */
export const REQUEST = 0;
export const REPLY = 1;

/**
 * The shared data buffer: a message or read and its reply cross in it as
 * UTF-8 bytes, with no structured clone, no port event and no string made
 * in the engine thread (the bytes go straight into the VM's memory). What
 * does not fit, and every other request, goes through the port.
 */
export const DATA_BYTES = 1 << 20;
export const HEADER_BYTES = 32;
/** Header fields (byte offsets, little-endian). */
export const H_OP = 0;
export const H_LEN1 = 4;
export const H_LEN2 = 8;
/** Int32 (read and written with Atomics): messages of a batch handled so far. */
export const H_DONE = 12;
/** Float64: the instruction budget (request) or the heap bytes in use (reply). */
export const H_NUMBER = 16;
/** Int64 (read and written with Atomics): when the message of a batch now running started (Date.now()). */
export const H_STARTED = 24;
/** H_OP values. A request: on the port, or one in the buffer; a reply: on the port, or a value (or done) in the buffer. */
export const ON_PORT = 0;
export const SHARED_HANDLE = 1;
export const SHARED_EVAL = 2;
export const SHARED_VALUE = 3;
/** A mark, a revert (H_LEN1: 1 keeps the mark), and their reply: done, no value. */
export const SHARED_MARK = 4;
export const SHARED_REVERT = 5;
export const SHARED_DONE = 6;
/**
 * A batch of messages, run one after another with no round trip between
 * them (H_LEN1: how many, H_LEN2: bytes of the environment, H_NUMBER: the
 * budget). The data area holds the u32 offset where replies go, the
 * environment, then each message as a u32 length and its bytes (4-aligned).
 * The engine thread stops after a message whose result is an Error (its
 * owner rolls back before the next one runs), and otherwise when all ran or
 * the reply area is full. Each reply goes to the reply area as an i32 length
 * and its bytes (4-aligned; -1: too big, it is on the port and ends the batch),
 * then H_DONE moves on. The reply: SHARED_BATCH_DONE, H_LEN1 how many ran,
 * H_LEN2 1 when handling the next one threw (its error reply is on the port).
 */
export const SHARED_BATCH = 7;
export const SHARED_BATCH_DONE = 8;

export interface WorkerSetup {
  ctl: SharedArrayBuffer;
  /** DATA_BYTES shared with the engine thread (see above); absent, everything goes through the port. */
  data?: SharedArrayBuffer;
  port: MessagePort;
  options: EngineOptions;
  /** Start from this state (else boot the OS from options.luaDir). */
  image?: MemoryImage;
  /** Start from this state, as encodeMemoryImage wrote it (gzipped when `gzip`): the thread decodes it. */
  encoded?: { bytes: Uint8Array; gzip: boolean };
}

/**
 * A thread started before its engine is wanted (this as its workerData): it
 * makes a bare VM ('bare'), or also boots the OS from `luaDir` in it
 * ('booted'), then waits for its WorkerSetup as a message.
 */
export type SpareKind = 'bare' | 'booted';
export interface SpareSetup {
  spare: SpareKind;
  luaDir?: string;
}

/** The thread's first message: ready (with the decoded state when it was given `encoded`), or why not. */
export type ReadyMessage =
  | { ready: true; memoryUsed: number; image?: MemoryImage; restoreMs?: number }
  | { ready: false; error: string };

export type EngineRequest =
  | { op: 'handle'; msg: string; env: string; budget: number }
  | { op: 'eval'; source: string }
  | { op: 'snapshot' }
  /** Keep a copy of the VM in the engine thread (for revert), replacing any earlier one. */
  | { op: 'mark' }
  /** Put the VM back to the copy kept by the last mark; `keep`: keep the copy for another revert. */
  | { op: 'revert'; keep: boolean }
  | { op: 'restore'; image: MemoryImage }
  | { op: 'close' };

export type EngineReply =
  | { ok: true; value?: string; image?: MemoryImage; memoryUsed: number }
  | { ok: false; crashed: boolean; error: string; memoryUsed: number };

