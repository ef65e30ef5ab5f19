// The first engine thread of a one-shot run, started before the rest of the
// program loads (src/cli.ts calls this first thing): its modules, wasmoon and
// a bare Lua state load on their own core while the CLI parses its arguments
// and opens the process. process-engine.ts takes it for the first engine.
// Kept apart from process-engine.ts so that starting it waits for nothing else.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startThread } from './code-cache.js';
import type { SpareSetup } from './engine-protocol.js';

let early: { worker: Worker; exited: boolean } | undefined;

/** A thread bin/aos-ts.js started before the CLI loaded (it cannot import this module). */
interface EarlyThread {
  kind: 'engine' | 'host';
  worker: Worker;
  exited: boolean;
}
const EARLY_THREAD = Symbol.for('aos-ts.early-thread');

/**
 * The thread of `kind` that bin/aos-ts.js started (an engine thread for
 * `--run`, the shell's process thread), once; undefined when it started none,
 * another kind, or it has ended.
 */
export function takeEarlyThread(kind: EarlyThread['kind']): Worker | undefined {
  const slot = globalThis as { [EARLY_THREAD]?: EarlyThread };
  const got = slot[EARLY_THREAD];
  if (got?.kind !== kind) return undefined;
  delete slot[EARLY_THREAD];
  return got.exited ? undefined : got.worker;
}

/**
 * The built entry of an engine thread: the one-file bundle
 * (scripts/bundle-threads.mjs), else the compiled module; undefined when
 * running from the TypeScript sources. (`../engine/`: this module may itself
 * sit in a bundle one folder under dist/, such as dist/local/worker-host.cjs.)
 */
export function builtWorkerEntry(): URL | undefined {
  for (const name of ['../engine/engine-worker.cjs', '../engine/engine-worker.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** Start a bare engine thread now (only where a built entry exists; from the sources nothing happens). */
export function prestartEngineThread(): void {
  if (early) return;
  const given = takeEarlyThread('engine');
  if (given) {
    const entry = { worker: given, exited: false };
    given.once('exit', () => (entry.exited = true));
    early = entry;
    return;
  }
  const file = builtWorkerEntry();
  if (!file) return;
  const spare: SpareSetup = { spare: 'bare' };
  const worker = startThread(file, { workerData: spare });
  // Unused, it must not keep the program alive (a command that made no engine).
  worker.unref();
  const entry = { worker, exited: false };
  worker.on('error', () => {});
  worker.once('exit', () => (entry.exited = true));
  early = entry;
}

/** The thread prestartEngineThread() started, once, if it is still running. */
export function takePrestartedThread(): Worker | undefined {
  const got = early;
  early = undefined;
  return got && !got.exited ? got.worker : undefined;
}
