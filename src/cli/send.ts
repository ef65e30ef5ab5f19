// `aos-ts send <process> --action X`: one message from you, delivered and
// settled across the local network; Output.data on stdout, what the cascade
// did on stderr.
import type { Tag } from '../engine/types.js';
import { tagValue } from '../engine/types.js';
import type { Delivery, Settled } from '../local/network.js';
import type { RemoteFlags } from '../remote/settings.js';
import { outputText } from '../text/result.js';
import { clip, shortId } from '../text/width.js';
import { findProcess, openNetwork, parseTags, type CommonOptions } from './common.js';
import { err, forStream, noticeWriter, printJson, runCommand, UsageError } from './output.js';
import { printResult } from './script.js';
import { loadBundleMaps, sourcesFromLog } from './eval-sources.js';
import type { EvalSource } from '../text/lua-error.js';

export interface SendCommandOptions extends CommonOptions, RemoteFlags {
  action?: string;
  tag?: string[];
  data?: string;
}

export function runSend(target: string, opts: SendCommandOptions): Promise<number> {
  return runCommand(async () => {
    const tags: Tag[] = [];
    if (opts.action !== undefined) {
      if (opts.action.trim() === '') throw new UsageError('--action is empty. Give the Action tag value, e.g. --action Balance.');
      tags.push({ name: 'Action', value: opts.action });
    }
    const extra = parseTags(opts.tag);
    if (opts.action !== undefined && extra.some((t) => t.name === 'Action')) {
      throw new UsageError('both --action and --tag Action=... were given; use one of them.');
    }
    tags.push(...extra);

    const { wantsRemote } = await import('./connect.js');
    if (wantsRemote(target, opts)) {
      const { isRemoteRequested } = await import('../remote/settings.js');
      // an id that is not local: say where the message goes, before any wallet or network step
      if (!isRemoteRequested(opts)) noticeWriter(opts)(`${target} is not a local process: sending to it on AO (add --mainnet <url> or --legacy to choose the network).`);
      return sendRemote(target, tags, opts);
    }

    const network = await openNetwork(opts);
    try {
      const id = findProcess(network, target);
      const msg = network.userMessage(id, tags, opts.data);
      let settled = await network.sendAndSettle(id, msg, { handOff: true });
      // Open in another aos-ts: that program handles it; wait for its result in the log.
      const handed = settled.status === 'handed-off' ? settled.handedOff.find((h) => h.msg.Id === msg.Id) : undefined;
      if (handed) settled = await network.waitForResult(id, String(msg.Id), { timeoutMs: 30_000, afterSeq: handed.afterSeq });
      if (opts.json) {
        printJson({
          id: msg.Id,
          seq: settled.seq,
          result: settled.result,
          cascade: settled.cascade,
          pending: settled.pending,
          ...(handedOffOf(settled).length > 0 ? { handedOff: handedOffOf(settled) } : {}),
          ...(settled.truncated ? { truncated: settled.truncated } : {}),
        }, opts);
      } else {
        const names = new Map(network.list().map((m) => [m.id, m.name]));
        names.set(network.identity.address, 'you');
        let lookup: ((chunk: string) => EvalSource | undefined) | undefined;
        if (settled.result.Error !== undefined && settled.status !== 'handed-off') {
          // the Eval that defined the failing handler, from the process's log
          await loadBundleMaps();
          const proc = await network.get(id).catch(() => undefined);
          if (proc) lookup = sourcesFromLog(() => proc.records());
        }
        printSettled(settled, opts, (pid) => names.get(pid), network.identity.address, lookup);
      }
      const refusals = errorReplies(settled, network.identity.address);
      if (!opts.json) for (const r of refusals) err(forStream('stderr', r, opts));
      return settled.result.Error !== undefined || refusals.length > 0 ? 1 : 0;
    } finally {
      await network.close();
    }
  });
}

/** One message to a process on AO: its Output.data (or Error). */
async function sendRemote(target: string, tags: Tag[], opts: SendCommandOptions): Promise<number> {
  const { openRemoteConnection } = await import('./connect.js');
  const conn = await openRemoteConnection(target, opts, false);
  try {
    const result = await conn.send({ Tags: tags, Data: opts.data });
    if (opts.json) printJson({ process: conn.info().id, result }, opts);
    else printResult(result, { color: opts.color });
    return result.Error !== undefined ? 1 : 0;
  } finally {
    await conn.close();
  }
}

