// `aos-ts list`: the local processes, read from their folders without
// opening them. No lock is taken, so a process open in another aos-ts is
// listed too (marked "open elsewhere"), and listing never gets in the way of
// a program that opens a process at the same moment.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isId } from '../local/ids.js';
import { PROCESS_LOCK } from '../local/lock.js';
import { MessageLog } from '../local/message-log.js';
import { inspectProcessFolder, type ProcessMeta } from '../local/process-meta.js';
import { resolveDataDir } from '../local/paths.js';
import { timeAgo, type CommonOptions } from './common.js';
import { plainTable as table } from '../text/width.js';
import { noticeWriter, out, printJson, runCommand } from './output.js';

export interface ListEntry {
  name: string;
  id: string;
  messages: number;
  /** Time of the newest record (its message timestamp), ms since the epoch. */
  lastActivity: number | null;
  cron: string | null;
  /** Set when another program has the process open. */
  openElsewhere: string | null;
  /** The id of its published copy, when it was published. */
  publishedAs: string | null;
  /** For the published copy of a local process kept here by a local node (aos-ts serve): the original's name. */
  publishedCopyOf: string | null;
}

export function runList(opts: CommonOptions): Promise<number> {
  return runCommand(async () => {
    const dataDir = resolveDataDir(opts.dataDir);
    const notice = noticeWriter(opts);
    const entries = listProcesses(dataDir, notice);
    if (opts.json) {
      printJson(entries);
      return 0;
    }
    if (entries.length === 0) {
      out(`No local processes in ${dataDir} yet. Create one with: aos-ts spawn <name>  (or open one at once with: aos-ts <name>)`);
      return 0;
    }
    const now = Date.now();
    const rows = [['NAME', 'ID', 'MESSAGES', 'LAST ACTIVITY', 'CRON', '']];
    for (const e of entries) {
      rows.push([
        e.name,
        e.id,
        String(e.messages),
        e.lastActivity === null ? '-' : timeAgo(e.lastActivity, now),
        e.cron ?? '-',
        [
          e.publishedCopyOf !== null ? `published copy of "${e.publishedCopyOf}" (served by aos-ts serve)` : '',
          e.publishedAs !== null ? `published as ${e.publishedAs}` : '',
          e.openElsewhere ? `open elsewhere (${e.openElsewhere})` : '',
        ]
          .filter((s) => s !== '')
          .join('; '),
      ]);
    }
    out(table(rows));
    return 0;
  });
}

/** Every process folder in the data folder, oldest first, read without locks. */
export function listProcesses(dataDir: string, notice: (text: string) => void = () => {}): ListEntry[] {
  const root = join(dataDir, 'processes');
  if (!existsSync(root)) return [];
  const found: { meta: ProcessMeta; entry: ListEntry }[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!isId(name)) continue;
    const seen = inspectProcessFolder(dir);
    if (seen.state === 'damaged') notice(`damaged: ${seen.error.message}`);
    if (seen.state !== 'process') continue;
    const meta: ProcessMeta = seen.meta;
    const last = lastRecord(join(dir, 'log'));
    found.push({
      meta,
      entry: {
        name: meta.name,
        id: meta.id ?? name,
        messages: last.seq,
        lastActivity: last.time,
        cron: meta.cron ?? null,
        openElsewhere: holder(join(dir, PROCESS_LOCK)),
        publishedAs: meta.remote?.id ?? null,
        publishedCopyOf: null,
      },
    });
  }
  const originals = new Map(found.filter((f) => f.meta.remote?.id).map((f) => [f.meta.remote!.id, f.meta.name]));
  for (const f of found) f.entry.publishedCopyOf = originals.get(f.entry.id) ?? null;
  return found.sort((a, b) => (a.meta.createdAt ?? 0) - (b.meta.createdAt ?? 0)).map((f) => f.entry);
}

/** The newest record of a log folder: its seq and time (its message's timestamp, else the file's). */
function lastRecord(logDir: string): { seq: number; time: number | null } {
  const last = MessageLog.peekLast(logDir);
  if (last.seq === 0) return { seq: 0, time: null };
  const ts = Number((last.record?.msg as { Timestamp?: unknown } | undefined)?.Timestamp);
  return { seq: last.seq, time: Number.isFinite(ts) && ts > 0 ? ts : (last.modifiedMs ?? null) };
}

/** Who holds the process lock, when it is held by a live program other than this one. */
function holder(lockFile: string): string | null {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch {
    return null;
  }
  let h: { pid?: number; hostname?: string };
  try {
    h = JSON.parse(text) as { pid?: number; hostname?: string };
  } catch {
    return 'being opened';
  }
  if (typeof h.pid !== 'number') return null;
  if (h.hostname && h.hostname !== hostname()) return `pid ${h.pid} on ${h.hostname}`;
  if (h.pid === process.pid) return null;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null; // a stale lock: nobody has it open
  }
  return `pid ${h.pid}`;
}
