// aos-ts as a library: aoconnect-shaped functions over the local network, so
// code written against @permaweb/aoconnect (spawn, message, result, results,
// dryrun) runs against local processes unchanged. There is no wallet
// locally: `signer` arguments are accepted and ignored, and every message is
// from the local identity (the owner of the processes spawned here).
import type { AoResult, Tag } from './engine/types.js';
import { LocalNetwork, type Settled } from './local/network.js';
import { derivedId } from './local/ids.js';
import { resolveDataDir } from './local/paths.js';
import { shapeResult, type MessageResult } from './local/result.js';
import { baseTags, tagValue } from './local/tags.js';

export { LocalNetwork } from './local/network.js';
export type { Delivery, NetworkOptions, Settled, SpawnOptions } from './local/network.js';
export type { LocalProcess, MessageRecord, ProcessRecord } from './local/local-process.js';
export type { ProcessMeta } from './local/process-meta.js';
export type { LocalIdentity } from './local/identity.js';
export type { AoMessage, AoResult, OutboxMessage, SpawnRequest, AssignmentRequest, OutputObject, Tag } from './engine/types.js';
export type { Connection, ConnectionCapabilities, ProcessInfo, OutgoingMessage } from './connection.js';
export type { MessageResult } from './local/result.js';
export { ProcessHistory, type Bound, type MessageRef, type ResultsQuery } from './local/history.js';

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

export interface AssignArgs {
  /** The process that receives the message. */
  process: string;
  /** The id of a message some local process received. */
  message: string;
  /** Not supported locally (the whole message is assigned). */
  exclude?: string[];
  /** Ignored: there is no base layer locally. */
  baseLayer?: boolean;
  signer?: unknown;
}

export interface DryrunArgs {
  process: string;
  tags?: TagInput[];
  data?: DataInput;
  anchor?: string;
  /** The signer the process sees (default: the local identity). From is a `From-Process` tag's value, else Owner. */
  Owner?: string;
  /** Ignored, as the compute unit ignores it: use Owner, or a `From-Process` tag. */
  From?: string;
  Id?: string;
  /** The message's time in ms (default: the newest message's, as the compute unit). */
  Timestamp?: number | string;
  'Block-Height'?: number | string;
  signer?: unknown;
  [key: string]: unknown;
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
  /**
   * Assign a message to a process, as aoconnect's assign(): the process
   * receives the original message (its id, signer, tags, Target), and aos's
   * assignable checks decide. Returns the assignment's id.
   */
  assign(args: AssignArgs): Promise<string>;
  /** What the last message() delivered across the local network. */
  lastSettled(): Settled | undefined;
  /** The network underneath, for what aoconnect has no call for. */
  readonly network: LocalNetwork;
  close(): Promise<void>;
}

const DEFAULT_RESULTS_LIMIT = 25;

