// Read-only work on processes (dry-runs, Lua reads) in worker threads: one
// worker per process recently read, holding a copy of its state that is
// refreshed only when the process has handled messages since. A job that
// outlives its time has its worker terminated (whatever the Lua code is
// doing), so the HTTP thread always stays free.
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from '../engine/process-engine.js';
import type { MemoryImage } from '../engine/memory-image.js';
import type { AoEnv, AoMessage, AoResult } from '../engine/types.js';
import { RESYNC, type HostJob, type HostReply, type Replay } from './dryrun-host.js';
import { HttpError } from './http.js';

export const MAX_WORKERS = 3;

interface Slot {
  worker?: Worker;
  /** The process seq whose state the worker holds. */
  seq?: number;
  chain: Promise<unknown>;
  jobs: number;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; started: () => void }>;
  lastUsed: number;
}

/**
 * What a job needs from the process: its seq now and its state (taken only
 * when needed): an image, or an older image and the messages that bring it
 * to the seq (while the process is busy, its engine cannot be copied).
 */
export interface StateSource {
  pid: string;
  seq: () => number;
  image: () => MemoryImage | 'fresh' | { image: MemoryImage; replay: Replay };
  /** What the process handled after `seq` (to replay), or undefined when only the image will do. */
  since?: (seq: number) => Replay | undefined;
}

/** Longest run of messages replayed in a worker instead of sending the whole state. */
export const MAX_REPLAY = 64;

/** How long a read worker may take to start a job (boot, restore the state, replay): generous, for a loaded machine. */
const STARTUP_LIMIT_MS = 60_000;

export class DryrunPool {
  private readonly slots = new Map<string, Slot>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly engine: EngineOptions = {}) {}

  /** A dry-run; a function for `msg` makes the message when the job starts (on the state of that moment). */
  dryrun(src: StateSource, msg: AoMessage | (() => AoMessage), env: AoEnv, timeoutMs: number): Promise<AoResult> {
    return this.run(
      src,
      (image, replay) => ({ id: 0, op: 'dryrun', image: image === 'fresh' ? undefined : image, replay, msg: typeof msg === 'function' ? msg() : msg, env }),
      timeoutMs,
    ) as Promise<AoResult>;
  }

  evalLua(src: StateSource, lua: string, timeoutMs: number): Promise<unknown> {
    return this.run(src, (image, replay) => ({ id: 0, op: 'eval', image, replay, lua }), timeoutMs);
  }

  /** Jobs queued or running for this process. */
  queued(pid: string): number {
    return this.slots.get(pid)?.jobs ?? 0;
  }

  private run(src: StateSource, make: (image?: MemoryImage | 'fresh', replay?: Replay) => HostJob, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new HttpError(503, 'the node is shutting down'));
    const slot = this.slot(src.pid);
    slot.jobs += 1;
    const p = slot.chain.then(() =>
      this.exec(src, slot, make, timeoutMs).catch((err: Error) => {
        // The worker's copy went out of step: once more with the whole state.
        if (err.message !== RESYNC) throw err;
        slot.seq = undefined;
        return this.exec(src, slot, make, timeoutMs);
      }),
    );
    slot.chain = p.catch(() => undefined);
    return p.finally(() => {
      slot.jobs -= 1;
      slot.lastUsed = Date.now();
    });
  }

  private exec(src: StateSource, slot: Slot, make: (image?: MemoryImage | 'fresh', replay?: Replay) => HostJob, timeoutMs: number): Promise<unknown> {
    // A worker stopped by an earlier job is replaced for this one.
    const worker = (slot.worker ??= this.spawnWorker(slot));
    const seq = src.seq();
    let job: HostJob;
    if (slot.seq === seq) job = make();
    else {
      const replay = slot.seq !== undefined && seq > slot.seq && seq - slot.seq <= MAX_REPLAY ? src.since?.(slot.seq) : undefined;
      if (replay && replay.through === slot.seq) job = make();
      else if (replay) {
        job = make(undefined, replay);
        slot.seq = replay.through;
      } else {
        const state = src.image();
        if (state !== 'fresh' && 'replay' in state) {
          job = make(state.image, state.replay);
          slot.seq = state.replay.through;
        } else {
          job = make(state);
          slot.seq = seq;
        }
      }
    }
    job.id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The limit is for the job's own code: it counts from when the worker says it started it, so
      // the start of a new worker (a thread, a Lua VM, the state to restore) is not taken for an
      // endless loop on a busy machine. Starting has a bound of its own.
      const stopAfter = (ms: number, status: number, text: string) =>
        setTimeout(() => {
          slot.pending.delete(job.id);
          this.stop(slot, `a read of process ${src.pid} before this one was stopped`);
          reject(new HttpError(status, text));
        }, ms);
      let timer = stopAfter(STARTUP_LIMIT_MS, 503, `the read worker for process ${src.pid} did not start within ${STARTUP_LIMIT_MS / 1000} s; try again`);
      slot.pending.set(job.id, {
        started: () => {
          clearTimeout(timer);
          timer = stopAfter(timeoutMs, 504, `the dry-run of process ${src.pid} ran longer than ${timeoutMs} ms and was stopped (an endless loop?); nothing changed`);
        },
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      worker.postMessage(job);
    });
  }

  private slot(pid: string): Slot {
    let slot = this.slots.get(pid);
    if (!slot) {
      this.evictIdle();
      slot = { chain: Promise.resolve(), jobs: 0, pending: new Map(), lastUsed: Date.now() };
      this.slots.set(pid, slot);
    }
    return slot;
  }

  private spawnWorker(slot: Slot): Worker {
    // `../node/`: this module may sit in a bundle one folder under dist/ (dist/cli/aos-ts.cjs).
    const host = new URL(`../node/dryrun-host.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
    const worker = host.pathname.endsWith('.ts')
      ? // Running from the TypeScript sources (tests): load the host through tsx.
        new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(host.href)}); })`, {
          eval: true,
          workerData: { engine: this.engine },
        })
      : new Worker(host, { workerData: { engine: this.engine } });
    worker.unref();
    slot.seq = undefined;
    worker.on('message', (r: HostReply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      if (r.started) return p.started();
      slot.pending.delete(r.id);
      if (r.error !== undefined) p.reject(new Error(r.error));
      else p.resolve(r.value);
    });
    worker.on('error', (err) => {
      if (slot.worker === worker) this.stop(slot, `the read worker failed (${err.message})`);
    });
    worker.on('exit', () => {
      if (slot.worker === worker) this.stop(slot, 'the read worker stopped');
    });
    return worker;
  }

  /** Stop the slot's worker; jobs waiting on it fail with 503, the next job gets a new one. */
  private stop(slot: Slot, why: string): void {
    const worker = slot.worker;
    slot.worker = undefined;
    slot.seq = undefined;
    for (const p of slot.pending.values()) p.reject(new HttpError(503, `${why}; try again`));
    slot.pending.clear();
    void worker?.terminate();
  }

  private evictIdle(): void {
    if (this.slots.size < MAX_WORKERS) return;
    const idle = [...this.slots.entries()].filter(([, s]) => s.jobs === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [pid, s] of idle) {
      if (this.slots.size < MAX_WORKERS) break;
      this.stop(s, 'evicted');
      this.slots.delete(pid);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.slots.entries()];
    this.slots.clear();
    await Promise.all(all.map(([, s]) => s.worker?.terminate()));
  }
}
