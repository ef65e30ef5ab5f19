// One process = one wasmoon Lua VM running the aos process OS. This is the VM
// itself, run on whichever thread calls it; ProcessEngine (process-engine.ts)
// runs one in a worker thread under a wall-clock deadline.
//
// Each engine gets its own LuaFactory (its own wasm memory), so that the whole
// VM can be snapshotted and restored byte for byte, and so that two engines
// never share a string-hash seed. Every Lua call goes through the bridge in
// sandbox.ts with our own push/read of byte strings: wasmoon's string helpers
// copy through the small emscripten stack and stop at NUL bytes.
import { createRequire } from 'node:module';
import type * as Wasmoon from 'wasmoon';
// wasmoon is CommonJS. require() loads it several times faster than import,
// which first scans its 150 KB for named exports (measured: ~12 ms against
// ~80 ms on the 2-core test machine); an engine thread loads it first thing.
const { LuaEngine, LuaFactory } = createRequire(import.meta.url)('wasmoon') as typeof Wasmoon;
type LuaEngine = Wasmoon.LuaEngine;
type LuaFactory = Wasmoon.LuaFactory;
import { SANDBOX_LUA } from './sandbox.js';
import { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_MEMORY_LIMIT, EngineCrashedError, readEvalReply, readHandleReply, type EngineOptions } from './engine-common.js';

export * from './engine-common.js';
import { DIALECT_LUA } from './dialect.js';
import { loadOsModules, osLuaDir } from './lua-modules.js';
import { captureMemory, restoreMemory, type MemoryImage } from './memory-image.js';
import type { AoEnv, AoMessage, AoResult } from './types.js';

