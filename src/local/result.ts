// The one result shape every face answers with: a compute unit's result, with
// every list present and Error only when there was one.
import type { AoResult } from '../engine/types.js';

export interface MessageResult {
  Output: AoResult['Output'] | Record<string, never>;
  Messages: NonNullable<AoResult['Messages']>;
  Spawns: NonNullable<AoResult['Spawns']>;
  Assignments: NonNullable<AoResult['Assignments']>;
  Error?: string;
  GasUsed?: number;
  [key: string]: unknown;
}

/** `gasUsed`: the compute unit reports GasUsed; the library's aoconnect-shaped results do not. */
export function shapeResult(result: AoResult | undefined, opts: { gasUsed?: boolean } = {}): MessageResult {
  const r = result ?? {};
  const out: MessageResult = {
    ...r,
    Output: r.Output ?? {},
    Messages: r.Messages ?? [],
    Spawns: r.Spawns ?? [],
    Assignments: r.Assignments ?? [],
  };
  if (opts.gasUsed) out.GasUsed = 0;
  if (r.Error === undefined) delete out.Error;
  return out;
}