export function connect(options: ConnectOptions = {}): LocalAo {
  const network = new LocalNetwork(resolveDataDir(options.dataDir), { onNotice: options.onNotice });
  let last: Settled | undefined;
  let lastStarted = 0;
  let closed = false;
  // Calls run in the order they are made. message(), result() and results()
  // made one after another without waiting go out together: the messages
  // reach their processes in call order and share the local network's group
  // commit (each call still resolves only once its cascade is on disk).
  // spawn, dryrun, assign and close wait for every earlier call, and later
  // calls wait for them.
  let barrier: Promise<unknown> = Promise.resolve();
  let together = new Set<Promise<unknown>>();
  const ready = () => {
    if (closed) throw new Error('this aos-ts connection is closed; call connect() again');
  };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = Promise.all([barrier, ...together]).then(() => {
      ready();
      return fn();
    });
    barrier = run.catch(() => undefined);
    together = new Set();
    return run;
  };
  const shared = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = barrier.then(() => {
      ready();
      return fn();
    });
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    together.add(settled);
    void settled.then(() => together.delete(settled));
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
        const name = tagValue(tags, 'Name') ?? `process-${Date.now().toString(36)}`;
        const cron = tagValue(tags, 'Cron-Interval');
        const rest = tags.filter((t) => t.name !== 'Name' && t.name !== 'Cron-Interval');
        const { process } = await network.spawn(name, { tags: rest, data: toData(args.data), cron });
        return process.id;
      });
    },

    message(args: MessageArgs) {
      return shared(async () => {
        const proc = await open(args?.process);
        const msg = network.userMessage(proc.id, toTags(args.tags), toData(args.data), { anchor: args.anchor });
        const n = ++lastStarted;
        const settled = await network.sendAndSettle(proc.id, msg);
        // What the newest message() delivered, whatever order they settle in.
        if (n === lastStarted) last = settled;
        const id = msg.Id!;
        return id;
      });
    },

    result(args: ResultArgs) {
      return shared(async () => {
        const proc = await open(args?.process);
        const rec = proc.history.resultOf({ id: args?.message });
        if (!rec) throw new Error(`process ${proc.id} has no message ${args.message} in its history`);
        return shape(rec.result);
      });
    },

    results(args: ResultsArgs) {
      return shared(async () => {
        const proc = await open(args?.process);
        const from = cursorArg('from', args.from) ?? 0;
        const to = cursorArg('to', args.to);
        const sort = (args.sort ?? 'ASC').toUpperCase();
        if (sort !== 'ASC' && sort !== 'DESC') throw new TypeError('`sort` must be ASC or DESC');
        const limit = args.limit ?? DEFAULT_RESULTS_LIMIT;
        if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('`limit` must be a whole number of 1 or more');
        // As the compute unit: evaluations that ended in an Error are left out,
        // and so are messages a local undo cancelled.
        const page = proc.history.results({ from: { seq: from }, to: to === undefined ? undefined : { seq: to }, sort, limit });
        return {
          edges: page.records.map((r) => ({ cursor: String(r.seq), node: shape(r.result) })),
          pageInfo: { hasNextPage: page.hasNextPage },
        };
      });
    },

    dryrun(args: DryrunArgs) {
      return serial(async () => {
        const proc = await open(args?.process);
        // As the compute unit: From comes from a From-Process tag, else Owner
        // (a `From` in the request is ignored); Timestamp and Block-Height may be given.
        const msg = network.dryrunMessage(proc, {
          Tags: [...baseTags('Message'), ...toTags(args.tags)],
          Data: toData(args.data),
          Owner: typeof args.Owner === 'string' ? args.Owner : undefined,
          Id: typeof args.Id === 'string' ? args.Id : undefined,
          Anchor: args.anchor,
          Timestamp: scalarArg('Timestamp', args.Timestamp),
          'Block-Height': scalarArg('Block-Height', args['Block-Height']),
        });
        return shape(await proc.dryrun(msg));
      });
    },

    assign(args: AssignArgs) {
      return serial(async () => {
        const proc = await open(args?.process);
        if (typeof args.message !== 'string' || args.message === '') throw new TypeError('`message` must be the id of a message');
        if (args.exclude !== undefined && (!Array.isArray(args.exclude) || args.exclude.length > 0)) {
          throw new TypeError('`exclude` is not supported locally: the whole message is assigned');
        }
        const original = await network.findMessage(args.message, { searchAll: true });
        if (!original) throw new Error(`no local process has received a message ${args.message}; assign a message a local process has handled`);
        const done = await network.assign(proc.id, original);
        if (done.settled) last = done.settled;
        return derivedId('assignment', proc.id, args.message);
      });
    },

    lastSettled: () => last,

    close() {
      const done = Promise.all([barrier, ...together]).then(async () => {
        if (closed) return;
        closed = true;
        await network.close();
      });
      barrier = done.catch(() => undefined);
      together = new Set();
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

function scalarArg(which: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if ((typeof value !== 'number' && typeof value !== 'string') || !Number.isFinite(n)) {
    throw new TypeError(`\`${which}\` must be a number, not ${JSON.stringify(value)}`);
  }
  return n;
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
  return shapeResult(result);
}