type LuaModule = Awaited<ReturnType<LuaFactory['getLuaModule']>>;
type Emscripten = LuaModule['module'] & {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _realloc(ptr: number, size: number): number;
  _lua_pushlstring(L: number, ptr: number, len: number): number;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  _lua_rawlen(L: number, idx: number): number | bigint;
  _lua_pcallk(L: number, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_gettop(L: number): number;
};
interface MemoryStats {
  memoryUsed: number;
  memoryMax?: number;
}

const LUA_REGISTRYINDEX = -1_000_000 - 1000;
const LUA_TNIL = 0;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The C environment the VM sees. Emscripten builds it on the wasm heap, and by
 * default it holds the host script's path (`_`) and language: left alone, the
 * Lua heap would sit at different addresses in different programs, and a
 * process would not replay (or restore a snapshot) byte for byte elsewhere.
 */
const FIXED_ENVIRONMENT = { _: 'aos-ts', LANG: 'C.UTF-8', USER: 'aos', LOGNAME: 'aos', HOME: '/', PATH: '/', PWD: '/' };

/**
 * The exports of wasm instances made in this thread that have an allocator,
 * until their engine claims them (matched by memory: see rawAllocator).
 */
const instanceExports = new Set<WebAssembly.Exports>();
let watching = false;

function watchInstances(): void {
  if (watching) return;
  watching = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  (WebAssembly as { instantiate: unknown }).instantiate = (...args: unknown[]) =>
    instantiate(...args).then((made) => {
      const instance = made instanceof WebAssembly.Instance ? made : (made as { instance?: WebAssembly.Instance }).instance;
      const ex = instance?.exports;
      if (ex && typeof ex.realloc === 'function' && typeof ex.free === 'function' && typeof ex.malloc === 'function' && ex.memory instanceof WebAssembly.Memory) {
        instanceExports.add(ex);
      }
      return made;
    });
}

/**
 * wasmoon's traced allocator (which keeps the heap count and the memory
 * limit) calls the module's realloc and free through emscripten's debug
 * wrappers, an assertion and an apply() on every Lua allocation: about a
 * fifth of a small message's time. Point them at the wasm functions
 * themselves: the same C code, the same heap, byte for byte.
 */
function rawAllocator(wasm: LuaModule): void {
  const em = wasm.module as Emscripten;
  for (const ex of instanceExports) {
    if ((ex.memory as WebAssembly.Memory).buffer !== em.HEAPU8.buffer) continue;
    instanceExports.delete(ex);
    em._realloc = ex.realloc as Emscripten['_realloc'];
    em._free = ex.free as Emscripten['_free'];
    em._malloc = ex.malloc as Emscripten['_malloc'];
    return;
  }
}

async function newLuaEngine(): Promise<{ factory: LuaFactory; engine: LuaEngine; wasm: LuaModule }> {
  const factory = new LuaFactory(undefined, FIXED_ENVIRONMENT);
  watchInstances();
  const wasm = await factory.getLuaModule();
  rawAllocator(wasm);
  // Lua seeds its string hash from time(NULL) when the state is created. A
  // fixed clock for that instant gives every engine the same seed, so `pairs`
  // order (and with it tag order and printed tables) replays identically.
  const realNow = Date.now;
  Date.now = () => 0;
  try {
    const engine = new LuaEngine(wasm, { traceAllocations: true, openStandardLibs: true, enableProxy: false });
    return { factory, engine, wasm };
  } finally {
    Date.now = realNow;
  }
}

export class LuaVm {
  private closed = false;
  private crashed = false;

  private constructor(
    private readonly engine: LuaEngine,
    private readonly wasm: LuaModule,
    readonly options: Required<Omit<EngineOptions, 'luaDir' | 'timeLimitMs'>>,
  ) {}

  static async create(opts: EngineOptions = {}): Promise<LuaVm> {
    const self = await LuaVm.bare(opts);
    self.boot(opts.luaDir ?? osLuaDir());
    return self;
  }

  /**
   * A fresh engine whose Lua state is exactly the one captured in `image`.
   * The sandbox and the OS are in the image, so they are not loaded again:
   * only the JavaScript side (made the same way by every engine) is needed.
   */
  static async fromImage(image: MemoryImage, opts: EngineOptions = {}): Promise<LuaVm> {
    const self = await LuaVm.bare(opts);
    self.restore(image);
    return self;
  }

  /**
   * A Lua state with the standard libraries and nothing else: boot() it (a
   * new process), or restore() an image into it. What every engine starts
   * from, so an engine thread makes it before it knows which it will be.
   */
  static async bare(opts: EngineOptions = {}): Promise<LuaVm> {
    const { engine, wasm } = await newLuaEngine();
    const self = new LuaVm(engine, wasm, {
      instructionBudget: opts.instructionBudget ?? DEFAULT_INSTRUCTION_BUDGET,
      memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT,
    });
    self.stats.memoryMax = self.options.memoryLimitBytes;
    return self;
  }

  private get L(): number {
    return this.engine.global.address;
  }

  private get em(): Emscripten {
    return this.wasm.module as Emscripten;
  }

  private get stats(): MemoryStats {
    return (this.engine.global as unknown as { memoryStats: MemoryStats }).memoryStats;
  }

  /** Load the sandbox, the dialect and the aos OS from `luaDir` into a bare VM. */
  boot(luaDir: string): void {
    this.engine.doStringSync(SANDBOX_LUA);
    // AO's Lua 5.3 dialect. A short chunk name: Lua keeps the chunk name for as long as the code lives.
    this.engine.global.loadString(DIALECT_LUA, '=aos-dialect');
    this.engine.global.runSync();
    for (const mod of loadOsModules(luaDir)) {
      this.call('__aos_register', [mod.name, mod.source]);
      if (mod.alias) this.call('__aos_alias', [mod.alias, mod.name]);
    }
    this.call('__aos_boot', []);
  }

  /**
   * Handle one message. Never throws for anything the Lua code does: syntax
   * and runtime errors, the instruction budget and the memory limit all come
   * back as `{ Error }`. Throws EngineCrashedError only if the VM itself broke.
   */
  handle(msg: AoMessage, env: AoEnv): AoResult {
    return readHandleReply(this.handleJson(JSON.stringify(msg), JSON.stringify(env)), this.options);
  }

  /** handle() with the message and environment already encoded; returns the bridge's raw reply. */
  handleJson(msgJson: string, envJson: string): string {
    return this.call('__aos_handle', [msgJson, envJson, String(this.options.instructionBudget)]);
  }

  /**
   * handleJson() with the message and environment as UTF-8 bytes; `sink`
   * gets the reply's bytes, a view into the VM's memory valid only during
   * the call (copy what is kept).
   */
  handleBytes<T>(msg: Uint8Array, env: Uint8Array, sink: (reply: Uint8Array) => T): T {
    return this.callBytes('__aos_handle', [msg, env, encoder.encode(String(this.options.instructionBudget))], sink);
  }

  /** evalLuaJson() with the source as UTF-8 bytes and the reply handed to `sink` (see handleBytes). */
  evalLuaBytes<T>(source: Uint8Array, sink: (reply: Uint8Array) => T): T {
    return this.callBytes('__aos_eval', [source, encoder.encode(String(this.options.instructionBudget))], sink);
  }

  /** Run host-side Lua (not a message) and return its JSON-encodable value. */
  evalLua(source: string): unknown {
    return readEvalReply(this.evalLuaJson(source), this.options);
  }

  /** evalLua() returning the bridge's raw reply. */
  evalLuaJson(source: string): string {
    return this.call('__aos_eval', [source, String(this.options.instructionBudget)]);
  }

  /** Change the heap limit (an engine made before its owner's options were known). */
  setMemoryLimit(bytes: number): void {
    this.options.memoryLimitBytes = bytes;
    this.stats.memoryMax = bytes;
  }

  /** Bytes in use by the Lua heap right now. */
  get memoryUsed(): number {
    return this.stats.memoryUsed;
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  /** Capture the whole VM (call only between messages). */
  snapshot(): MemoryImage {
    this.assertUsable();
    return captureMemory(this.em.HEAPU8, { memoryUsed: this.stats.memoryUsed, luaState: this.L });
  }

  /** Put the VM back exactly as it was when `image` was taken. */
  restore(image: MemoryImage): void {
    if (this.closed) throw new Error('engine is closed');
    if (image.meta.luaState !== this.L) {
      throw new Error(`this snapshot was made by a different engine layout (lua_State at ${image.meta.luaState}, here ${this.L}; another wasmoon version?); replay the log instead`);
    }
    const em = this.em;
    if (em.HEAPU8.length < image.heapSize) {
      // Grow the wasm memory the way the program itself would: through malloc.
      // Where the block lands is unknown, so ask for the whole size.
      const p = em._malloc(image.heapSize);
      if (!p) throw new Error(`cannot grow engine memory to ${image.heapSize} bytes`);
      em._free(p);
    }
    restoreMemory(em.HEAPU8, image);
    this.stats.memoryUsed = image.meta.memoryUsed;
    this.crashed = false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.engine.global.close();
    } catch {
      // A crashed VM may fail to close; its memory goes with the factory.
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new Error('engine is closed');
    if (this.crashed) throw new EngineCrashedError('it crashed earlier');
  }

  /** Call a global Lua function with string arguments; returns its string result. */
  private call(fn: string, args: string[]): string {
    return this.callBytes(
      fn,
      args.map((a) => encoder.encode(a)),
      (out) => decoder.decode(out),
    );
  }

  /** Call a global Lua function with byte-string arguments; `sink` reads its string result in place. */
  private callBytes<T>(fn: string, args: Uint8Array[], sink: (out: Uint8Array) => T): T {
    this.assertUsable();
    const em = this.em;
    const L = this.L;
    const top = em._lua_gettop(L);
    try {
      // The bridge lives in the registry; images made before it moved there
      // have it as globals.
      if (this.engine.global.lua.lua_getfield(L, LUA_REGISTRYINDEX, fn) === LUA_TNIL) {
        em._lua_settop(L, top);
        this.engine.global.lua.lua_getglobal(L, fn);
      }
      this.pushAll(args);
      const status = em._lua_pcallk(L, args.length, 1, 0, 0, 0);
      const out = this.stringAt(-1);
      if (status !== 0) throw new Error(`${fn}: ${decoder.decode(out)}`);
      return sink(out);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`${fn}:`)) throw err;
      this.crashed = true;
      throw new EngineCrashedError(err);
    } finally {
      if (!this.crashed) em._lua_settop(L, top);
    }
  }

  /** Push every argument from one block of engine memory (one malloc, one free). */
  private pushAll(parts: Uint8Array[]): void {
    const em = this.em;
    let total = 1;
    for (const p of parts) total += p.length;
    const ptr = em._malloc(total);
    if (!ptr) throw new Error('out of engine memory while passing a message');
    try {
      // Copy everything before the first push: a push may grow the wasm
      // memory, which would leave an earlier HEAPU8 view detached.
      const heap = em.HEAPU8;
      let at = ptr;
      for (const p of parts) {
        heap.set(p, at);
        at += p.length;
      }
      at = ptr;
      for (const p of parts) {
        em._lua_pushlstring(this.L, at, p.length);
        at += p.length;
      }
    } finally {
      em._free(ptr);
    }
  }

  /** The bytes of the string at `idx`, in place in engine memory (valid until the stack changes). */
  private stringAt(idx: number): Uint8Array {
    const em = this.em;
    // No length out-parameter: once lua_tolstring has made the value a
    // string, lua_rawlen is its byte length.
    const ptr = em._lua_tolstring(this.L, idx, 0);
    if (!ptr) return new Uint8Array(0);
    const len = Number(em._lua_rawlen(this.L, idx));
    return em.HEAPU8.subarray(ptr, ptr + len);
  }
}

