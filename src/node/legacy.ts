// The legacy units as aoconnect's default mode talks to them: the MU
// (POST / with signed data items), the CU (/result, /results, /dry-run) and
// the SU (/:msg?process-id=, /:pid?from&to&limit, /processes/:pid, /timestamp).
import type { ServerResponse } from 'node:http';
import type { Tag } from '../engine/types.js';
import { derivedId, isId } from '../local/ids.js';
import type { Bound } from '../local/history.js';
import type { MessageRecord } from '../local/local-process.js';
import { signedMessage } from '../local/messages.js';
import { blockHeightAt } from '../local/process-meta.js';
import { tagValue } from '../local/tags.js';
import { DataItemError, readSignedItemAsync } from './ans104.js';
import { cuResult, type NodeContext } from './context.js';
import { HttpError, readJson, sendJson, type Req } from './http.js';

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

export async function legacyRoute(ctx: NodeContext, req: Req, res: ServerResponse): Promise<boolean> {
  const parts = req.path.split('/').filter(Boolean);
  const { method, query } = req;

  // --- MU -------------------------------------------------------------------
  if (method === 'POST' && parts.length === 0) {
    if (query.has('assign') || query.has('process-id')) return assign(ctx, req, res);
    const item = await signedItem(await req.body());
    const type = tagValue(item.tags, 'Type');
    if (type === 'Process' && !item.target) {
      const { id } = await ctx.spawnFrom(item);
      sendJson(res, 202, { message: 'Processing DataItem', id });
      return true;
    }
    if (!item.target) throw new HttpError(400, 'the data item has neither a target (a message) nor Type=Process (a spawn); send it with aoconnect message() or spawn()');
    const sent = await ctx.messageFrom(item);
    sendJson(res, 202, {
      message: sent.handedOff ? 'Handed to the aos-ts program that has the process open' : 'Processing DataItem',
      id: sent.id,
    });
    return true;
  }
  if ((method === 'POST' || method === 'DELETE') && parts[0] === 'monitor' && parts.length === 2) {
    await ctx.process(parts[1]);
    sendJson(res, 200, { message: method === 'POST' ? 'Cron monitoring is local: a process with Cron-Interval ticks while the node runs' : 'Monitoring stopped' });
    return true;
  }

  // --- CU -------------------------------------------------------------------
  if (method === 'GET' && parts[0] === 'result' && parts.length === 2) {
    const pid = query.get('process-id');
    const rec = await ctx.recordOf(requirePid(pid), { id: parts[1] });
    sendJson(res, 200, cuResult(rec.result));
    return true;
  }
  if (method === 'GET' && parts[0] === 'results' && parts.length === 2) {
    sendJson(res, 200, await results(ctx, parts[1]!, query));
    return true;
  }
  if (method === 'POST' && parts[0] === 'dry-run' && parts.length === 1) {
    const pid = requirePid(query.get('process-id'));
    const body = await readJson(req);
    const tags = Array.isArray(body.Tags) ? (body.Tags as unknown[]).map(toTag) : [];
    // aoconnect fills Owner/Id with "1234", Data with "1234" and Anchor with "0" when the caller gave none.
    const owner = typeof body.Owner === 'string' && body.Owner !== '1234' ? body.Owner : undefined;
    const data = body.Data === undefined || body.Data === '1234' ? undefined : typeof body.Data === 'string' ? body.Data : JSON.stringify(body.Data);
    const id = typeof body.Id === 'string' && body.Id !== '1234' ? body.Id : undefined;
    const anchor = typeof body.Anchor === 'string' && body.Anchor !== '0' ? body.Anchor : undefined;
    const result = await ctx.dryrun(pid, {
      Tags: tags,
      Owner: owner,
      Data: data,
      Id: id,
      Anchor: anchor,
      Target: typeof body.Target === 'string' && body.Target !== '' ? body.Target : undefined,
      Timestamp: scalar(body.Timestamp),
      'Block-Height': scalar(body['Block-Height']),
    });
    sendJson(res, 200, cuResult(result));
    return true;
  }

  // --- SU -------------------------------------------------------------------
  if (method === 'GET' && parts[0] === 'timestamp' && parts.length === 1) {
    const now = Date.now();
    sendJson(res, 200, { timestamp: now, block_height: blockHeightAt(now) });
    return true;
  }
  if (method === 'GET' && parts[0] === 'processes' && parts.length === 2) {
    const proc = await ctx.process(parts[1]);
    const m = proc.meta;
    sendJson(res, 200, {
      process_id: m.id,
      block: String(blockHeightAt(m.createdAt)),
      owner: { address: m.owner, key: ctx.txs.get(m.id)?.owner.key ?? '' },
      tags: m.tags,
      timestamp: m.createdAt,
      data: m.data ?? '',
      anchor: '',
      signature: ctx.txs.get(m.id)?.signature ?? '',
      target: '',
    });
    return true;
  }
  if (method === 'GET' && parts.length === 1 && isId(parts[0]!)) {
    // A page of a process's schedule has from/to/limit; one message has only process-id.
    if (query.has('from') || query.has('to') || query.has('limit')) {
      sendJson(res, 200, await suPage(ctx, parts[0]!, query));
      return true;
    }
    const pid = query.get('process-id');
    if (pid) {
      const rec = await ctx.recordOf(pid, { id: parts[0] });
      sendJson(res, 200, suEntry(ctx, pid, rec));
      return true;
    }
  }
  return false;
}

async function signedItem(body: Buffer) {
  if (body.length === 0) throw new HttpError(400, 'the request has no body; POST a signed ANS-104 data item (aoconnect does this for you)');
  try {
    return await readSignedItemAsync(body);
  } catch (err) {
    if (err instanceof DataItemError) throw new HttpError(400, err.message);
    throw err;
  }
}

