// A worker thread that evaluates read-only work (dry-runs, Lua reads) on a
// copy of a process's state, so a process's code never holds up the node's
// HTTP thread: a runaway is stopped by terminating this worker.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProcessEngine, type EngineOptions } from '../engine/process-engine.js';
import type { MemoryImage } from '../engine/memory-image.js';
import type { AoEnv, AoMessage } from '../engine/types.js';

/** Messages the process handled since the state the worker holds: replayed here instead of sending the whole image. */
export interface Replay {
  msgs: AoMessage[];
  env: AoEnv;
  /** The seq the state reaches after the replay. */
  through: number;
}

export type HostJob =
  | { id: number; op: 'dryrun'; image?: MemoryImage; replay?: Replay; msg: AoMessage; env: AoEnv }
  | { id: number; op: 'eval'; image?: MemoryImage | 'fresh'; replay?: Replay; lua: string };

/** The reply when a replay did not reproduce the process (the pool then sends the image). */
export const RESYNC = 'resync: the state copy is out of step';

/** `started`: the job's own code begins now (the worker is up and holds the state); the pool's time limit counts from here. */
export type HostReply = { id: number; value?: unknown; error?: string; started?: true };

const options = (workerData as { engine?: EngineOptions } | undefined)?.engine ?? {};
let engine: ProcessEngine | undefined;
let base: MemoryImage | undefined;

function asImage(image: MemoryImage): MemoryImage {
  // Buffers arrive as plain Uint8Arrays.
  return { ...image, pages: Buffer.from(image.pages.buffer, image.pages.byteOffset, image.pages.byteLength) };
}

/**
 * The successful messages replayed on `base` since it was taken: the state
 * the engine is marked at is base plus these (rebuilt so after a crash). A
 * long list is folded into a new base.
 */
let sinceBase: Replay[] = [];
let replayedSinceBase = 0;
const MAX_SINCE_BASE = 256;

/** A new engine at the marked state, after the old one was stopped. */
async function rebuild(): Promise<ProcessEngine> {
  const fresh = await ProcessEngine.fromImage(base!, options);
  for (const r of sinceBase) for (const m of r.msgs) await fresh.handle(m, r.env);
  await fresh.mark();
  return fresh;
}

async function run(job: HostJob): Promise<unknown> {
  if (job.image === 'fresh') {
    // A fresh sandboxed engine with the OS loaded: made once, reverted after every call.
    engine?.close();
    engine = await ProcessEngine.create(options);
    base = await engine.snapshot();
    sinceBase = [];
    replayedSinceBase = 0;
    await engine.mark();
  } else if (job.image) {
    base = asImage(job.image);
    sinceBase = [];
    replayedSinceBase = 0;
    if (engine && !engine.isCrashed) await engine.restore(base);
    else {
      engine?.close();
      engine = await ProcessEngine.fromImage(base, options);
    }
    if (!job.replay) await engine.mark();
  }
  if (!engine || !base) throw new Error(RESYNC);
  if (job.replay) {
    try {
      for (const m of job.replay.msgs) {
        const r = await engine.handle(m, job.replay.env);
        if (r.Error !== undefined) throw new Error(RESYNC);
      }
      sinceBase.push(job.replay);
      replayedSinceBase += job.replay.msgs.length;
      if (replayedSinceBase > MAX_SINCE_BASE) {
        base = await engine.snapshot();
        sinceBase = [];
        replayedSinceBase = 0;
      }
      await engine.mark();
    } catch {
      engine.close();
      engine = undefined;
      base = undefined;
      throw new Error(RESYNC);
    }
  }
  parentPort?.postMessage({ id: job.id, started: true } satisfies HostReply);
  try {
    return await (job.op === 'dryrun' ? engine.handle({ ...job.msg, 'Read-Only': true }, job.env) : engine.evalLua(job.lua));
  } finally {
    // Nothing the job did is kept: back to the mark, in the engine's own thread.
    if (engine.isCrashed) {
      engine.close();
      engine = undefined;
      engine = await rebuild();
    } else await engine.revert({ keep: true });
  }
}

// Imported for its types and RESYNC by the pool too: only a worker listens.
const port = parentPort;
if (port && !isMainThread) {
  port.on('message', (job: HostJob) => {
    run(job).then(
      (value) => port.postMessage({ id: job.id, value } satisfies HostReply),
      (err: unknown) => port.postMessage({ id: job.id, error: (err as Error).message ?? String(err) } satisfies HostReply),
    );
  });
}
