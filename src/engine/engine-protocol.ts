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
  image?: MemoryImage;
}

export type EngineRequest =
  | { op: 'handle'; msg: string; env: string; budget: number }
  | { op: 'eval'; source: string }
  | { op: 'snapshot' }
  | { op: 'restore'; image: MemoryImage }
  | { op: 'close' };

export type EngineReply =
  | { ok: true; value?: string; image?: MemoryImage; memoryUsed: number }
  | { ok: false; crashed: boolean; error: string; memoryUsed: number };

