// The gateway half of the node: /graphql over every process and accepted
// item, plus the Arweave HTTP API arweave-js uses (/info, /price, /tx_anchor,
// /tx, /wallet/:addr/balance, /:id raw data).
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Tag } from '../engine/types.js';
import { DEFAULT_INSTRUCTION_BUDGET, DEFAULT_MEMORY_LIMIT } from '../engine/process-engine.js';
import { derivedId, isId } from '../local/ids.js';
import { blockHeightAt, type ProcessMeta } from '../local/process-meta.js';
import type { NodeContext, StoredTx } from './context.js';
import { runGraphql, type GqlTx } from './graphql.js';
import { KNOWN_MODULES } from './modules.js';
import { HttpError, readJson, sendJson, sendText, type Req } from './http.js';

const SCHEDULER_TTL = '86400000';

export async function gatewayRoute(ctx: NodeContext, req: Req, res: ServerResponse): Promise<boolean> {
  const parts = req.path.split('/').filter(Boolean).map(decodeSegment);
  const { method } = req;
  const head = parts[0];

  if (head === 'graphql' && parts.length === 1 && (method === 'POST' || method === 'GET')) {
    const body =
      method === 'POST'
        ? await readJson(req)
        : { query: req.query.get('query') ?? '', variables: parseVariables(req.query.get('variables')) };
    const answer = await runGraphql(body, () => allTxs(ctx), blockHeightAt);
    sendJson(res, answer.status, answer.body);
    return true;
  }
  if (method === 'POST' && head === 'tx' && parts.length === 1) {
    await postTx(ctx, req, res);
    return true;
  }
  if (method === 'POST' && head === 'chunk') {
    throw new HttpError(400, 'uploads larger than one 256 KiB chunk are not supported by aos-ts serve; send smaller data');
  }
  if (method !== 'GET' && method !== 'HEAD') return false;

  if (head === 'info' && parts.length === 1) {
    const height = blockHeightAt(Date.now());
    sendJson(res, 200, {
      network: 'aos-ts.local',
      version: 5,
      release: 1,
      height,
      current: `local-block-${height}`,
      blocks: height,
      peers: 0,
      queue_length: 0,
      node_state_latency: 0,
    });
    return true;
  }
  if (head === 'tx_anchor' && parts.length === 1) {
    sendText(res, 200, randomBytes(32).toString('base64url'));
    return true;
  }
  if (head === 'price' && (parts.length === 2 || parts.length === 3)) {
    if (!/^\d+$/.test(parts[1]!)) throw new HttpError(400, '/price/<bytes>: bytes must be a whole number');
    sendText(res, 200, '0');
    return true;
  }
  if (head === 'mine') {
    sendJson(res, 200, { height: blockHeightAt(Date.now()) });
    return true;
  }
  if (head === 'wallet' && parts.length === 3 && (parts[2] === 'balance' || parts[2] === 'last_tx')) {
    sendText(res, 200, parts[2] === 'balance' ? '0' : '');
    return true;
  }
  if (head === 'tx' && parts.length >= 2 && isId(parts[1]!)) {
    const tx = findTx(ctx, parts[1]!);
    const field = parts[2];
    if (!tx) throw new HttpError(404, `no transaction ${parts[1]} on this node`);
    if (field === undefined) sendJson(res, 200, txJson(tx));
    else if (field === 'status') {
      const height = blockHeightAt(tx.timestamp);
      sendJson(res, 200, { block_height: height, block_indep_hash: `local-block-${height}`, number_of_confirmations: 1 });
    } else if (field === 'offset') throw new HttpError(404, 'chunk offsets are not kept locally; fetch the data at /<id>');
    else if (field === 'data') sendText(res, 200, tx.data.toString('base64url'));
    else {
      const json = txJson(tx);
      if (!(field in json)) throw new HttpError(404, `transactions have no field "${field}"`);
      const v = json[field];
      sendText(res, 200, typeof v === 'string' ? v : JSON.stringify(v));
    }
    return true;
  }
  const rawId = head === 'raw' && parts.length === 2 ? parts[1] : parts.length === 1 ? head : undefined;
  if (rawId !== undefined && isId(rawId)) {
    const tx = findTx(ctx, rawId);
    if (!tx) throw new HttpError(404, `no transaction or data item ${rawId} on this node`);
    const type = tx.tags.find((t) => t.name.toLowerCase() === 'content-type')?.value ?? 'application/octet-stream';
    sendText(res, 200, tx.data, type);
    return true;
  }
  return false;
}

/** A path segment, percent-decoded; a bad encoding is the client's error. */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `the path segment "${s.slice(0, 60)}" is not valid percent-encoding (UTF-8)`);
  }
}

function parseVariables(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, '`variables` must be JSON');
  }
}

