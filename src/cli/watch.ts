// `aos-ts --watch <process>` (aos's --watch): print the messages that arrive
// at a process as they come, with no prompt, until Ctrl-C. A local process is
// read from its log without a lock (a shell or a node may hold it and keep
// appending); a process on AO through the remote live feed.
import { join } from 'node:path';
import type { LiveMessage } from '../connection.js';
import { tagValue } from '../engine/types.js';
import type { ProcessRecord } from '../local/records.js';
import { explainError, type EvalSource } from '../text/lua-error.js';
import { outputText } from '../text/result.js';
import { shortId } from '../text/width.js';
import { decide, openRemoteConnection, type WhereOptions } from './connect.js';
import { err, forStream, io, noticeWriter, out, runCommand } from './output.js';

/** How often a local process's log is read for new messages. */
const LOCAL_POLL_MS = 250;

export function runWatch(target: string, opts: WhereOptions): Promise<number> {
  return runCommand(async () => {
    const side = await decide(target, opts);
    const notice = noticeWriter(opts);
    const stopped = untilStopped();
    if (side.kind === 'local') {
      const { openNetwork, findProcess } = await import('./common.js');
      const network = await openNetwork(opts, { cron: false });
      let dir: string;
      let names: Map<string, string>;
      let label: string;
      try {
        const id = findProcess(network, side.name);
        dir = network.dirOf(id);
        names = new Map(network.list().map((m) => [m.id, m.name]));
        names.set(network.identity.address, 'you');
        label = `"${names.get(id) ?? side.name}" (${id})`;
      } finally {
        await network.close();
      }
      const { LogReader } = await import('../local/log-reader.js');
      const log = new LogReader(join(dir, 'log'));
      let seen = log.lastSeq;
      const { sourcesFromLog } = await import('./eval-sources.js');
      const lookup = sourcesFromLog(() => new LogReader(join(dir, 'log')).read() as Iterable<ProcessRecord>);
      notice(`Watching ${label}: messages that arrive show here. Ctrl-C stops.`);
      const read = () => {
        if (log.refresh() <= seen) return;
        for (const r of log.read(seen + 1) as Iterable<ProcessRecord>) {
          seen = r.seq;
          if (r.kind === 'message') printLocal(r, names, opts, lookup);
        }
      };
      const timer = setInterval(read, LOCAL_POLL_MS);
      try {
        await stopped;
      } finally {
        clearInterval(timer);
      }
      return 0;
    }
    const { stdin, stderr } = io();
    const conn = await openRemoteConnection(side.target, { ...side.flags, quiet: opts.quiet, color: opts.color, dataDir: opts.dataDir }, stdin.isTTY === true && stderr.isTTY === true);
    try {
      notice(`Watching ${conn.info().id} on ${conn.info().node ?? conn.info().network}: messages that arrive show here (read every few seconds). Ctrl-C stops.`);
      const off = conn.onLive((m) => printRemote(m, opts));
      // the feed's timers do not keep the program alive by themselves
      const alive = setInterval(() => undefined, 60_000);
      try {
        await stopped;
      } finally {
        clearInterval(alive);
        off();
      }
      return 0;
    } finally {
      await conn.close();
    }
  });
}

/** Resolves on Ctrl-C or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function time(ts: unknown): string {
  const n = Number(ts);
  return new Date(Number.isFinite(n) && n > 0 ? n : Date.now()).toTimeString().slice(0, 8);
}

/** One arrived message: `12:01:05 from alice (abcd…) Action=Ping`, then what it printed, then its Error. */
function printLocal(
  r: Extract<ProcessRecord, { kind: 'message' }>,
  names: Map<string, string>,
  opts: WhereOptions,
  lookup: (chunk: string) => EvalSource | undefined,
): void {
  const msg = r.msg;
  const from = msg.From ?? msg.Owner ?? '?';
  const who = names.get(from);
  const action = msg.Cron ? 'Cron' : (tagValue(msg.Tags, 'Action') ?? '(no Action)');
  const fromText = who ? `${who} (${shortId(from)})` : shortId(from);
  out(`${time(msg.Timestamp)} from ${fromText} Action=${action}`);
  const text = r.result.Error === undefined ? outputText(r.result) : '';
  if (text !== '') out(forStream('stdout', indent(text), opts));
  if (r.result.Error !== undefined) {
    // an Eval names its chunk (Chunk-Name): its error shows the line it points at
    const chunk = tagValue(msg.Tags, 'Chunk-Name');
    const current = chunk !== undefined && typeof msg.Data === 'string' ? { chunk, source: msg.Data, label: chunk } : undefined;
    err(forStream('stderr', indent(explainError(String(r.result.Error), { current, lookup })), opts));
  }
}

function printRemote(m: LiveMessage, opts: WhereOptions): void {
  const from = m.from !== '' && m.from !== 'unknown' ? ` from ${shortId(m.from)}` : '';
  out(`${time(undefined)}${from}${m.action ? ` Action=${m.action}` : ''}`);
  if (m.text !== '') out(forStream('stdout', indent(m.text), opts));
  if (m.error !== undefined) err(forStream('stderr', indent(explainError(m.error)), opts));
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
