// The one message factory: every message a local process handles is built
// here, so the rules of how AO fills a message (From, Owner, the scheduler's
// time, what a dry-run may override) hold for the shell, `send`, the library
// and the node alike. The facts: shared/spec/aos-library.md §6.
import type { AoMessage, OutboxMessage, Tag } from '../engine/types.js';
import { randomId } from './ids.js';
import { blockHeightAt, LOCAL_MODULE_ID, processMessage as processMessageOf, type ProcessMeta } from './process-meta.js';
import { baseTags, stringTags } from './tags.js';

export { cronMessage } from './cron.js';
/** The spawn message itself: the first message every process handles. */
export const processMessage: (meta: ProcessMeta, timestamp: number) => AoMessage = processMessageOf;

/**
 * How the compute unit sets From: the value of the first tag named exactly
 * `From-Process`, when present and not empty; otherwise the signer (Owner).
 * Trust is left to the process (aos: From ~= Owner needs an Authority owner).
 */
export function fromOf(tags: Tag[], owner: string): string {
  for (const t of tags) if (t.name === 'From-Process') return t.value !== '' ? t.value : owner;
  return owner;
}

/** From (and Forwarded-By, which the compute unit adds when a From-Process tag set From) by the rule above. */
function withFrom(msg: AoMessage, owner: string): AoMessage {
  msg.Owner = owner;
  msg.From = fromOf(msg.Tags, owner);
  if (msg.Tags.some((t) => t.name === 'From-Process')) msg['Forwarded-By'] = owner;
  else delete msg['Forwarded-By'];
  return msg;
}

function scheduled(fields: { id: string; owner: string; target: string; tags: Tag[]; data?: string; anchor?: string; timestamp: number }): AoMessage {
  const msg: AoMessage = {
    Id: fields.id,
    From: fields.owner,
    Owner: fields.owner,
    Target: fields.target,
    Tags: fields.tags,
    Timestamp: fields.timestamp,
    'Block-Height': blockHeightAt(fields.timestamp),
    Cron: false,
  };
  if (fields.data !== undefined) msg.Data = fields.data;
  if (fields.anchor !== undefined && fields.anchor !== '') msg.Anchor = fields.anchor;
  return withFrom(msg, fields.owner);
}

export interface UserMessageFields {
  /** The signer: the local identity's address. */
  owner: string;
  target: string;
  tags: Tag[];
  data?: string;
  anchor?: string;
  id?: string;
  timestamp: number;
}

/** A message from a person (the shell, `send`, the library): the AO protocol tags, then the caller's. */
export function userMessage(f: UserMessageFields): AoMessage {
  return scheduled({ ...f, id: f.id ?? randomId(), tags: [...baseTags('Message'), ...f.tags] });
}

export interface SignedItemFields {
  id: string;
  /** The address of the item's signer. */
  owner: string;
  target: string;
  tags: Tag[];
  data?: string;
  anchor?: string;
  timestamp: number;
}

/** A signed data item posted to the node, as the scheduler assigns it: its tags unchanged. */
export function signedMessage(f: SignedItemFields): AoMessage {
  return scheduled(f);
}

/** Tags the messenger sets itself on a pushed message; the process's own are dropped. */
const PUSH_REPLACED = ['Data-Protocol', 'Type', 'From-Process', 'From-Module', 'Assignments'];

/**
 * The data of an item the messenger signs: the message's Data, or a single
 * space when it has none (the messenger never signs an empty item), so the
 * receiver sees `msg.Data == " "` for a Send without Data, as on AO.
 */
function pushedData(data: unknown): string {
  const text = data === undefined || data === null ? '' : typeof data === 'string' ? data : JSON.stringify(data);
  return text === '' ? ' ' : text;
}

export interface ForwardedFields {
  /** The sending process. */
  from: string;
  /** The sender's Module tag ('' when it has none), as the messenger reads it. */
  fromModule: string;
  messenger: string;
  message: OutboxMessage;
  id: string;
  timestamp: number;
  /** The id of the user message that started the chain, when known. */
  pushedFor?: string;
}

/**
 * An outbox entry as its target receives it (the messenger's push, spec
 * aos-library §6.3): a new item signed by the messenger whose tags are the
 * message's own in their order, without Data-Protocol, Type, From-Process,
 * From-Module and Assignments, then `Data-Protocol: ao`, `Type: Message`,
 * `From-Process: <sender>`, `From-Module: <sender's module>` and
 * `Pushed-For: <chain's first message>`; Target, Anchor and Data as written.
 */
export function forwardedMessage(f: ForwardedFields): AoMessage {
  const m = f.message;
  const tags = stringTags(m.Tags).filter((t) => !PUSH_REPLACED.includes(t.name));
  tags.push(
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Type', value: 'Message' },
    { name: 'From-Process', value: f.from },
    { name: 'From-Module', value: f.fromModule },
  );
  if (f.pushedFor) tags.push({ name: 'Pushed-For', value: f.pushedFor });
  return scheduled({
    id: f.id,
    owner: f.messenger,
    target: m.Target ?? '',
    tags,
    data: pushedData(m.Data),
    anchor: typeof m.Anchor === 'string' ? m.Anchor : undefined,
    timestamp: f.timestamp,
  });
}

/**
 * The chain a handled message belongs to, for the Pushed-For of what it
 * sends: the Pushed-For of a message the messenger pushed, else the
 * message's own id (a message from a person starts a chain). Cron ticks have no id.
 */
