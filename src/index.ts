// aos-ts as a library: aoconnect-shaped functions over the local network, so
// code written against @permaweb/aoconnect (spawn, message, result, results,
// dryrun) runs against local processes unchanged. There is no wallet
// locally: `signer` arguments are accepted and ignored, and every message is
// from the local identity (the owner of the processes spawned here).
import type { AoMessage, AoResult, Tag } from './engine/types.js';
import { LocalNetwork, type Settled } from './local/network.js';
import type { MessageRecord, ProcessRecord } from './local/local-process.js';
import { resolveDataDir } from './local/paths.js';

export { LocalNetwork } from './local/network.js';
export type { Delivery, NetworkOptions, Settled, SpawnOptions } from './local/network.js';
export type { LocalProcess, MessageRecord, ProcessRecord } from './local/local-process.js';
export type { ProcessMeta } from './local/process-meta.js';
export type { LocalIdentity } from './local/identity.js';
export type { AoMessage, AoResult, OutboxMessage, SpawnRequest, AssignmentRequest, OutputObject, Tag } from './engine/types.js';
export type { Connection, ProcessInfo, OutgoingMessage } from './connection.js';

export interface ConnectOptions {
  /** Where local processes live (default: $AOS_TS_HOME, else the user data folder, as the CLI). */
  dataDir?: string;
  /** Recovery and cron notices; silent by default. */
  onNotice?: (text: string) => void;
}

/** Tags as aoconnect takes them; values are turned into strings. */
export type TagInput = { name: string; value: string | number | boolean };
type DataInput = string | Uint8Array;

export interface SpawnArgs {
  /** Ignored: every local process runs the aos-ts Lua OS. */
  module?: string;
  /** Ignored: the local network schedules everything. */
  scheduler?: string;
  signer?: unknown;
  tags?: TagInput[];
  data?: DataInput;
}

export interface MessageArgs {
  process: string;
  tags?: TagInput[];
  data?: DataInput;
  anchor?: string;
  signer?: unknown;
}

export interface ResultArgs {
  message: string;
  process: string;
}

export interface ResultsArgs {
  process: string;
  /** Exclusive: results after this cursor. */
  from?: string;
  /** Inclusive: results up to and including this cursor. */
  to?: string;
  sort?: 'ASC' | 'DESC';
  /** Default 25, as the compute unit. */
  limit?: number;
}

export interface DryrunArgs {
  process: string;
  tags?: TagInput[];
  data?: DataInput;
  anchor?: string;
  Owner?: string;
  From?: string;
  Id?: string;
  signer?: unknown;
  [key: string]: unknown;
}

/** A result in the shape a compute unit answers with. */
export interface MessageResult {
  Output: AoResult['Output'] | Record<string, never>;
  Messages: NonNullable<AoResult['Messages']>;
  Spawns: NonNullable<AoResult['Spawns']>;
  Assignments: NonNullable<AoResult['Assignments']>;
  Error?: string;
}

export interface ResultsPage {
  edges: { cursor: string; node: MessageResult }[];
  pageInfo: { hasNextPage: boolean };
}

export interface LocalAo {
  spawn(args?: SpawnArgs): Promise<string>;
  message(args: MessageArgs): Promise<string>;
  result(args: ResultArgs): Promise<MessageResult>;
  results(args: ResultsArgs): Promise<ResultsPage>;
  dryrun(args: DryrunArgs): Promise<MessageResult>;
  /** What the last message() delivered across the local network. */
  lastSettled(): Settled | undefined;
  /** The network underneath, for what aoconnect has no call for. */
  readonly network: LocalNetwork;
  close(): Promise<void>;
}

const DEFAULT_RESULTS_LIMIT = 25;
/** Records read per step when searching a history from its end. */
const SCAN_WINDOW = 256;

