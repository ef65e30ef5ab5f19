// An entry with the shape of @permaweb/ao-loader, backed by the aos-ts process
// OS instead of a process.wasm:
//
//   import AoLoader from 'aos-ts/loader'
//   const handle = await AoLoader(wasmOrAnything, { format, memoryLimit, computeLimit })
//   const { Memory, Output, Messages, Spawns, Assignments, Error, GasUsed } = await handle(null, msg, env)
//   const next = await handle(Memory, msg2, env)
//
// The first argument is accepted and ignored (the OS is ours, not the wasm's).
// `Memory` is an aos-ts memory image: opaque, but it round-trips through
// handle() and can be stored and handed back later, or to another handle.
// Like the raw ao-loader (and unlike a compute unit), a result with an Error
// still carries the memory as the message left it. Where ao-loader throws
// (the module answered ok:false: aos failed outside its own pcall, e.g. bad
// JSON Data with Content-Type application/json), this handle resolves with
// `{ Error }`, which is what a compute unit makes of that throw.
import { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_MEMORY_LIMIT, EngineCrashedError, ProcessEngine } from './engine/process-engine.js';
import { decodeMemoryImage, encodeMemoryImage, type MemoryImage } from './engine/memory-image.js';
import type { AoEnv, AoMessage, AssignmentRequest, OutboxMessage, OutputObject, SpawnRequest } from './engine/types.js';

/** The module formats ao-loader knows; any of them (or none) is accepted, since no wasm runs. */
export const AO_LOADER_FORMATS = [
  'wasm32-unknown-emscripten',
  'wasm32-unknown-emscripten2',
  'wasm32-unknown-emscripten3',
  'wasm32-unknown-emscripten4',
  'wasm32-unknown-emscripten-metering',
  'wasm64-unknown-emscripten-draft_2024_02_15',
  'wasm64-unknown-emscripten-draft_2024_10_16-metering',
] as const;

export interface AoLoaderOptions {
  /** The module format (Module-Format tag). Checked for type only: every format runs the same OS. */
  format?: string;
  inputEncoding?: string;
  outputEncoding?: string;
  /** Bytes the process memory may hold (a number or a decimal string, as the Memory-Limit tag gives it). */
  memoryLimit?: number | string;
  /**
   * ao's compute limit (wasm gas). One Lua VM instruction costs many wasm
   * instructions, so it is used as a Lua instruction budget: it can lower
   * aos-ts's default budget but never raises it (use `instructionBudget`).
   */
  computeLimit?: number | string;
  /** ao-loader extensions (WeaveDrive and others): not available; accepted and ignored. */
  extensions?: unknown[];
  /** ao-loader hands back its live heap with this; here Memory is always a copy. */
  UNSAFE_MEMORY?: boolean;
  /** aos-ts only: Lua instructions one message may use (overrides computeLimit). */
  instructionBudget?: number;
  /**
   * aos-ts only. aos up to January 2025 took the process Owner from the first
   * message of any kind; current aos only from the process message (Id equal
   * to the process id), so an Eval sent as the first message of a fresh
   * process is not run. On AO the first message is always the process
   * message, so the difference only shows in unit tests that start a process
   * with handle(null, evalMsg), as aos-test-kit projects do (their
   * process.wasm has the older rule). Default true: a fresh process given any
   * other first message takes its Owner from it (the env's From-Process tag,
   * else the sender). false: current aos's rule.
   */
  legacyOwner?: boolean;
  [key: string]: unknown;
}

export interface AoLoaderResult {
  /** An aos-ts memory image of the process after this message. */
  Memory: Uint8Array;
  Output?: OutputObject | string;
  Messages?: OutboxMessage[];
  Spawns?: SpawnRequest[];
  Assignments?: AssignmentRequest[];
  /** Always empty: patches are a HyperBEAM feature. */
  Patches: unknown[];
  Error?: string;
  /** aos-ts does not meter wasm gas; 0, as ao-loader reports for non-metering formats. */
  GasUsed: number;
}

export type AoLoaderMemory = Uint8Array | ArrayBuffer | null | undefined;
export type AoHandle = (memory: AoLoaderMemory, msg: AoMessage, env: AoEnv) => Promise<AoLoaderResult>;
/** ao-loader's name for the handle's type. */
export type handleFunction = AoHandle;

function luaString(s: string): string {
  return '"' + Buffer.from(s, 'utf8').toString('latin1').replace(/[\\"\x00-\x1f\x7f-\xff]/g, (c) => '\\' + String(c.charCodeAt(0)).padStart(3, '0')) + '"';
}

/** The Owner aos before 2025 gave a process on its first message: the env's From-Process tag, else the sender. */
function legacyOwnerOf(msg: AoMessage, env: AoEnv): string | undefined {
  const tags = Array.isArray(env.Process?.Tags) ? env.Process.Tags : [];
  const fromProcess = tags.find((t) => t && t.name === 'From-Process')?.value;
  const owner = fromProcess ?? msg.From;
  return typeof owner === 'string' ? owner : undefined;
}

function positiveInteger(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?(e\d+)?\s*$/i.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`aos-ts/loader: option ${what} must be a positive number of ${what === 'memoryLimit' ? 'bytes' : 'units'}, got ${JSON.stringify(value)}`);
  }
  return Math.floor(n);
}

