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

/**
 * An outbox entry as its target receives it (the messenger's push): signed by
 * the messenger, From-Process = the sender (any From-Process/From-Module the
 * process wrote itself is dropped, as the messenger does), its own id and time.
 */
export function forwardedMessage(f: { from: string; messenger: string; message: OutboxMessage; id: string; timestamp: number }): AoMessage {
  const m = f.message;
  const tags = stringTags(m.Tags).filter((t) => t.name !== 'From-Process' && t.name !== 'From-Module');
  tags.push({ name: 'From-Process', value: f.from });
  const data = m.Data === undefined ? undefined : typeof m.Data === 'string' ? m.Data : JSON.stringify(m.Data);
  return scheduled({
    id: f.id,
    owner: f.messenger,
    target: m.Target ?? '',
    tags,
    data,
    anchor: typeof m.Anchor === 'string' ? m.Anchor : undefined,
    timestamp: f.timestamp,
  });
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
