// What the host and a supervised engine's thread (engine-worker.ts) exchange.
import type { MessagePort } from 'node:worker_threads';
import type { EngineOptions } from './engine-common.js';
import type { MemoryImage } from './memory-image.js';

/** Slots of the shared counter array: the last request sent, the last reply made. */
export const REQUEST = 0;
export const REPLY = 1;

export interface WorkerSetup {
  ctl: SharedArrayBuffer;
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
  | { op: 'restore'; image: MemoryImage }
  | { op: 'close' };

export type EngineReply =
  | { ok: true; value?: string; image?: MemoryImage; memoryUsed: number }
  | { ok: false; crashed: boolean; error: string; memoryUsed: number };