/** The engine settings an ao-loader options object stands for. */
export function engineOptionsFor(options: AoLoaderOptions): { instructionBudget: number; memoryLimitBytes: number } {
  if (options.format !== undefined && typeof options.format !== 'string') {
    throw new Error(`aos-ts/loader: option format must be a string such as "${AO_LOADER_FORMATS[5]}", got ${JSON.stringify(options.format)}`);
  }
  if (options.extensions !== undefined && !Array.isArray(options.extensions)) {
    throw new Error('aos-ts/loader: option extensions must be an array');
  }
  const memoryLimitBytes = positiveInteger(options.memoryLimit, 'memoryLimit') ?? DEFAULT_MEMORY_LIMIT;
  const explicit = positiveInteger(options.instructionBudget, 'instructionBudget');
  const compute = positiveInteger(options.computeLimit, 'computeLimit');
  const instructionBudget = explicit ?? Math.min(compute ?? DEFAULT_INSTRUCTION_BUDGET, DEFAULT_INSTRUCTION_BUDGET);
  return { instructionBudget, memoryLimitBytes };
}

function asBytes(memory: Uint8Array | ArrayBuffer): Uint8Array {
  if (memory instanceof Uint8Array) return memory;
  if (memory instanceof ArrayBuffer) return new Uint8Array(memory);
  throw new Error('aos-ts/loader: Memory must be a Uint8Array/Buffer (the Memory of an earlier result) or null for a new process');
}

function readImage(memory: Uint8Array | ArrayBuffer): MemoryImage {
  const bytes = asBytes(memory);
  try {
    return decodeMemoryImage(bytes).image;
  } catch (err) {
    throw new Error(
      `aos-ts/loader: this Memory is not an aos-ts memory image (${(err as Error).message}); ` +
        'pass null to start a process, or the Memory of an earlier aos-ts result (a process.wasm memory cannot be used).',
    );
  }
}

/**
 * Load "a module" and return its handle function. Every call gets its own
 * Lua VM; handle calls on one VM run one at a time, in call order.
 */
export default async function AoLoader(_binary?: unknown, options: AoLoaderOptions = {}): Promise<AoHandle> {
  const engineOptions = engineOptionsFor(options ?? {});
  const legacyOwner = options?.legacyOwner !== false;
  let engine = await ProcessEngine.create(engineOptions);
  const fresh = await engine.snapshot();
  // The Memory object the VM currently holds: handing it back skips a restore.
  let current: Uint8Array | ArrayBuffer | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function run(memory: AoLoaderMemory, msg: AoMessage, env: AoEnv): Promise<AoLoaderResult> {
    if (msg === null || typeof msg !== 'object') throw new Error('aos-ts/loader: handle(memory, msg, env) needs a message object');
    if (env === null || typeof env !== 'object') throw new Error('aos-ts/loader: handle(memory, msg, env) needs an env object ({ Process: { Id, Owner, Tags } })');
    if (engine.isCrashed) {
      engine.close();
      engine = await ProcessEngine.fromImage(fresh, engineOptions);
      current = null;
    }
    if (memory === null || memory === undefined) {
      await engine.restore(fresh);
      const owner = legacyOwner && msg.Id !== env.Process?.Id ? legacyOwnerOf(msg, env) : undefined;
      if (owner !== undefined) await engine.evalLua(`Owner = ${luaString(owner)}`);
    } else if (memory !== current) {
      await engine.restore(readImage(memory));
    }
    current = null;
    let r;
    try {
      r = await engine.handle(msg, env);
    } catch (err) {
      if (err instanceof EngineCrashedError) throw new Error(`aos-ts/loader: ${err.message}`);
      throw err;
    }
    const Memory = encodeMemoryImage(await engine.snapshot());
    current = Memory;
    if (r.Error !== undefined) {
      return { Memory, Error: r.Error, Output: undefined, Messages: undefined, Spawns: undefined, Assignments: undefined, Patches: [], GasUsed: 0 };
    }
    return {
      Memory,
      Error: undefined,
      Output: r.Output,
      Messages: r.Messages ?? [],
      Spawns: r.Spawns ?? [],
      Assignments: r.Assignments ?? [],
      Patches: Array.isArray(r.Patches) ? r.Patches : [],
      GasUsed: 0,
    };
  }

  return (memory, msg, env) => {
    const next = queue.then(() => run(memory, msg, env));
    queue = next.catch(() => undefined);
    return next;
  };
}

export { AoLoader };
