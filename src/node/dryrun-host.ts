// A worker thread that evaluates read-only work (dry-runs, Lua reads) on a
// copy of a process's state, so a process's code never holds up the node's
// HTTP thread: a runaway is stopped by terminating this worker.
import { parentPort, workerData } from 'node:worker_threads';
import { ProcessEngine, type EngineOptions } from '../engine/process-engine.js';
import type { MemoryImage } from '../engine/memory-image.js';
import type { AoEnv, AoMessage } from '../engine/types.js';

export type HostJob =
  | { id: number; op: 'dryrun'; image?: MemoryImage; msg: AoMessage; env: AoEnv }
  | { id: number; op: 'eval'; image?: MemoryImage | 'fresh'; lua: string };

export type HostReply = { id: number; value?: unknown; error?: string };

const options = (workerData as { engine?: EngineOptions } | undefined)?.engine ?? {};
let engine: ProcessEngine | undefined;
let base: MemoryImage | undefined;

function asImage(image: MemoryImage): MemoryImage {
  // Buffers arrive as plain Uint8Arrays.
  return { ...image, pages: Buffer.from(image.pages.buffer, image.pages.byteOffset, image.pages.byteLength) };
}

async function run(job: HostJob): Promise<unknown> {
  if (job.image === 'fresh') {
    // A fresh sandboxed engine with the OS loaded: made once, restored after every call.
    engine?.close();
    engine = await ProcessEngine.create(options);
    base = engine.snapshot();
  } else if (job.image) {
    base = asImage(job.image);
    if (engine && !engine.isCrashed) engine.restore(base);
    else {
      engine?.close();
      engine = await ProcessEngine.fromImage(base, options);
    }
  }
  if (!engine || !base) throw new Error('no process state was loaded for this job');
  try {
    return job.op === 'dryrun' ? engine.handle({ ...job.msg, 'Read-Only': true }, job.env) : engine.evalLua(job.lua);
  } finally {
    if (engine.isCrashed) {
      engine.close();
      engine = await ProcessEngine.fromImage(base, options);
    } else engine.restore(base);
  }
}

parentPort!.on('message', (job: HostJob) => {
  run(job).then(
    (value) => parentPort!.postMessage({ id: job.id, value } satisfies HostReply),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: (err as Error).message ?? String(err) } satisfies HostReply),
  );
});
