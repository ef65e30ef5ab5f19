// The shell's side of a local process that runs in a worker thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LOCAL_CAPABILITIES, type Connection, type LiveMessage, type OutgoingMessage, type ProcessInfo } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import { takeEarlyThread } from '../engine/engine-thread-start.js';
import { startThread } from '../engine/code-cache.js';
import type { Event, Request, WorkerInit } from './worker-host.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type RequestBody<R = Request> = R extends unknown ? Omit<R, 'id'> : never;

export class WorkerConnection implements Connection {
  readonly capabilities = LOCAL_CAPABILITIES;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly liveListeners = new Set<(m: LiveMessage) => void>();
  /** Live messages that arrived before anyone listened. */
  private readonly unheard: LiveMessage[] = [];
  private information!: ProcessInfo;
  /** The process folder (for the shell's history file). */
  dir!: string;
  created = false;
  /** The prompt sent with "ready", used once, before anything has changed it. */
  private firstPrompt?: string;

  private constructor(private readonly worker: Worker) {}

  /** Stop the worker at once, wherever it is (the program is ending on a signal). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  static async open(init: WorkerInit, onNotice: (text: string) => void): Promise<WorkerConnection> {
    // The one-file bundle of the thread's modules when the build made it (scripts/bundle-threads.mjs).
    // (`../local/`: this module may itself sit in a bundle one folder under dist/.)
    const bundled = new URL('../local/worker-host.cjs', import.meta.url);
    const entry = existsSync(fileURLToPath(bundled)) ? bundled : new URL('../local/worker-host.js', import.meta.url);
    // The thread bin/aos-ts.js started already, if it did: it waits for this init.
    const early = takeEarlyThread('host');
    early?.ref();
    early?.postMessage(init);
    const worker = early ?? startThread(entry, { workerData: init });
    const conn = new WorkerConnection(worker);
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (e: Event) => {
        if (e.type === 'ready') {
          conn.information = e.info;
          conn.dir = e.dir;
          conn.created = e.created;
          conn.firstPrompt = e.prompt;
          resolve();
        } else if (e.type === 'failed') reject(new Error(e.error));
        else conn.onEvent(e, onNotice);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the process worker stopped (exit code ${code})`));
        for (const p of conn.pending.values()) p.reject(new Error('the process worker stopped'));
        conn.pending.clear();
      });
    });
    return conn;
  }

  private onEvent(e: Event, onNotice: (text: string) => void): void {
    if (e.type === 'reply') {
      const p = this.pending.get(e.id);
      this.pending.delete(e.id);
      if (e.error !== undefined) p?.reject(new Error(e.error));
      else p?.resolve(e.value);
    } else if (e.type === 'live') {
      // Kept until the shell listens (catch-up deliveries may come before it does).
      if (this.liveListeners.size === 0) this.unheard.push(e.message);
      for (const l of this.liveListeners) l(e.message);
    } else if (e.type === 'notice') {
      onNotice(e.text);
    }
  }

  private call<T>(body: RequestBody): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  info(): ProcessInfo {
    return this.information;
  }

  eval(code: string): Promise<AoResult> {
    return this.call({ op: 'eval', code });
  }

  send(message: OutgoingMessage): Promise<AoResult> {
    return this.call({ op: 'send', message });
  }

  dryrun(message: OutgoingMessage): Promise<AoResult> {
    return this.call({ op: 'dryrun', message });
  }

  prompt(): Promise<string> {
    const first = this.firstPrompt;
    this.firstPrompt = undefined;
    return first !== undefined ? Promise.resolve(first) : this.call({ op: 'prompt' });
  }

  inspect(lua: string): Promise<unknown> {
    return this.call({ op: 'inspect', lua });
  }

  undo(): Promise<string | undefined> {
    return this.call({ op: 'undo' });
  }

  /** .monitor / .unmonitor: run or stop the cron ticks; says what happened. */
  monitor(on: boolean): Promise<string> {
    return this.call({ op: 'monitor', on });
  }

  resolve(nameOrId: string): Promise<string | undefined> {
    return this.call({ op: 'resolve', nameOrId });
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    this.liveListeners.add(listener);
    for (const m of this.unheard.splice(0)) listener(m);
    return () => this.liveListeners.delete(listener);
  }

  async close(): Promise<void> {
    try {
      await this.call({ op: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }
}
