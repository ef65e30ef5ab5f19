// What both sides of a supervised engine need, without wasmoon: the limits,
// the errors, and reading the bridge's replies. The main thread imports only
// this (process-engine.ts); the VM itself (lua-vm.ts) loads in the engine thread.
import { BUDGET_ERROR } from './sandbox.js';
import type { AoResult } from './types.js';

/**
 * Lua instructions one message may run. Measured on the 2-core dev machine
 * (docs-limits.md): an empty loop runs about 40 million a second, so this
 * ends a plain runaway in about 2.5 CPU seconds; allocation-heavy loops run
 * fewer instructions a second and are ended by the time limit instead.
 */
export const DEFAULT_INSTRUCTION_BUDGET = 100_000_000;
export const DEFAULT_MEMORY_LIMIT = 512 * 1024 * 1024;

export interface EngineOptions {
  /** Lua VM instructions one message may use before it is stopped. */
  instructionBudget?: number;
  /** Bytes the Lua heap may hold; an allocation past it fails with an Error result. */
  memoryLimitBytes?: number;
  /** Folder of the process OS's .lua files (default: the bundled OS). */
  luaDir?: string;
  /**
   * Wall-clock milliseconds one message (or read) may take before the engine
   * is stopped from outside and rebuilt (ProcessEngine only; default 3 s).
   */
  timeLimitMs?: number;
}

/** The engine itself failed (not the Lua code): it must be rebuilt from a snapshot. */
export class EngineCrashedError extends Error {
  constructor(cause: unknown) {
    super(`the Lua engine stopped unexpectedly: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EngineCrashedError';
  }
}

export interface Limits {
  instructionBudget: number;
  memoryLimitBytes: number;
}

/** Turn the bridge's reply to __aos_handle into a result. */
export function readHandleReply(raw: string, limits: Limits): AoResult {
  let reply: { ok: boolean; response?: AoResult; error?: string };
  try {
    reply = JSON.parse(raw) as typeof reply;
  } catch {
    return { Error: 'the process returned a result that is not valid JSON' };
  }
  if (!reply.ok) return { Error: explainError(reply.error ?? 'unknown error', limits) };
  const result = normalizeResult(reply.response);
  if (result.Error !== undefined) result.Error = explainError(result.Error, limits);
  return result;
}

/** Turn the bridge's reply to __aos_eval into a value, or throw its error. */
export function readEvalReply(raw: string, limits: Limits): unknown {
  const reply = JSON.parse(raw) as { ok: boolean; value?: unknown; error?: string };
  if (!reply.ok) throw new Error(explainError(reply.error ?? 'unknown error', limits));
  return reply.value;
}

export function explainError(error: string, limits: Limits): string {
  if (error === BUDGET_ERROR || error.endsWith(BUDGET_ERROR)) {
    return (
      `Stopped: this message ran more than ${limits.instructionBudget.toLocaleString('en-US')} Lua instructions ` +
      `(an endless loop?). Nothing it did was kept.`
    );
  }
  if (error.includes('not enough memory')) {
    const mib = Math.round(limits.memoryLimitBytes / (1024 * 1024));
    return `Stopped: the process tried to use more than its ${mib} MiB memory limit. Nothing it did was kept.\n${error}`;
  }
  return error;
}

/** The Lua json encoder writes empty tables as []; give callers the shapes they expect. */
function normalizeResult(r: AoResult | undefined): AoResult {
  if (!r || Array.isArray(r)) return { Output: {}, Messages: [], Spawns: [], Assignments: [] };
  if (r.Error !== undefined) return { Error: typeof r.Error === 'string' ? r.Error : JSON.stringify(r.Error) };
  const out = Array.isArray(r.Output) && r.Output.length === 0 ? {} : r.Output;
  return {
    ...r,
    Output: out,
    Messages: r.Messages ?? [],
    Spawns: r.Spawns ?? [],
    Assignments: r.Assignments ?? [],
  };
}
