// One process = one wasmoon Lua VM running the aos process OS, supervised.
//
// The VM (lua-vm.ts) runs in a worker thread of its own. Every call (a
// message, a host read, a snapshot, a restore) is one round trip
// with a wall-clock deadline enforced here, outside the Lua state: the
// instruction budget inside the VM cannot stop everything (finalizers and
// message handlers run with hooks off, C functions such as pattern matching
// run as one instruction), but terminating the thread can. An overrun ends
// as an Error result naming the limit; the engine is then marked crashed, and
// its owner rebuilds it from its last good state (LocalProcess does: restore
// the checkpoint into a fresh engine and replay the successes since).
//
// Calls are asynchronous: a request goes through a MessagePort and the
// thread bumps a shared counter when its reply is there; this thread waits
// for that with Atomics.waitAsync (the deadline is the wait's timeout), so
// its event loop keeps serving other processes and requests meanwhile. The
// reply is taken off the port with receiveMessageOnPort (no 'message'
// event), and snapshot pages cross without a copy. One call at a time: a
// call made while another is out waits for it. snapshotSync() waits on
// this thread instead, and is refused while a call is out.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  DATA_BYTES,
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
  SHARED_BATCH,
  SHARED_BATCH_DONE,
  SHARED_DONE,
  SHARED_EVAL,
  SHARED_HANDLE,
  SHARED_MARK,
  SHARED_REVERT,
  SHARED_VALUE,
  type EngineReply,
  type EngineRequest,
  type ReadyMessage,
  type SpareKind,
  type SpareSetup,
  type WorkerSetup,
} from './engine-protocol.js';
import {
  DEFAULT_INSTRUCTION_BUDGET,
  DEFAULT_MEMORY_LIMIT,
  EngineCrashedError,
  readEvalReply,
  readHandleReply,
  type EngineOptions,
} from './engine-common.js';
import { builtWorkerEntry, takePrestartedThread } from './engine-thread-start.js';
import { startThread } from './code-cache.js';
import { osLuaDir } from './lua-modules.js';
import type { MemoryImage } from './memory-image.js';
import type { AoEnv, AoMessage, AoResult } from './types.js';

export { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_MEMORY_LIMIT, EngineCrashedError, type EngineOptions } from './engine-common.js';

/**
 * Wall-clock time one message or host read may take. Every kind of runaway
 * (bench/limits.mjs measures each) then ends in under 5 s here, the rebuild
 * included, while the longest legitimate messages of the test suite (a big
 * `.load`, the bint and crypto suites, blueprints) take under 0.4 s even on
 * a loaded machine.
 */
export const DEFAULT_TIME_LIMIT_MS = 3_000;

/**
 * Wall-clock time for work that is not a new message and cannot loop on a
 * process's code: snapshots and restores (their time grows with the heap),
 * and (see LocalProcess) replays of messages that once succeeded, which must
 * not fail because the machine is busier than when they first ran.
 */
export const REPLAY_TIME_LIMIT_MS = 30_000;