export function connect(options: ConnectOptions = {}): LocalAo {
  const network = new LocalNetwork(resolveDataDir(options.dataDir), { onNotice: options.onNotice });
  const sent = new Map<string, { process: string; result: AoResult }>();
  let last: Settled | undefined;
  let closed = false;
  // One operation at a time: a cascade settles before the next call starts.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(() => {
      if (closed) throw new Error('this aos-ts connection is closed; call connect() again');
      return fn();
    });
    chain = run.catch(() => undefined);
    return run;
  };

  const open = async (processId: string) => {
    if (typeof processId !== 'string' || processId === '') throw new TypeError('`process` must be a process id');
    const id = network.resolve(processId);
    if (!id) throw new Error(`no local process has the id ${processId} (in ${network.dataDir})`);
    return network.get(id);
  };

  return {
    network,

    spawn(args: SpawnArgs = {}) {
      return serial(async () => {
        const tags = toTags(args.tags);
        const name = tagOf(tags, 'Name') ?? `process-${Date.now().toString(36)}`;
        const cron = tagOf(tags, 'Cron-Interval');
        const rest = tags.filter((t) => t.name !== 'Name' && t.name !== 'Cron-Interval');
        const { process } = await network.spawn(name, { tags: rest, data: toData(args.data), cron });
        return process.id;
      });
    },

    message(args: MessageArgs) {
      return serial(async () => {
        const proc = await open(args?.process);
        const msg: AoMessage = network.userMessage(proc.id, toTags(args.tags), toData(args.data));
        if (args.anchor !== undefined) msg.Anchor = args.anchor;
        last = await network.sendAndSettle(proc.id, msg);
        const id = msg.Id!;
        sent.set(id, { process: proc.id, result: last.result });
        return id;
      });
    },

    result(args: ResultArgs) {
      return serial(async () => {
        const known = sent.get(args?.message);
        if (known && known.process === args.process) return shape(known.result);
        const proc = await open(args?.process);
        const rec = findRecord(proc.records.bind(proc), proc.lastSeq, (r) => r.msg.Id === args.message);
        if (!rec) throw new Error(`process ${proc.id} has no message ${args.message} in its history`);
        return shape(rec.result);
      });
    },

    results(args: ResultsArgs) {
      return serial(async () => {
        const proc = await open(args?.process);
        const from = cursorArg('from', args.from) ?? 0;
        const to = cursorArg('to', args.to) ?? Number.POSITIVE_INFINITY;
        const sort = (args.sort ?? 'ASC').toUpperCase();
        if (sort !== 'ASC' && sort !== 'DESC') throw new TypeError('`sort` must be ASC or DESC');
        const limit = args.limit ?? DEFAULT_RESULTS_LIMIT;
        if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('`limit` must be a whole number of 1 or more');
        // As the compute unit: evaluations that ended in an Error are left out,
        // and so are messages a local undo cancelled.
        const undone = new Set<number>();
        const hits: MessageRecord[] = [];
        for (const rec of proc.records(from + 1)) {
          if (rec.kind === 'undo') undone.add(rec.undoes);
          else if (rec.seq <= to && rec.result.Error === undefined) hits.push(rec);
        }
        const kept = hits.filter((r) => !undone.has(r.seq));
        if (sort === 'DESC') kept.reverse();
        const page = kept.slice(0, limit);
        return {
          edges: page.map((r) => ({ cursor: String(r.seq), node: shape(r.result) })),
          pageInfo: { hasNextPage: kept.length > limit },
        };
      });
    },

    dryrun(args: DryrunArgs) {
      return serial(async () => {
        const proc = await open(args?.process);
        const msg: AoMessage = network.userMessage(proc.id, toTags(args.tags), toData(args.data));
        if (typeof args.Owner === 'string') {
          msg.Owner = args.Owner;
          msg.From = typeof args.From === 'string' ? args.From : args.Owner;
        } else if (typeof args.From === 'string') {
          msg.From = args.From;
        }
        if (typeof args.Id === 'string') msg.Id = args.Id;
        if (args.anchor !== undefined) msg.Anchor = args.anchor;
        return shape(await proc.dryrun(msg));
      });
    },

    lastSettled: () => last,

    close() {
      const done = chain.then(async () => {
        if (closed) return;
        closed = true;
        sent.clear();
        await network.close();
      });
      chain = done.catch(() => undefined);
      return done;
    },
  };
}

function toTags(tags: TagInput[] | undefined): Tag[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw new TypeError('`tags` must be an array of { name, value }');
  return tags.map((t) => {
    if (!t || typeof t.name !== 'string') throw new TypeError('every tag needs a string `name`');
    return { name: t.name, value: String(t.value) };
  });
}

function toData(data: DataInput | undefined): string | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return String(data);
}

function tagOf(tags: Tag[], name: string): string | undefined {
  return tags.find((t) => t.name === name)?.value;
}

function cursorArg(which: string, value: string | number | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`\`${which}\` must be a cursor from an earlier results() call (a message number), not ${JSON.stringify(value)}`);
  }
  return n;
}

function shape(result: AoResult): MessageResult {
  const out: MessageResult = {
    ...result,
    Output: result.Output ?? {},
    Messages: result.Messages ?? [],
    Spawns: result.Spawns ?? [],
    Assignments: result.Assignments ?? [],
  };
  if (result.Error === undefined) delete out.Error;
  return out;
}

/** The newest message record matching `match`, reading the history backwards in windows. */
function findRecord(
  records: (fromSeq: number) => Iterable<ProcessRecord>,
  lastSeq: number,
  match: (rec: MessageRecord) => boolean,
): MessageRecord | undefined {
  let end = lastSeq;
  let size = SCAN_WINDOW;
  while (end >= 1) {
    const start = Math.max(1, end - size + 1);
    let found: MessageRecord | undefined;
    for (const rec of records(start)) {
      if (rec.seq > end) break;
      if (rec.kind === 'message' && match(rec)) found = rec;
    }
    if (found) return found;
    end = start - 1;
    size *= 2;
  }
  return undefined;
}
