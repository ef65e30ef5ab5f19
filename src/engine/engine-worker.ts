// The thread a supervised engine (process-engine.ts) runs in. It holds one
// LuaVm and answers requests one at a time, synchronously: the host posts a
// request on the port, bumps ctl[REQUEST] and waits on ctl[REPLY]; this
// thread waits on ctl[REQUEST], takes the request off the port, runs it,
// posts the reply and bumps ctl[REPLY]. No event loop turn sits between a
// request and its reply. If a request overruns, the host terminates this
// thread (the wait is interruptible) and builds a new one.
import { gunzipSync } from 'node:zlib';
import { receiveMessageOnPort, workerData, parentPort } from 'node:worker_threads';
import {
  H_DONE,
  H_LEN1,
  H_LEN2,
  H_NUMBER,
  H_STARTED,
  H_OP,
  HEADER_BYTES,
  ON_PORT,
  REPLY,
  REQUEST,
  SHARED_DONE,
  SHARED_BATCH,
  SHARED_BATCH_DONE,
  SHARED_EVAL,
  SHARED_HANDLE,
  SHARED_MARK,
  SHARED_REVERT,
  SHARED_VALUE,
  type EngineReply,
  type EngineRequest,
  type ReadyMessage,
  type SpareSetup,
  type WorkerSetup,
} from './engine-protocol.js';
import { DEFAULT_MEMORY_LIMIT, LuaVm } from './lua-vm.js';
import { osLuaDir } from './lua-modules.js';
import { decodeMemoryImage, type MemoryImage } from './memory-image.js';
import { traceStep } from './startup-trace.js';
import { saveThreadCodeCache } from './code-cache.js';

traceStep('engine thread: modules loaded');

/** A VM made before the setup came: bare, or booted from `bootedFrom`. */
interface EarlyVm {
  vm: LuaVm;
  bootedFrom?: string;
}