/** A call ran past the engine's time limit; the engine was stopped and must be rebuilt. */
export class TimeLimitError extends Error {
  constructor(limitMs: number) {
    super(
      `Stopped: this message ran past the ${formatSeconds(limitMs)} time limit ` +
        `(an endless loop, or long work inside one Lua library call). Nothing it did was kept.`,
    );
    this.name = 'TimeLimitError';
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

let devEntry: Promise<URL> | undefined;

/**
 * Running from the TypeScript sources (the tests), there is no engine-worker.js:
 * bundle the worker once per program with esbuild (a dev dependency) into the
 * git-ignored scratch/ folder, where `wasmoon` still resolves.
 */
function devWorkerEntry(): Promise<URL> {
  devEntry ??= (async () => {
    const { build } = await import('esbuild');
    const source = fileURLToPath(new URL('./engine-worker.ts', import.meta.url));
    const out = await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false });
    const code = out.outputFiles[0]!.text;
    const dir = fileURLToPath(new URL('../../scratch/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `engine-worker.${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
    }
    return pathToFileURL(file);
  })();
  return devEntry;
}

async function newWorker(setup: WorkerSetup | SpareSetup): Promise<Worker> {
  const entry = builtWorkerEntry() ?? (await devWorkerEntry());
  return startThread(entry, 'port' in setup ? { workerData: setup, transferList: [setup.port] } : { workerData: setup });
}

/**
 * Starting a thread and loading its modules costs more than making the VM,
 * so a program that makes engines one after another (a network, a rollback
 * after the time limit) keeps one spare thread loaded, with the OS booted. The
 * first engine of a program makes none: a one-shot run needs only one.
 */
let spare: Promise<Worker> | undefined;
let enginesMade = 0;

async function engineThread(setup: WorkerSetup): Promise<Worker> {
  const prestarted = takePrestartedThread();
  const waiting = prestarted ? Promise.resolve(prestarted) : spare;
  if (!prestarted) spare = undefined;
  enginesMade++;
  let worker: Worker | undefined;
  if (waiting) {
    worker = await waiting.catch(() => undefined);
    if (worker) {
      // Held by the program again until it is ready (a spare is not).
      worker.ref();
      worker.postMessage(setup, [setup.port]);
    }
  }
  worker ??= await newWorker(setup);
  if (enginesMade >= 2) spare = spareThread('booted');
  return worker;
}

function spareThread(kind: SpareKind): Promise<Worker> {
  const made = newWorker({ spare: kind, luaDir: osLuaDir() }).then((w) => {
    w.unref();
    w.on('error', () => {});
    return w;
  });
  made.catch(() => {
    if (spare === made) spare = undefined;
  });
  return made;
}

export class ProcessEngine {
  private seq = 0;
  private closed = false;
  private crashed = false;
  /** Why the engine cannot be used any more (for the error of a later call). */
  private crashReason = 'it crashed earlier';
  private used = 0;
  private lastEnv?: AoEnv;
  private lastEnvJson = '';

  /** The buffer shared with the engine thread (see engine-protocol.ts): its header and its bytes. */
  private readonly header: DataView;
  private readonly shared: Buffer;
  /** The header as Int32s, for the batch progress counter (H_DONE). */
  private readonly progress: Int32Array;
  /** The header as Int64s, for when the batch message running started (H_STARTED). */
  private readonly clock: BigInt64Array;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly ctl: Int32Array,
    readonly options: Required<Omit<EngineOptions, 'luaDir'>>,
    data: SharedArrayBuffer,
  ) {
    this.header = new DataView(data, 0, HEADER_BYTES);
    this.progress = new Int32Array(data, 0, HEADER_BYTES / 4);
    this.clock = new BigInt64Array(data, 0, HEADER_BYTES / 8);
    this.shared = Buffer.from(data);
  }

  static async create(opts: EngineOptions = {}): Promise<ProcessEngine> {
    return (await ProcessEngine.start(opts)).engine;
  }

  /** A fresh engine whose Lua state is exactly the one captured in `image`. */
  static async fromImage(image: MemoryImage, opts: EngineOptions = {}): Promise<ProcessEngine> {
    return (await ProcessEngine.start(opts, { image })).engine;
  }

  /**
   * fromImage() for a state as encodeMemoryImage wrote it (gzipped when
   * `gzip`), as read from a file: the engine's thread decodes it, and hands
   * the decoded image back (to keep as the state to roll back to), with what
   * decoding and restoring cost there.
   */
  static async fromEncodedImage(
    bytes: Uint8Array,
    gzip: boolean,
    opts: EngineOptions = {},
  ): Promise<{ engine: ProcessEngine; image: MemoryImage; restoreMs: number }> {
    const { engine, ready } = await ProcessEngine.start(opts, { encoded: { bytes, gzip } });
    if (!ready.image) throw new Error('the engine thread did not hand back the restored state');
    return { engine, image: asImage({ ok: true, image: ready.image, memoryUsed: ready.memoryUsed }), restoreMs: ready.restoreMs ?? 0 };
  }