function printSettled(
  settled: Settled,
  opts: SendCommandOptions,
  name: (id: string) => string | undefined,
  you: string,
  lookup?: (chunk: string) => EvalSource | undefined,
): void {
  printResult(settled.result, { color: opts.color }, undefined, lookup);
  const notice = noticeWriter(opts);
  const lines = cascadeLines(settled, name, you);
  if (lines.length > 0) notice(lines.join('\n'));
  if (settled.truncated) notice(settled.truncated);
}

/** Messages the cascade handed to processes another aos-ts has open (newer networks report them). */
function handedOffOf(settled: Settled): { target: string; msg: { Tags: Tag[]; Data?: unknown; From?: string } }[] {
  const extra = (settled as { handedOff?: unknown }).handedOff;
  return Array.isArray(extra) ? (extra as { target: string; msg: { Tags: Tag[]; Data?: unknown; From?: string } }[]) : [];
}

/** One line per message the cascade delivered, handed off, or could not deliver, under a one-line summary. */
export function cascadeLines(settled: Settled, name: (id: string) => string | undefined, you?: string): string[] {
  const { cascade, pending } = settled;
  const handedOff = handedOffOf(settled);
  if (cascade.length === 0 && pending.length === 0 && handedOff.length === 0) return [];
  const counts = [`${cascade.length} delivered locally`];
  if (handedOff.length > 0) counts.push(`${handedOff.length} handed to processes open elsewhere`);
  const toYou = pending.filter((p) => p.message.Target !== undefined && p.message.Target === you).length;
  if (toYou > 0) counts.push(`${toYou} sent to you`);
  if (pending.length > toYou) counts.push(`${pending.length - toYou} not delivered (target not local)`);
  const lines = [`cascade: ${counts.join(', ')}`];
  const label = (id: string | undefined, fallback?: string) => {
    if (!id) return '(no Target)';
    const n = fallback ?? name(id);
    return n && n !== id ? `${n} (${shortId(id)})` : shortId(id);
  };
  for (const d of cascade) {
    lines.push(`  → ${label(d.process, d.processName)} #${d.seq} ${describe(d.msg.Tags, d.msg.Data)} from ${label(d.msg.From)}${outcome(d)}`);
  }
  for (const h of handedOff) lines.push(`  ↪ ${label(h.target)} ${describe(h.msg.Tags, h.msg.Data)} from ${label(h.msg.From)} (open in another aos-ts)`);
  for (const p of pending) lines.push(`  ⋯ ${label(p.message.Target)} ${describe(p.message.Tags, p.message.Data)} from ${label(p.from)}`);
  return lines;
}

function describe(tags: Tag[] | undefined, data: unknown): string {
  const action = tagValue(tags, 'Action');
  if (action !== undefined) return `Action=${clip(action, 30)}`;
  if (tagValue(tags, 'Type') === 'Process') return 'spawn';
  const text = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
  return text === '' ? '(no Action)' : `Data=${clip(text, 30)}`;
}

function outcome(d: Delivery): string {
  if (d.result.Error !== undefined) return `: Error ${clip(d.result.Error.replace(/^\n+/, ''), 60)}`;
  const text = outputText(d.result);
  return text === '' ? '' : `: ${clip(text, 60)}`;
}

/**
 * Replies addressed to you whose Action ends in `-Error` (a token's
 * Transfer-Error, ...): `Transfer-Error from token: Insufficient Balance!`,
 * the reason from the reply's Error tag, else its Data.
 */
export function errorReplies(settled: Settled, you: string): string[] {
  const lines: string[] = [];
  for (const p of settled.pending) {
    const m = p.message;
    const action = tagValue(m.Tags, 'Action');
    if (m.Target !== you || action === undefined || !action.endsWith('-Error')) continue;
    const reason = tagValue(m.Tags, 'Error') ?? (typeof m.Data === 'string' && m.Data !== '' ? m.Data : undefined);
    lines.push(`${action}${p.from ? ` from ${shortId(p.from)}` : ''}: ${reason ?? '(no reason given)'}`);
  }
  return lines;
}
