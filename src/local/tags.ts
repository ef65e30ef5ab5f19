// Tags, read the way AO reads them. The compute unit finds a tag by its exact
// name, first occurrence winning (`findRawTag`), and aos's `msg.Tags` map is
// keyed by the exact name too: so lookups here are case-sensitive, everywhere.
// The one exception is HyperBEAM's message keys, which are lower case by
// construction; its envelope list below is compared in lower case for that reason.
import type { Tag } from '../engine/types.js';

export { tagValue } from '../engine/types.js';

/** Tags aos-ts sets on a process itself; a caller's value for them is dropped (or refused by the CLI). */
export const RESERVED_PROCESS_TAGS: readonly string[] = ['Data-Protocol', 'Variant', 'Type', 'Name', 'Module', 'Authority', 'Scheduler', 'App-Name'];

export function isReservedProcessTag(name: string): boolean {
  return RESERVED_PROCESS_TAGS.includes(name);
}

/** The protocol tags every AO message or process carries. */
export function baseTags(type: 'Message' | 'Process'): Tag[] {
  return [
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Variant', value: 'ao.TN.1' },
    { name: 'Type', value: type },
  ];
}


/** Tags that steer a HyperBEAM request rather than describe the message (lower case, as HyperBEAM keys are). */
export const CONTROL_KEYS: ReadonlySet<string> = new Set([
  'signing-format',
  'accept-bundle',
  'accept-codec',
  'require-codec',
  'device',
  'scheduler-device',
  'push-device',
  'execution-device',
]);

export function withoutControlTags(tags: Tag[]): Tag[] {
  return tags.filter((t) => !CONTROL_KEYS.has(t.name.toLowerCase()));
}

/** Tag values as strings (Lua may hand numbers or booleans). */
export function stringTags(tags: readonly { name: string; value: unknown }[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ name: t.name, value: String(t.value) }));
}