export function chainOf(msg: AoMessage, messenger: string): string | undefined {
  if (msg.Owner === messenger) {
    const pushed = msg.Tags.find((t) => t.name === 'Pushed-For')?.value;
    if (pushed) return pushed;
  }
  return typeof msg.Id === 'string' && msg.Id !== '' ? msg.Id : undefined;
}

/** The Variant the messenger puts on what it signs for a spawn: ao.N.1 kept, anything else ao.TN.1. */
function spawnVariant(spawnTags: Tag[]): string {
  return spawnTags.find((t) => t.name === 'Variant')?.value === 'ao.N.1' ? 'ao.N.1' : 'ao.TN.1';
}

/**
 * The tags of a process a process spawned, as the messenger signs it (spec
 * §6.4): the spawn's tags without Data-Protocol and Type (a Variant it had
 * stays, so Variant may appear twice), then `Variant`, `Data-Protocol: ao`,
 * `Type: Process`, `From-Process: <spawner>`, `Pushed-For`; every
 * From-Module is the spawner's module.
 */
export function spawnedProcessTags(f: { spawnTags: Tag[]; spawner: string; spawnerModule: string; pushedFor?: string }): Tag[] {
  const tags = f.spawnTags
    .filter((t) => t.name !== 'Data-Protocol' && t.name !== 'Type')
    .map((t) => (t.name === 'From-Module' ? { name: t.name, value: f.spawnerModule } : { ...t }));
  tags.push(
    { name: 'Variant', value: spawnVariant(f.spawnTags) },
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Type', value: 'Process' },
    { name: 'From-Process', value: f.spawner },
  );
  if (f.pushedFor) tags.push({ name: 'Pushed-For', value: f.pushedFor });
  return tags;
}

/**
 * The notice the messenger sends a spawner once its child is scheduled
 * (spec §6.4): the spawn's tags without `Data-Protocol: ao`, Variant and
 * Type, then `Data-Protocol: ao`, `Type: Message`, `Process: <child>`,
 * `Action: Spawned`, `Variant`; signed by the messenger, no Data (a
 * space). aos's spawn tags carry `From-Process = <spawner>` and `Reference`,
 * so From is the spawner itself and the Reference matches its spawn.
 */
export function spawnedNotice(f: { spawner: string; child: string; spawnTags: Tag[]; messenger: string; id: string; timestamp: number }): AoMessage {
  const tags = f.spawnTags.filter(
    (t) => !(t.name === 'Data-Protocol' && t.value === 'ao') && t.name !== 'Variant' && t.name !== 'Type',
  );
  tags.push(
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Type', value: 'Message' },
    { name: 'Process', value: f.child },
    { name: 'Action', value: 'Spawned' },
    { name: 'Variant', value: spawnVariant(f.spawnTags) },
  );
  return scheduled({ id: f.id, owner: f.messenger, target: f.spawner, tags, data: ' ', timestamp: f.timestamp });
}

/**
 * A message assigned to another process (Lua `Assign`, or POST /?assign=):
 * the original message as it was scheduled — its id, signer, tags, data and
 * original Target (so aos sees `Target ~= ao.id` and applies its assignable
 * checks) — at the assignment's time.
 */
export function assignedMessage(original: AoMessage, timestamp: number): AoMessage {
  const msg: AoMessage = {
    Id: original.Id,
    From: original.Owner,
    Owner: original.Owner,
    Target: original.Target,
    Tags: original.Tags,
    Timestamp: timestamp,
    'Block-Height': blockHeightAt(timestamp),
    Cron: false,
  };
  if (original.Data !== undefined) msg.Data = original.Data;
  if (original.Anchor !== undefined) msg.Anchor = original.Anchor;
  return withFrom(msg, original.Owner ?? '');
}

/** What a dry-run request may say (aoconnect's fields); anything else in the request is ignored. */
export interface DryrunRequest {
  Tags?: Tag[];
  Data?: string;
  Owner?: string;
  Id?: string;
  Anchor?: string;
  Target?: string;
  Timestamp?: number | string;
  'Block-Height'?: number | string;
}

export interface DryrunDefaults {
  process: string;
  /** Owner when the request names none (the local identity). */
  owner: string;
  /** The newest handled message's time, as the compute unit defaults it; `now` when the history has none. */
  timestamp: number;
}

/**
 * A dry-run message as the compute unit builds it: defaults (Target = the
 * process, Timestamp and Block-Height of the newest message), then the
 * request overrides them, then From is set by the From-Process/Owner rule (a
 * `From` in the request is ignored), and Read-Only is forced.
 */
export function dryrunMessage(req: DryrunRequest, d: DryrunDefaults): AoMessage {
  const owner = typeof req.Owner === 'string' && req.Owner !== '' ? req.Owner : d.owner;
  const timestamp = req.Timestamp !== undefined && Number.isFinite(Number(req.Timestamp)) ? Number(req.Timestamp) : d.timestamp;
  const height =
    req['Block-Height'] !== undefined && Number.isFinite(Number(req['Block-Height'])) ? Number(req['Block-Height']) : blockHeightAt(timestamp);
  const msg: AoMessage = {
    Id: req.Id ?? randomId(),
    From: owner,
    Owner: owner,
    Target: req.Target ?? d.process,
    Tags: req.Tags ?? [],
    Timestamp: timestamp,
    'Block-Height': height,
    Module: LOCAL_MODULE_ID,
    Cron: false,
  };
  if (req.Data !== undefined) msg.Data = req.Data;
  if (req.Anchor !== undefined && req.Anchor !== '') msg.Anchor = req.Anchor;
  withFrom(msg, owner);
  msg['Read-Only'] = true;
  return msg;
}