/** The VM the setup asks for, from the one made meanwhile; with the state it was given encoded. */
async function makeVm(early: Promise<EarlyVm | undefined>, setup: WorkerSetup): Promise<{ vm: LuaVm; image?: MemoryImage; restoreMs?: number }> {
  const luaDir = setup.options.luaDir ?? osLuaDir();
  const restoring = setup.encoded !== undefined || setup.image !== undefined;
  let got = await early;
  if (!got || (!restoring && got.bootedFrom !== undefined && got.bootedFrom !== luaDir)) {
    // none could be made (the error comes again, now reported), or it holds another OS
    got?.vm.close();
    got = { vm: await LuaVm.bare() };
  }
  const vm = got.vm;
  vm.setMemoryLimit(setup.options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
  if (setup.options.instructionBudget !== undefined) vm.options.instructionBudget = setup.options.instructionBudget;
  if (setup.encoded) {
    const started = performance.now();
    const { bytes, gzip } = setup.encoded;
    const { image } = decodeMemoryImage(gzip ? gunzipSync(bytes) : bytes);
    vm.restore(image);
    // The owner keeps this state (to roll back to): its pages go over in a buffer of their own.
    const pages = new Uint8Array(image.pages) as unknown as Buffer;
    traceStep('engine thread: state restored');
    return { vm, image: { ...image, pages }, restoreMs: performance.now() - started };
  }
  if (setup.image) vm.restore(setup.image);
  else if (got.bootedFrom === undefined) vm.boot(luaDir);
  return { vm };
}

async function main(): Promise<void> {
  // Every engine starts from a bare VM (wasmoon, its wasm, a Lua state): make
  // it while the setup (a state to restore, or boot a new process) is on its
  // way. A spare thread starts without its setup, which comes when an engine
  // is wanted; a 'booted' spare boots the OS meanwhile too (a restore then
  // simply overwrites it).
  const spare = workerData as SpareSetup | WorkerSetup;
  const bootDir = 'spare' in spare && spare.spare === 'booted' ? spare.luaDir : undefined;
  const early = LuaVm.bare().then(
    (vm): EarlyVm | undefined => {
      traceStep('engine thread: bare VM');
      if (bootDir === undefined) return { vm };
      try {
        vm.boot(bootDir);
        return { vm, bootedFrom: bootDir };
      } catch {
        vm.close();
        return undefined;
      }
    },
    () => undefined,
  );
  const setup = 'spare' in spare ? await new Promise<WorkerSetup>((resolve) => parentPort!.once('message', resolve)) : spare;
  traceStep('engine thread: setup received');
  const ctl = new Int32Array(setup.ctl);
  const port = setup.port;
  let vm: LuaVm;
  try {
    const made = await makeVm(early, setup);
    vm = made.vm;
    const ready: ReadyMessage = { ready: true, memoryUsed: vm.memoryUsed, image: made.image, restoreMs: made.restoreMs };
    traceStep('engine thread: ready');
    parentPort!.postMessage(ready, made.image ? [made.image.pages.buffer as ArrayBuffer] : []);
    // The first run after a build keeps this thread's compiled start-up code (Node 20); no-op otherwise.
    saveThreadCodeCache();
  } catch (err) {
    parentPort!.postMessage({ ready: false, error: (err as Error).message } satisfies ReadyMessage);
    return;
  }

  const shared = setup.data ? new Uint8Array(setup.data) : undefined;
  const header = setup.data ? new DataView(setup.data, 0, HEADER_BYTES) : undefined;
  /** A value reply into the shared buffer, when it fits; false sends it on the port instead. */
  const replyShared = (value: Uint8Array): boolean => {
    if (!shared || !header || value.length > shared.length - HEADER_BYTES) return false;
    shared.set(value, HEADER_BYTES);
    header.setInt32(H_LEN1, value.length, true);
    header.setFloat64(H_NUMBER, vm.memoryUsed, true);
    header.setInt32(H_OP, SHARED_VALUE, true);
    return true;
  };
  const decoder = new TextDecoder();
  /** The VM as the last 'mark' found it: reads that must leave no trace revert to it here, no copy crossing threads. */
  let marked: MemoryImage | undefined;
  const mark = (): void => {
    marked = vm.snapshot();
  };
  const revert = (keep: boolean): void => {
    if (!marked) throw new Error('nothing to revert to: no mark was made');
    vm.restore(marked);
    // A copy no longer needed is not kept: it is as large as the heap.
    if (!keep) marked = undefined;
  };

  /**
   * A batch of messages (see SHARED_BATCH): run one after another, each reply
   * written where the owner can read it even if this thread is stopped on a
   * later message (the time limit).
   */
  const runBatch = (): void => {
    const buf = shared!;
    const h = header!;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const progress = new Int32Array(buf.buffer, 0, HEADER_BYTES / 4);
    const clock = new BigInt64Array(buf.buffer, 0, HEADER_BYTES / 8);
    const count = h.getInt32(H_LEN1, true);
    const envLen = h.getInt32(H_LEN2, true);
    vm.options.instructionBudget = h.getFloat64(H_NUMBER, true);
    let out = view.getUint32(HEADER_BYTES, true);
    const env = buf.subarray(HEADER_BYTES + 4, HEADER_BYTES + 4 + envLen);
    let at = align4(HEADER_BYTES + 4 + envLen);
    let done = 0;
    let threw = 0;
    try {
      while (done < count) {
        const len = view.getUint32(at, true);
        const msg = buf.subarray(at + 4, at + 4 + len);
        at = align4(at + 4 + len);
        // Room for at least the length of a reply that goes on the port.
        if (out + 4 > buf.length) break;
        let failed = false;
        let onPort: string | undefined;
        Atomics.store(clock, H_STARTED / 8, BigInt(Date.now()));
        vm.handleBytes(msg, env, (reply) => {
          failed = isFailure(reply);
          if (out + 4 + reply.length <= buf.length) {
            view.setInt32(out, reply.length, true);
            buf.set(reply, out + 4);
            out = align4(out + 4 + reply.length);
          } else {
            view.setInt32(out, -1, true);
            out += 4;
            onPort = decoder.decode(reply);
          }
        });
        done++;
        if (onPort !== undefined) port.postMessage({ ok: true, value: onPort, memoryUsed: vm.memoryUsed } satisfies EngineReply);
        Atomics.store(progress, H_DONE / 4, done);
        // A failed message is rolled back by the owner before the next one may run.
        if (failed || onPort !== undefined) break;
      }
    } catch (err) {
      threw = 1;
      port.postMessage({ ok: false, crashed: vm.isCrashed, error: (err as Error).message, memoryUsed: vm.isCrashed ? 0 : vm.memoryUsed } satisfies EngineReply);
    }
    h.setInt32(H_LEN1, done, true);
    h.setInt32(H_LEN2, threw, true);
    h.setFloat64(H_NUMBER, vm.isCrashed ? 0 : vm.memoryUsed, true);
    h.setInt32(H_OP, SHARED_BATCH_DONE, true);
  };
  /** Whether a reply is an Error result (as readHandleReply reads it): the batch stops after it. */
  const isFailure = (reply: Uint8Array): boolean => {
    try {
      const r = JSON.parse(decoder.decode(reply)) as { ok?: boolean; response?: { Error?: unknown } };
      if (!r.ok) return true;
      const res = r.response;
      return res !== null && typeof res === 'object' && !Array.isArray(res) && res.Error !== undefined;
    } catch {
      return true;
    }
  };

  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, REQUEST, seen);
    const seq = Atomics.load(ctl, REQUEST);
    if (seq === seen) continue;
    seen = seq;
    const op = header ? header.getInt32(H_OP, true) : ON_PORT;
    if (op === SHARED_MARK || op === SHARED_REVERT) {
      let failed: EngineReply | undefined;
      try {
        if (op === SHARED_MARK) mark();
        else revert(header!.getInt32(H_LEN1, true) === 1);
        header!.setFloat64(H_NUMBER, vm.memoryUsed, true);
        header!.setInt32(H_OP, SHARED_DONE, true);
      } catch (err) {
        failed = { ok: false, crashed: vm.isCrashed, error: (err as Error).message, memoryUsed: vm.isCrashed ? 0 : vm.memoryUsed };
        header!.setInt32(H_OP, ON_PORT, true);
        port.postMessage(failed);
      }
      Atomics.store(ctl, REPLY, seq);
      Atomics.notify(ctl, REPLY);
      continue;
    }
    if (op === SHARED_BATCH) {
      runBatch();
      Atomics.store(ctl, REPLY, seq);
      Atomics.notify(ctl, REPLY);
      continue;
    }
    if (op === SHARED_HANDLE || op === SHARED_EVAL) {
      // A message or read in the shared buffer: its bytes go straight into the VM.
      const len1 = header!.getInt32(H_LEN1, true);
      const first = shared!.subarray(HEADER_BYTES, HEADER_BYTES + len1);
      let reply: EngineReply | undefined;
      try {
        let value: string | undefined;
        const sink = (out: Uint8Array) => (replyShared(out) ? undefined : decoder.decode(out));
        if (op === SHARED_HANDLE) {
          vm.options.instructionBudget = header!.getFloat64(H_NUMBER, true);
          const len2 = header!.getInt32(H_LEN2, true);
          value = vm.handleBytes(first, shared!.subarray(HEADER_BYTES + len1, HEADER_BYTES + len1 + len2), sink);
        } else {
          value = vm.evalLuaBytes(first, sink);
        }
        if (value !== undefined) reply = { ok: true, value, memoryUsed: vm.memoryUsed };
      } catch (err) {
        reply = { ok: false, crashed: vm.isCrashed, error: (err as Error).message, memoryUsed: vm.isCrashed ? 0 : vm.memoryUsed };
      }
      if (reply) {
        header!.setInt32(H_OP, ON_PORT, true);
        port.postMessage(reply);
      }
      Atomics.store(ctl, REPLY, seq);
      Atomics.notify(ctl, REPLY);
      continue;
    }
    let got = receiveMessageOnPort(port);
    // The request is queued before the counter moves; this is only a guard.
    while (!got) {
      Atomics.wait(ctl, REQUEST, seq, 1);
      got = receiveMessageOnPort(port);
    }
    const req = got.message as EngineRequest;
    let reply: EngineReply;
    const transfer: ArrayBuffer[] = [];
    try {
      reply = { ok: true, memoryUsed: 0 };
      switch (req.op) {
        case 'handle':
          // The budget travels with each message: the owner may raise it for a replay or a boot.
          vm.options.instructionBudget = req.budget;
          reply.value = vm.handleJson(req.msg, req.env);
          break;
        case 'eval':
          reply.value = vm.evalLuaJson(req.source);
          break;
        case 'snapshot': {
          const image = vm.snapshot();
          reply.image = image;
          // The pages are a fresh buffer of their own: hand it over, no copy.
          if (image.pages.byteOffset === 0 && image.pages.byteLength === image.pages.buffer.byteLength) {
            transfer.push(image.pages.buffer as ArrayBuffer);
          }
          break;
        }
        case 'mark':
          mark();
          break;
        case 'revert':
          revert(req.keep);
          break;
        case 'restore':
          vm.restore({ ...req.image, pages: Buffer.from(req.image.pages.buffer, req.image.pages.byteOffset, req.image.pages.byteLength) });
          break;
        case 'close':
          vm.close();
          break;
      }
      reply.memoryUsed = req.op === 'close' ? 0 : vm.memoryUsed;
    } catch (err) {
      reply = { ok: false, crashed: vm.isCrashed, error: (err as Error).message, memoryUsed: vm.isCrashed ? 0 : vm.memoryUsed };
    }
    header?.setInt32(H_OP, ON_PORT, true);
    port.postMessage(reply, transfer);
    Atomics.store(ctl, REPLY, seq);
    Atomics.notify(ctl, REPLY);
    if (req.op === 'close') return;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

void main();