  private static async start(
    opts: EngineOptions,
    from: Pick<WorkerSetup, 'image' | 'encoded'> = {},
  ): Promise<{ engine: ProcessEngine; ready: Extract<ReadyMessage, { ready: true }> }> {
    const options = {
      instructionBudget: opts.instructionBudget ?? DEFAULT_INSTRUCTION_BUDGET,
      memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT,
      timeLimitMs: opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
    };
    const ctl = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const data = new SharedArrayBuffer(DATA_BYTES);
    const { port1, port2 } = new MessageChannel();
    const worker = await engineThread({ ctl, data, port: port2, options: { ...opts, luaDir: opts.luaDir ?? osLuaDir() }, ...from });
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      worker.once('message', (m: ReadyMessage) => resolve(m));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the engine thread stopped while starting (exit code ${code})`)));
    }).catch((err: unknown) => ({ ready: false as const, error: (err as Error).message }));
    worker.removeAllListeners('message');
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    // A thread that dies later is found by the next call (no reply in time).
    worker.on('error', () => {});
    if (!ready.ready) {
      void worker.terminate();
      throw new Error(ready.error);
    }
    // An engine nobody closed must not keep the program alive.
    worker.unref();
    const self = new ProcessEngine(worker, port1, new Int32Array(ctl), options, data);
    self.used = ready.memoryUsed;
    return { engine: self, ready };
  }

  /**
   * Handle one message. Never throws for anything the Lua code does: errors,
   * the instruction budget, the memory limit and the time limit all come
   * back as `{ Error }` (after the time limit, isCrashed is true and the
   * engine must be rebuilt). Throws EngineCrashedError if the VM broke.
   */
  async handle(msg: AoMessage, env: AoEnv): Promise<AoResult> {
    return readHandleReply(await this.handleRaw(msg, env), this.options);
  }

  /** handle() returning the bridge's raw JSON reply (or a JSON `{ok:false}` for the time limit). */
  async handleRaw(msg: AoMessage, env: AoEnv): Promise<string> {
    if (env !== this.lastEnv) {
      this.lastEnv = env;
      this.lastEnvJson = JSON.stringify(env);
    }
    try {
      const reply = await this.call({ op: 'handle', msg: JSON.stringify(msg), env: this.lastEnvJson, budget: this.options.instructionBudget });
      return (reply as { value: string }).value;
    } catch (err) {
      if (err instanceof TimeLimitError) return JSON.stringify({ ok: false, error: err.message });
      throw err;
    }
  }

  /**
   * Handle several messages, in order, in one round trip to the engine
   * thread: what a queue of messages for one process costs is then the
   * messages themselves, not a wait for this thread between each. Each
   * message still has its own time limit (counted from its own start), and
   * its own result. The engine stops after the first message whose result
   * is an Error, or that overran or broke the engine: its owner must roll
   * back (or rebuild) before the rest may run, so only a prefix of `msgs` is
   * handled. `failure` is set when handling message `results.length` threw
   * (an EngineCrashedError: the engine must be rebuilt). Messages too big to
   * share the buffer with others go one at a time.
   */
  async handleBatch(msgs: AoMessage[], env: AoEnv): Promise<{ results: AoResult[]; failure?: Error }> {
    if (env !== this.lastEnv) {
      this.lastEnv = env;
      this.lastEnvJson = JSON.stringify(env);
    }
    const jsons: string[] = [];
    // Messages take at most half the buffer; replies get the rest.
    let room = (this.shared.length - HEADER_BYTES) / 2 - 8 - Buffer.byteLength(this.lastEnvJson);
    for (const m of msgs) {
      const json = JSON.stringify(m);
      const bytes = json.length * 3 <= room ? json.length * 3 : Buffer.byteLength(json);
      if (bytes + 8 > room) break;
      room -= bytes + 8;
      jsons.push(json);
    }
    if (jsons.length === 0) {
      try {
        return { results: [await this.handle(msgs[0]!, env)] };
      } catch (err) {
        return { results: [], failure: err as Error };
      }
    }
    const budget = this.options.instructionBudget;
    const envJson = this.lastEnvJson;
    let raws: string[];
    let failure: Error | undefined;
    try {
      ({ raws, failure } = await this.queued(() => this.exchangeBatch(jsons, envJson, budget)));
    } catch (err) {
      return { results: [], failure: err as Error };
    }
    return { results: raws.map((raw) => readHandleReply(raw, this.options)), failure };
  }

  /** Run host-side Lua (not a message) and return its JSON-encodable value; throws TimeLimitError on overrun. */
  async evalLua(source: string): Promise<unknown> {
    const reply = await this.call({ op: 'eval', source });
    return readEvalReply((reply as { value: string }).value, this.options);
  }

  /** Bytes in use by the Lua heap (as of the last call). */
  get memoryUsed(): number {
    return this.used;
  }

  /** True once the VM broke or was stopped for overrunning: rebuild it from a snapshot. */
  get isCrashed(): boolean {
    return this.crashed;
  }

  /** True while a call is out to the engine thread. */
  get isBusy(): boolean {
    return this.inFlight > 0;
  }

  /** Capture the whole VM (call only between messages). */
  async snapshot(): Promise<MemoryImage> {
    return asImage(await this.call({ op: 'snapshot' }));
  }

  /**
   * snapshot(), waiting on this thread: for callers that cannot wait
   * asynchronously (closing, a digest). Refused while another call is out,
   * so it never waits on a message that may be stuck.
   */
  snapshotSync(): MemoryImage {
    if (this.inFlight > 0) throw new Error('the engine is busy with a message');
    return asImage(this.callSync({ op: 'snapshot' }));
  }

  /** Put the VM back exactly as it was when `image` was taken. */
  async restore(image: MemoryImage): Promise<void> {
    await this.call({ op: 'restore', image });
  }

  /**
   * Keep a copy of the VM in its own thread (replacing the previous one):
   * revert() puts it back. For work that must leave no trace (a dry-run, a
   * read): unlike snapshot() and restore(), the copy never crosses threads.
   * Gone with the thread: after a crash, rebuild from an image of your own.
   */
  async mark(): Promise<void> {
    await this.call({ op: 'mark' });
  }

  /**
   * Put the VM back as the last mark() found it (throws if none was made).
   * The copy is then dropped (it is as large as the heap), unless `keep`.
   */
  async revert(opts: { keep?: boolean } = {}): Promise<void> {
    await this.call({ op: 'revert', keep: opts.keep === true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    // The thread holds nothing that must be written: its memory goes with it.
    void this.worker.terminate();
    this.abortWait?.();
  }

  private stop(): void {
    this.crashed = true;
    void this.worker.terminate();
  }

  /**
   * One request, one reply, one at a time: a call made while another is out
   * waits for it. The wait for the reply does not hold this thread (its
   * event loop keeps serving other work); the deadline is the wait's timeout.
   */
  private call(req: EngineRequest): Promise<EngineReply> {
    return this.queued(() => this.exchange(req));
  }

  /** Run `exchange` once no other call is out (see call). */
  private queued<T>(exchange: () => Promise<T>): Promise<T> {
    const run = this.inFlight++ === 0 ? exchange() : this.queue.then(exchange);
    const done = run.finally(() => this.inFlight--);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private abortWait?: () => void;

  private async exchange(req: EngineRequest): Promise<EngineReply> {
    const seq = this.send(req);
    const limit = this.limitOf(req);
    const waited = waitAsync(this.ctl, REPLY, seq - 1, limit);
    if (waited.async) {
      await this.waitForReply(waited.value, limit);
      if (this.closed) throw new Error('engine is closed');
      if (Atomics.load(this.ctl, REPLY) !== seq) this.overrun(limit);
    }
    return this.take();
  }

  /**
   * Wait for the thread's reply (Atomics.waitAsync), for at most `ms`; close()
   * ends the wait early. A pending wait does not keep the program alive by
   * itself: a timer does, for as long as the wait may last.
   */
  private async waitForReply(reply: Promise<string>, ms: number): Promise<void> {
    const keepAlive = setTimeout(() => {}, ms + 1000);
    try {
      await new Promise<string>((resolve) => {
        this.abortWait = () => resolve('closed');
        void reply.then(resolve);
      });
    } finally {
      clearTimeout(keepAlive);
      this.abortWait = undefined;
    }
  }

  /**
   * A batch (see SHARED_BATCH). The wait for the reply times out when the
   * message running has run past the time limit since its own start: the
   * thread is then stopped, the replies of the messages before it are read
   * from the buffer, and it gets a time-limit reply of its own.
   */
  private async exchangeBatch(msgs: string[], env: string, budget: number): Promise<{ raws: string[]; failure?: Error }> {
    if (this.closed) throw new Error('engine is closed');
    if (this.crashed) throw new EngineCrashedError(this.crashReason);
    const buf = this.shared;
    const h = this.header;
    const envLen = buf.write(env, HEADER_BYTES + 4);
    let at = align4(HEADER_BYTES + 4 + envLen);
    for (const m of msgs) {
      const len = buf.write(m, at + 4);
      buf.writeUInt32LE(len, at);
      at = align4(at + 4 + len);
    }
    const replyStart = at;
    buf.writeUInt32LE(replyStart, HEADER_BYTES);
    h.setInt32(H_LEN1, msgs.length, true);
    h.setInt32(H_LEN2, envLen, true);
    h.setFloat64(H_NUMBER, budget, true);
    Atomics.store(this.clock, H_STARTED / 8, BigInt(Date.now()));
    Atomics.store(this.progress, H_DONE / 4, 0);
    h.setInt32(H_OP, SHARED_BATCH, true);
    const seq = ++this.seq;
    Atomics.store(this.ctl, REQUEST, seq);
    Atomics.notify(this.ctl, REQUEST);
    const limit = this.options.timeLimitMs;
    for (;;) {
      const now = Atomics.load(this.ctl, REPLY);
      if (now === seq) break;
      // The message running now started at H_STARTED: it may run until then + limit.
      const left = Number(Atomics.load(this.clock, H_STARTED / 8)) + limit - Date.now();
      if (left <= 0) {
        const done = Atomics.load(this.progress, H_DONE / 4);
        this.stop();
        this.crashReason = `it was stopped at the ${formatSeconds(limit)} time limit and must be rebuilt`;
        const raws = this.readReplies(replyStart, done);
        raws.push(JSON.stringify({ ok: false, error: new TimeLimitError(limit).message }));
        return { raws };
      }
      const waited = waitAsync(this.ctl, REPLY, now, left);
      if (!waited.async) continue;
      await this.waitForReply(waited.value, left);
      if (this.closed) throw new Error('engine is closed');
    }
    if (h.getInt32(H_OP, true) !== SHARED_BATCH_DONE) {
      this.stop();
      throw new EngineCrashedError('its thread gave no batch reply');
    }
    const done = h.getInt32(H_LEN1, true);
    const threw = h.getInt32(H_LEN2, true) === 1;
    this.used = h.getFloat64(H_NUMBER, true);
    const raws = this.readReplies(replyStart, done);
    if (!threw) return { raws };
    const got = receiveMessageOnPort(this.port);
    const reply = got?.message as EngineReply | undefined;
    if (!reply || reply.ok) {
      this.stop();
      return { raws, failure: new EngineCrashedError('its thread sent no reply') };
    }
    if (!reply.crashed) return { raws, failure: new Error(reply.error) };
    this.stop();
    this.crashReason = reply.error;
    const err = new EngineCrashedError(reply.error);
    err.message = reply.error;
    return { raws, failure: err };
  }

  /** The first `done` replies of a batch (a reply too big for the buffer is on the port). */
  private readReplies(start: number, done: number): string[] {
    const buf = this.shared;
    const raws: string[] = [];
    let at = start;
    for (let i = 0; i < done; i++) {
      const len = buf.readInt32LE(at);
      if (len < 0) {
        const got = receiveMessageOnPort(this.port);
        raws.push(got ? String((got.message as { value?: string }).value ?? '') : JSON.stringify({ ok: false, error: 'the engine thread lost a reply' }));
        at += 4;
      } else {
        raws.push(buf.toString('utf8', at + 4, at + 4 + len));
        at = align4(at + 4 + len);
      }
    }
    return raws;
  }

  private callSync(req: EngineRequest): EngineReply {
    const seq = this.send(req);
    const limit = this.limitOf(req);
    const until = performance.now() + limit;
    for (;;) {
      const at = Atomics.load(this.ctl, REPLY);
      if (at === seq) break;
      const left = until - performance.now();
      if (left <= 0) this.overrun(limit);
      Atomics.wait(this.ctl, REPLY, at, left);
    }
    return this.take();
  }

  private send(req: EngineRequest): number {
    if (this.closed) throw new Error('engine is closed');
    if (this.crashed) throw new EngineCrashedError(this.crashReason);
    const seq = ++this.seq;
    if (!this.writeShared(req)) {
      this.header.setInt32(H_OP, ON_PORT, true);
      this.port.postMessage(req);
    }
    Atomics.store(this.ctl, REQUEST, seq);
    Atomics.notify(this.ctl, REQUEST);
    return seq;
  }

  /** A message or host read gets the time limit; a snapshot or restore (no process code runs) the larger replay limit. */
  private limitOf(req: EngineRequest): number {
    return req.op === 'snapshot' || req.op === 'restore' ? Math.max(this.options.timeLimitMs, REPLAY_TIME_LIMIT_MS) : this.options.timeLimitMs;
  }

  private overrun(limitMs: number): never {
    this.stop();
    this.crashReason = `it was stopped at the ${formatSeconds(limitMs)} time limit and must be rebuilt`;
    throw new TimeLimitError(limitMs);
  }

  /** A message or read into the shared buffer, when it fits; false when it must go on the port. */
  private writeShared(req: EngineRequest): boolean {
    if (req.op === 'mark' || req.op === 'revert') {
      this.header.setInt32(H_LEN1, req.op === 'revert' && req.keep ? 1 : 0, true);
      this.header.setInt32(H_OP, req.op === 'mark' ? SHARED_MARK : SHARED_REVERT, true);
      return true;
    }
    if (req.op !== 'handle' && req.op !== 'eval') return false;
    const buf = this.shared;
    const room = buf.length - HEADER_BYTES;
    const first = req.op === 'handle' ? req.msg : req.source;
    const second = req.op === 'handle' ? req.env : '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only when that bound does not fit.
    if ((first.length + second.length) * 3 > room && Buffer.byteLength(first) + Buffer.byteLength(second) > room) return false;
    const len1 = buf.write(first, HEADER_BYTES);
    const len2 = second === '' ? 0 : buf.write(second, HEADER_BYTES + len1);
    const h = this.header;
    h.setInt32(H_LEN1, len1, true);
    h.setInt32(H_LEN2, len2, true);
    if (req.op === 'handle') h.setFloat64(H_NUMBER, req.budget, true);
    h.setInt32(H_OP, req.op === 'handle' ? SHARED_HANDLE : SHARED_EVAL, true);
    return true;
  }

  private take(): EngineReply {
    const op = this.header.getInt32(H_OP, true);
    if (op === SHARED_DONE) {
      this.used = this.header.getFloat64(H_NUMBER, true);
      return { ok: true, memoryUsed: this.used };
    }
    if (op === SHARED_VALUE) {
      const len = this.header.getInt32(H_LEN1, true);
      const memoryUsed = this.header.getFloat64(H_NUMBER, true);
      this.used = memoryUsed;
      return { ok: true, value: this.shared.toString('utf8', HEADER_BYTES, HEADER_BYTES + len), memoryUsed };
    }
    const got = receiveMessageOnPort(this.port);
    if (!got) {
      this.stop();
      throw new EngineCrashedError('its thread sent no reply');
    }
    const reply = got.message as EngineReply;
    this.used = reply.memoryUsed;
    if (!reply.ok) {
      if (reply.crashed) {
        this.stop();
        const err = new EngineCrashedError(reply.error);
        err.message = reply.error;
        throw err;
      }
      throw new Error(reply.error);
    }
    return reply;
  }
}

/** Atomics.waitAsync (Node 16+; typed only in the ES2024 lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

function align4(n: number): number {
  return (n + 3) & ~3;
}

function asImage(reply: EngineReply): MemoryImage {
  const image = (reply as { image: MemoryImage }).image;
  const pages = image.pages as Uint8Array;
  return { ...image, pages: Buffer.from(pages.buffer, pages.byteOffset, pages.byteLength) };
}
