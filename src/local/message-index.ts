// What an HTTP node asks of a local process's history, built on
// LocalProcess.records() only: a message's seq by its id, and the state a
// process exposes through patch@1.0 messages (HyperBEAM's `Send({device =
// 'patch@1.0', key = value})`). Read incrementally: each lookup reads only
// the records appended since the last one, so reopening or a REPL that
// handled messages meanwhile is seen too.
import type { AoResult, OutboxMessage } from '../engine/types.js';
import type { LocalProcess, MessageRecord } from './local-process.js';

interface Entry {
  through: number;
  ids: Map<string, number>;
  patches: Map<string, unknown>;
}

/** Tags of a patch message that are envelope, not state. */
const PATCH_ENVELOPE = new Set(['data-protocol', 'variant', 'type', 'reference', 'device', 'from-process', 'x-reference']);

export class MessageIndex {
  private readonly entries = new Map<string, Entry>();

  private entry(proc: LocalProcess): Entry {
    let e = this.entries.get(proc.id);
    if (!e) {
      e = { through: 0, ids: new Map(), patches: new Map() };
      this.entries.set(proc.id, e);
    }
    if (e.through < proc.lastSeq) {
      for (const rec of proc.records(e.through + 1)) {
        if (rec.kind !== 'message') continue;
        if (typeof rec.msg.Id === 'string') e.ids.set(rec.msg.Id, rec.seq);
        applyPatches(e.patches, rec.result);
        e.through = rec.seq;
      }
      e.through = Math.max(e.through, proc.lastSeq);
    }
    return e;
  }

  /** The seq of the message with this id in the process's history. */
  seqOf(proc: LocalProcess, id: string): number | undefined {
    return this.entry(proc).ids.get(id);
  }

  record(proc: LocalProcess, seq: number): MessageRecord | undefined {
    for (const rec of proc.records(seq)) {
      if (rec.seq !== seq) return undefined;
      return rec.kind === 'message' ? rec : undefined;
    }
    return undefined;
  }

  /** The value a process set with patch@1.0 under `path` (nested keys walk into tables). */
  patched(proc: LocalProcess, path: string[]): { found: boolean; value?: unknown } {
    const [head, ...rest] = path;
    const patches = this.entry(proc).patches;
    if (head === undefined) return { found: true, value: Object.fromEntries(patches) };
    if (!patches.has(head)) return { found: false };
    let value: unknown = patches.get(head);
    for (const key of rest) {
      if (value === null || typeof value !== 'object' || !(key in (value as Record<string, unknown>))) return { found: false };
      value = (value as Record<string, unknown>)[key];
    }
    return { found: true, value };
  }
}

/** A Target-less message with device = patch@1.0 sets each of its other tags as state. */
export function patchMessages(result: AoResult): OutboxMessage[] {
  if (result.Error !== undefined) return [];
  return (result.Messages ?? []).filter(
    (m) => !m.Target && m.Tags.some((t) => t.name.toLowerCase() === 'device' && t.value === 'patch@1.0'),
  );
}

function applyPatches(patches: Map<string, unknown>, result: AoResult): void {
  for (const m of patchMessages(result)) {
    for (const t of m.Tags) {
      if (!PATCH_ENVELOPE.has(t.name.toLowerCase())) patches.set(t.name, t.value as unknown);
    }
  }
}