export { signedItem };

function requirePid(pid: string | null): string {
  if (!pid) throw new HttpError(400, 'the `process-id` query parameter is missing; add ?process-id=<process id>');
  return pid;
}

/** A number or numeric string from a JSON body; anything else is left to the default. */
function scalar(v: unknown): number | undefined {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function toTag(t: unknown): Tag {
  if (!t || typeof t !== 'object' || typeof (t as Tag).name !== 'string') throw new HttpError(400, 'every tag must be an object { name, value }');
  return { name: (t as Tag).name, value: String((t as Tag).value) };
}

async function assign(ctx: NodeContext, req: Req, res: ServerResponse): Promise<boolean> {
  const pid = req.query.get('process-id');
  const txid = req.query.get('assign');
  if (!pid || !txid) throw new HttpError(400, 'an assignment needs both ?process-id=<process> and &assign=<message id>');
  const proc = await ctx.process(pid);
  const tx = ctx.txs.get(txid);
  if (!tx) throw new HttpError(404, `this node has no message ${txid} to assign; post it to the node first`);
  const original = signedMessage({
    id: txid,
    owner: tx.owner.address,
    target: tx.target || proc.id,
    tags: tx.tags,
    data: tx.data.toString('utf8'),
    anchor: tx.anchor || undefined,
    timestamp: tx.timestamp,
  });
  await ctx.network.assign(proc.id, original);
  sendJson(res, 200, { message: 'Assigned', id: derivedId('assignment', proc.id, txid) });
  return true;
}

// --- results paging ---------------------------------------------------------------

/** A `from`/`to` value: a cursor from an earlier page, else a timestamp in ms. */
function bound(name: string, value: string | null): Bound | undefined {
  if (value === null || value === '') return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { ordinate?: unknown };
    const seq = Number(decoded.ordinate);
    if (Number.isSafeInteger(seq)) return { seq };
  } catch {
    // not a cursor
  }
  const ts = Number(value);
  if (!Number.isFinite(ts)) throw new HttpError(400, `\`${name}\` must be a cursor from an earlier page or a timestamp in ms, not ${JSON.stringify(value.slice(0, 60))}`);
  return { timestamp: ts };
}

export function resultsCursor(rec: MessageRecord, sort: string): string {
  return Buffer.from(JSON.stringify({ timestamp: Number(rec.msg.Timestamp ?? 0), ordinate: String(rec.seq), cron: undefined, sort })).toString('base64');
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(400, `\`limit\` must be a whole number of 1 or more, not ${JSON.stringify(raw.slice(0, 30))}`);
  return Math.min(n, MAX_LIMIT);
}

async function results(ctx: NodeContext, pid: string, query: URLSearchParams) {
  const proc = await ctx.process(pid);
  const sort = (query.get('sort') ?? 'ASC').toUpperCase();
  if (sort !== 'ASC' && sort !== 'DESC') throw new HttpError(400, '`sort` must be ASC or DESC');
  const limit = limitOf(query);
  // As the real CU: `from` is exclusive and `to` inclusive, whatever the sort.
  const page = proc.history.results({ from: bound('from', query.get('from')), to: bound('to', query.get('to')), sort, limit });
  return {
    pageInfo: { hasNextPage: page.hasNextPage },
    edges: page.records.map((r) => ({ cursor: resultsCursor(r, sort), node: cuResult(r.result) })),
  };
}

// --- the scheduler's view -------------------------------------------------------------

function suEntry(ctx: NodeContext, pid: string, rec: MessageRecord) {
  const slot = rec.seq - 1;
  const msg = rec.msg;
  const ts = Number(msg.Timestamp ?? 0);
  const stored = typeof msg.Id === 'string' ? ctx.txs.get(msg.Id) : undefined;
  const assignmentTags: Tag[] = [
    { name: 'Process', value: pid },
    { name: 'Epoch', value: '0' },
    { name: 'Nonce', value: String(slot) },
    { name: 'Hash-Chain', value: derivedId('hash-chain', pid, rec.seq) },
    { name: 'Block-Height', value: String(blockHeightAt(ts)).padStart(12, '0') },
    { name: 'Timestamp', value: String(ts) },
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Type', value: 'Assignment' },
    { name: 'Variant', value: 'ao.TN.1' },
    { name: 'Message', value: String(msg.Id ?? '') },
  ];
  return {
    message: {
      id: msg.Id ?? '',
      owner: { address: msg.Owner ?? '', key: stored?.owner.key ?? '' },
      data: msg.Data ?? '',
      tags: msg.Tags,
      signature: stored?.signature ?? '',
      anchor: msg.Anchor ?? '',
      target: msg.Target ?? pid,
    },
    assignment: {
      id: derivedId('assignment', pid, rec.seq),
      owner: { address: ctx.scheduler, key: '' },
      tags: assignmentTags,
      signature: '',
      anchor: '',
      target: '',
    },
  };
}

async function suPage(ctx: NodeContext, pid: string, query: URLSearchParams) {
  const proc = await ctx.process(pid);
  const from = query.get('from') ? Number(query.get('from')) : undefined;
  const to = query.get('to') ? Number(query.get('to')) : undefined;
  if ((from !== undefined && !Number.isFinite(from)) || (to !== undefined && !Number.isFinite(to))) {
    throw new HttpError(400, '`from` and `to` must be timestamps in ms');
  }
  const limit = limitOf(query);
  // A message taken back with a local undo is no longer part of the schedule.
  const page = proc.history.scheduled({ from, to, limit });
  const edges = page.records.map((rec) => ({ cursor: String(Number(rec.msg.Timestamp ?? 0)), node: suEntry(ctx, pid, rec) }));
  const more = page.hasNextPage;
  return { page_info: { has_next_page: more }, edges };
}
