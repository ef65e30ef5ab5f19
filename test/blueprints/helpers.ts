// Loading blueprints into local processes, and messages from arbitrary holders.
import { expect } from 'vitest';
import { blueprintSource } from '../../src/blueprints.js';
import { tagValue, type AoMessage, type Tag } from '../../src/engine/types.js';
import type { Delivery, LocalNetwork } from '../../src/local/network.js';
import type { LocalProcess } from '../../src/local/local-process.js';
import { evalIn } from '../helpers/local.js';

export async function loadBlueprint(net: LocalNetwork, proc: LocalProcess, name: string): Promise<void> {
  const r = await evalIn(net, proc, blueprintSource(name));
  expect(r.Error).toBeUndefined();
}

export function tags(record: Record<string, string>): Tag[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** A message signed by `from` itself (From = Owner passes the trust gate), as a wallet would send it. */
export function messageFrom(net: LocalNetwork, target: string, from: string, t: Record<string, string>, data?: string): AoMessage {
  return { ...net.userMessage(target, tags(t), data), From: from, Owner: from };
}

/** Eval Lua in `proc` that sends one message (so its From is that process). */
export function sendFromCode(target: string, t: Record<string, string>): string {
  const fields = Object.entries(t).map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  return `Send({ Target = ${JSON.stringify(target)}, ${fields.join(', ')} })`;
}

/** The cascade as "process:Action" lines, for order checks. */
export function steps(cascade: Delivery[]): string[] {
  return cascade.map((d) => `${d.processName}:${tagValue(d.msg.Tags, 'Action')}`);
}

export function tag(d: Delivery | undefined, name: string): string | undefined {
  return d ? tagValue(d.msg.Tags, name) : undefined;
}

/** A 43-character address that is not a local process. */
export function address(seed: string): string {
  return (seed + '_'.repeat(43)).slice(0, 43);
}
