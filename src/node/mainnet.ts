// HyperBEAM-style routes, as aoconnect's mainnet mode (connect({ MODE:
// 'mainnet', URL })) sends them: every call is a POST with a signed ANS-104
// body; state reads (patch@1.0 `now`/`compute` keys) are plain GETs too.
import type { ServerResponse } from 'node:http';
import type { Tag } from '../engine/types.js';
import { isId } from '../local/ids.js';
import { tagValue } from '../local/tags.js';
import { DataItemError, readSignedItemAsync, type DataItem } from './ans104.js';
import { cuResult, type NodeContext } from './context.js';
import { HttpError, sendJson, sendText, type Req } from './http.js';
import { signedItem } from './legacy.js';

const PROCESS_SEGMENT = /^([A-Za-z0-9_-]{43})(~process@1\.0)?$/;

export async function mainnetRoute(ctx: NodeContext, req: Req, res: ServerResponse): Promise<boolean> {
  const path = req.path;
  if (path === '/~meta@1.0/info/address') {
    sendText(res, 200, ctx.scheduler);
    return true;
  }
  if (path === '/~meta@1.0/info') {
    sendJson(res, 200, { address: ctx.scheduler, module: ctx.module, scheduler: ctx.scheduler, node: 'aos-ts serve' });
    return true;
  }
  if (path === '/push' && req.method === 'POST') {
    const item = await signedItem(await req.body());
    if (tagValue(item.tags, 'Type') === 'Process' && !item.target) {
      const { id } = await ctx.spawnFrom(item);
      sendJson(res, 200, { process: id, id, slot: 0 }, { process: id });
      return true;
    }
    await pushMessage(ctx, item, res);
    return true;
  }

  const slash = path.indexOf('/', 1);
  const first = path.slice(1, slash < 0 ? undefined : slash);
  const m = PROCESS_SEGMENT.exec(first);
  if (!m) return false;
  const pid = m[1]!;
  const rest = slash < 0 ? '' : path.slice(slash + 1);
  const device = m[2] !== undefined;

  if (rest === 'push' && device && req.method === 'POST') {
    const item = await signedItem(await req.body());
    if (item.target && item.target !== pid) throw new HttpError(400, `the data item targets ${item.target} but was pushed to ${pid}; push it to its target's path`);
    if (!item.target) throw new HttpError(400, 'the data item has no target; set it to the process id');
    await pushMessage(ctx, item, res);
    return true;
  }
  if (rest === 'slot/current' || rest === 'slot') {
    const proc = await ctx.process(pid);
    sendText(res, 200, String(proc.lastSeq - 1));
    return true;
  }
  const results = /^compute\/results=([^/]+)$/.exec(rest);
  if (results) {
    const ref = decodeURIComponent(results[1]!);
    const rec = /^\d+$/.test(ref) ? await ctx.recordOf(pid, { slot: Number(ref) }) : await ctx.recordOf(pid, { id: ref });
    sendJson(res, 200, { slot: rec.seq - 1, process: pid, id: rec.msg.Id, raw: cuResult(rec.result) });
    return true;
  }
  if (rest.startsWith('as=execution/compute')) {
    const params = rest.slice('as=execution/compute'.length).split('&').filter(Boolean);
    const tags: Tag[] = params.map((p) => {
      const at = p.indexOf('=');
      if (at <= 0) throw new HttpError(400, `dry-run parameter "${safeDecode(p).slice(0, 40)}" is not name=value`);
      return { name: safeDecode(p.slice(0, at)), value: safeDecode(p.slice(at + 1)) };
    });
    const body = await req.body();
    let item: DataItem | undefined;
    if (body.length > 0) {
      try {
        item = await readSignedItemAsync(body);
      } catch (err) {
        if (err instanceof DataItemError) throw new HttpError(400, err.message);
        throw err;
      }
    }
    // Timestamp and Block-Height are the message's fields, as in a legacy dry-run's body (keys are case-insensitive here).
    const field = (name: string): string | undefined => {
      const all = [...tags, ...(item?.tags ?? [])];
      return all.find((t) => t.name.toLowerCase() === name.toLowerCase())?.value;
    };
    const isField = (t: Tag) => /^(timestamp|block-height)$/i.test(t.name);
    const result = await ctx.dryrun(pid, {
      Owner: item?.ownerAddress,
      Tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Type', value: 'Message' }, { name: 'Variant', value: 'ao.N.1' }, ...tags.filter((t) => !isField(t))],
      Data: item && item.data.length ? item.data.toString('utf8') : undefined,
      Timestamp: field('Timestamp'),
      'Block-Height': field('Block-Height'),
    });
    sendJson(res, 200, { process: pid, raw: cuResult(result) });
    return true;
  }
  const state = /^(now|compute)(?:\/(.*))?$/.exec(rest);
  if (state && (req.method === 'GET' || req.method === 'POST' || req.method === 'HEAD')) {
    const keys = (state[2] ?? '').split('/').filter(Boolean).map(safeDecode);
    const proc = await ctx.process(pid);
    const found = proc.history.patched(keys);
    if (!found.found) {
      throw new HttpError(404, `process ${pid} has not set "${keys.join('/')}"; a process exposes state with Send({ device = 'patch@1.0', ${keys[0] ?? 'key'} = value })`);
    }
    if (typeof found.value === 'string') sendText(res, 200, found.value);
    else sendJson(res, 200, found.value ?? null);
    return true;
  }
  if (isId(first) && rest !== '') {
    throw new HttpError(404, `"${rest.slice(0, 60)}" is not a path this node serves for a process; see GET / for the endpoints`);
  }
  return false;
}

async function pushMessage(ctx: NodeContext, item: DataItem, res: ServerResponse): Promise<void> {
  const sent = await ctx.messageFrom(item);
  if (sent.handedOff) {
    sendJson(res, 202, { id: sent.id, process: sent.process, message: 'handed to the aos-ts program that has the process open; its result is available once that program closes it' }, { id: sent.id });
    return;
  }
  const slot = sent.seq - 1;
  sendJson(res, 200, { slot, id: sent.id, process: sent.process, raw: cuResult(sent.result) }, { slot: String(slot), id: sent.id });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