/** The records every node seeds: the module, and where this node's scheduler is. */
function seeded(ctx: NodeContext): StoredTx[] {
  const record = (id: string, type: string, tags: Tag[], data: Buffer): StoredTx => ({
    id,
    owner: { address: ctx.scheduler, key: '' },
    target: '',
    anchor: '',
    signature: '',
    tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Variant', value: 'ao.TN.1' }, { name: 'Type', value: type }, ...tags],
    data,
    timestamp: 0,
  });
  const moduleRecord = (id: string, name: string) =>
    record(
      id,
      'Module',
      [
        { name: 'Module-Format', value: 'aos-ts-lua54' },
        { name: 'Input-Encoding', value: 'JSON-1' },
        { name: 'Output-Encoding', value: 'JSON-1' },
        { name: 'Memory-Limit', value: `${DEFAULT_MEMORY_LIMIT / (1024 * 1024)}-mb` },
        { name: 'Compute-Limit', value: String(DEFAULT_INSTRUCTION_BUDGET) },
        { name: 'Content-Type', value: 'text/plain' },
        { name: 'Name', value: name },
      ],
      Buffer.from('The aos process OS on Lua 5.4, as run by aos-ts.\n'),
    );
  return [
    moduleRecord(ctx.module, 'aos-ts'),
    // Every module aos or aoconnect spawns with by default runs as this node's OS.
    ...KNOWN_MODULES.map((m) => moduleRecord(m.id, m.name)),
    record(
      derivedId('scheduler-location', ctx.scheduler, ctx.baseUrl),
      'Scheduler-Location',
      [
        { name: 'Url', value: ctx.baseUrl },
        { name: 'Time-To-Live', value: SCHEDULER_TTL },
      ],
      Buffer.alloc(0),
    ),
  ];
}

function processTx(ctx: NodeContext, meta: ProcessMeta): StoredTx {
  const stored = ctx.txs.get(meta.id);
  const tags: Tag[] = [...meta.tags];
  if (!tags.some((t) => t.name === 'Scheduler')) tags.push({ name: 'Scheduler', value: ctx.scheduler });
  return {
    id: meta.id,
    owner: { address: meta.owner, key: stored?.owner.key ?? '' },
    target: '',
    anchor: stored?.anchor ?? '',
    signature: stored?.signature ?? '',
    tags,
    data: Buffer.from(meta.data ?? ''),
    timestamp: meta.createdAt,
  };
}

function findTx(ctx: NodeContext, id: string): StoredTx | undefined {
  if (ctx.network.isLocal(id)) {
    const meta = ctx.network.list().find((m) => m.id === id);
    if (meta) return processTx(ctx, meta);
  }
  return ctx.txs.get(id) ?? seeded(ctx).find((t) => t.id === id);
}

function allTxs(ctx: NodeContext): GqlTx[] {
  const processes = ctx.network.list().map((m) => processTx(ctx, m));
  const seen = new Set(processes.map((p) => p.id));
  const rest = [...ctx.txs.values()].filter((t) => !seen.has(t.id));
  return [...seeded(ctx), ...processes, ...rest].map((t) => ({
    id: t.id,
    owner: t.owner,
    target: t.target,
    anchor: t.anchor,
    signature: t.signature,
    tags: t.tags,
    dataSize: t.data.length,
    dataType: t.tags.find((x) => x.name.toLowerCase() === 'content-type')?.value ?? '',
    timestamp: t.timestamp,
  }));
}

function txJson(tx: StoredTx): Record<string, unknown> {
  if (tx.l1) return { ...tx.l1, data: '' };
  return {
    format: 2,
    id: tx.id,
    last_tx: tx.anchor,
    owner: tx.owner.key,
    tags: tx.tags.map((t) => ({ name: Buffer.from(t.name).toString('base64url'), value: Buffer.from(t.value).toString('base64url') })),
    target: tx.target,
    quantity: '0',
    data: '',
    data_size: String(tx.data.length),
    data_root: '',
    reward: '0',
    signature: tx.signature,
  };
}

async function postTx(ctx: NodeContext, req: Req, res: ServerResponse): Promise<void> {
  const json = await readJson(req);
  const { default: Arweave } = await import('arweave');
  const arweave = Arweave.init({});
  let ok = false;
  try {
    ok = await arweave.transactions.verify(arweave.transactions.fromRaw(json));
  } catch {
    ok = false;
  }
  if (!ok) throw new HttpError(400, 'the transaction does not verify (bad signature or fields); sign it with arweave.transactions.sign and post it unchanged');
  const dataSize = Number(json.data_size ?? 0);
  const data = Buffer.from(typeof json.data === 'string' ? json.data : '', 'base64url');
  if (dataSize > 0 && data.length !== dataSize) {
    throw new HttpError(400, 'the transaction data was not in the body (uploads in chunks are not supported by aos-ts serve); send at most 256 KiB');
  }
  const owner = String(json.owner ?? '');
  const tags = Array.isArray(json.tags)
    ? (json.tags as { name: string; value: string }[]).map((t) => ({
        name: Buffer.from(String(t.name), 'base64url').toString('utf8'),
        value: Buffer.from(String(t.value), 'base64url').toString('utf8'),
      }))
    : [];
  const id = String(json.id);
  ctx.txs.set(id, {
    id,
    owner: { address: createHash('sha256').update(Buffer.from(owner, 'base64url')).digest('base64url'), key: owner },
    target: String(json.target ?? ''),
    anchor: String(json.last_tx ?? ''),
    signature: String(json.signature ?? ''),
    tags,
    data,
    timestamp: Date.now(),
    l1: json,
  });
  sendText(res, 200, 'OK');
}
