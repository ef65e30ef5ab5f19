// patch@1.0 as HyperBEAM applies it after each computation of a legacy (genesis-wasm)
// process: every outbox message whose `device` is `patch@1.0` (or whose `method` is
// `PATCH`) is taken out of the outbox, whatever its Target, and its keys are
// merged into the process state. Pure functions, for the message delivery path
// (drop patch messages instead of delivering them) and for state reads.
import type { AoResult, OutboxMessage } from '../engine/types.js';

/** Keys of a patch message that are envelope, not state. */
const ENVELOPE = new Set(['data-protocol', 'variant', 'type', 'reference', 'device', 'method', 'from-process', 'x-reference', 'target']);

/** Whether an outbox message is a patch (applied to the sender's state, never delivered). */
export function isPatchMessage(m: OutboxMessage): boolean {
  return m.Tags.some((t) => {
    const name = t.name.toLowerCase();
    const value = typeof t.value === 'string' ? t.value : '';
    return (name === 'device' && value.toLowerCase() === 'patch@1.0') || (name === 'method' && value.toUpperCase() === 'PATCH');
  });
}

/** The patch messages of a result (none when it failed). */
export function patchesOf(result: AoResult): OutboxMessage[] {
  if (result.Error !== undefined) return [];
  return (result.Messages ?? []).filter(isPatchMessage);
}

/** The outbox without its patch messages: what is delivered. */
export function withoutPatches(messages: OutboxMessage[]): OutboxMessage[] {
  return messages.filter((m) => !isPatchMessage(m));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-set `value` at `key` of `state`: tables merge into tables, anything else replaces. */
function deepSet(state: Record<string, unknown>, key: string, value: unknown): void {
  const old = state[key];
  if (isPlainObject(old) && isPlainObject(value)) {
    const merged: Record<string, unknown> = { ...old };
    for (const [k, v] of Object.entries(value)) deepSet(merged, k, v);
    state[key] = merged;
  } else state[key] = value;
}

/** A new state with the patches of `result` applied (the input is not changed). */
export function applyPatches(state: Record<string, unknown>, result: AoResult): Record<string, unknown> {
  return applyPatchMessages(state, patchesOf(result));
}

/** A new state with these patch messages applied in order (the input is not changed). */
export function applyPatchMessages(state: Record<string, unknown>, patches: OutboxMessage[]): Record<string, unknown> {
  if (patches.length === 0) return state;
  const next: Record<string, unknown> = { ...state };
  for (const m of patches) {
    for (const t of m.Tags) {
      if (!ENVELOPE.has(t.name.toLowerCase())) deepSet(next, t.name, t.value as unknown);
    }
    if (m.Data !== undefined && m.Data !== '') deepSet(next, 'data', m.Data);
  }
  return next;
}
