// The local AO network: the registry of local processes in a data folder and
// the scheduler that carries messages between them.
//
// A result's outbox is delivered the way AO's units deliver it: each message
// addressed to a local process becomes a message from the sender
// (From-Process), signed by the local messenger, with its own id, timestamp
// and slot; spawns become new local processes whose parent gets a Spawned
// notice. Delivery goes on, breadth first, until the network is quiet or a
// bound is hit. A message to a process that is not local is kept as pending.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineOptions } from '../engine/process-engine.js';
import { tagValue, type AoMessage, type AoResult, type OutboxMessage, type SpawnRequest, type Tag } from '../engine/types.js';
import { derivedId, isId, randomId } from './ids.js';
import { loadIdentity, type LocalIdentity } from './identity.js';
import { LocalProcess, type Origin } from './local-process.js';
import { blockHeightAt, LOCAL_MODULE_ID, processMessage, readMeta, type ProcessMeta } from './process-meta.js';

export const DEFAULT_CASCADE_LIMIT = 10_000;

export interface NetworkOptions {
  engine?: EngineOptions;
  /** Most messages one cascade may deliver before it is stopped. */
  cascadeLimit?: number;
  onNotice?: (text: string) => void;
}

export interface SpawnOptions {
  tags?: Tag[];
  data?: string;
  cron?: string;
  /** For children spawned by a process: the parent is their owner. */
  parent?: string;
  id?: string;
  timestamp?: number;
}

/** One message handled somewhere in a cascade. */
export interface Delivery {
  process: string;
  processName: string;
  seq: number;
  msg: AoMessage;
  result: AoResult;
}

export interface Settled {
  /** The result of the message the caller sent. */
  result: AoResult;
  seq: number;
  /** Every other message the cascade delivered, in order. */
  cascade: Delivery[];
  /** Messages addressed to processes that are not local. */
  pending: { from: string; message: OutboxMessage }[];
  /** Set when the cascade was cut off by the bound. */
  truncated?: string;
}

interface QueueItem {
  target: string;
  msg: AoMessage;
  origin: Origin;
}

export class LocalNetwork {
  readonly identity: LocalIdentity;
  private readonly open = new Map<string, LocalProcess>();

  constructor(
    readonly dataDir: string,
    private readonly options: NetworkOptions = {},
  ) {
    mkdirSync(this.processesDir, { recursive: true });
    this.identity = loadIdentity(dataDir);
  }

  get processesDir(): string {
    return join(this.dataDir, 'processes');
  }

  dirOf(id: string): string {
    return join(this.processesDir, id);
  }

  /** Every local process, oldest first. */
  list(): ProcessMeta[] {
    const metas: ProcessMeta[] = [];
    for (const entry of readdirSync(this.processesDir)) {
      if (!isId(entry) || !existsSync(join(this.processesDir, entry, 'process.json'))) continue;
      try {
        metas.push(readMeta(join(this.processesDir, entry)));
      } catch (err) {
        this.options.onNotice?.((err as Error).message);
      }
    }
    return metas.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The id of the process with this id or name; an error when a name is ambiguous. */
  resolve(nameOrId: string): string | undefined {
    if (isId(nameOrId) && existsSync(join(this.dirOf(nameOrId), 'process.json'))) return nameOrId;
    const matches = this.list().filter((m) => m.name === nameOrId);
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} local processes are named "${nameOrId}": ${matches.map((m) => m.id).join(', ')}. Open one by its id.`,
      );
    }
    return matches[0]?.id;
  }

  /** Open a process (kept open until close()). */
  async get(id: string): Promise<LocalProcess> {
    const cached = this.open.get(id);
    if (cached) return cached;
    const proc = await LocalProcess.open(this.dirOf(id), { engine: this.options.engine, onNotice: this.options.onNotice });
    this.open.set(id, proc);
    return proc;
  }

  /** Open the process with this name or id, spawning it when no process has that name. */
  async openOrSpawn(nameOrId: string, spawn: SpawnOptions = {}): Promise<{ process: LocalProcess; created: boolean }> {
    const id = this.resolve(nameOrId);
    if (id) return { process: await this.get(id), created: false };
    if (isId(nameOrId)) throw new Error(`no local process has the id ${nameOrId}`);
    const { process } = await this.spawn(nameOrId, spawn);
    return { process, created: true };
  }

  /** Create a local process; its process message (On-Boot) is handled at once. */
  async spawn(name: string, opts: SpawnOptions = {}): Promise<{ process: LocalProcess; result: AoResult }> {
    const id = opts.id ?? randomId();
    const createdAt = opts.timestamp ?? Date.now();
    const owner = opts.parent ?? this.identity.address;
    const tags = processTags(name, this.identity.messenger, opts);
    const meta: ProcessMeta = {
      id,
      name,
      owner,
      signer: opts.parent ? this.identity.messenger : owner,
      module: LOCAL_MODULE_ID,
      tags,
      data: opts.data,
      createdAt,
      cron: opts.cron,
    };
    const created = await LocalProcess.create(this.dirOf(id), meta, { engine: this.options.engine, onNotice: this.options.onNotice });
    this.open.set(id, created.process);
    return created;
  }

  /** A message from you (the local identity) to a local process. */
  userMessage(target: string, tags: Tag[], data?: string): AoMessage {
    const ts = Date.now();
    const msg: AoMessage = {
      Id: randomId(),
      From: this.identity.address,
      Owner: this.identity.address,
      Target: target,
      Tags: [...baseTags('Message'), ...tags],
      Timestamp: ts,
      'Block-Height': blockHeightAt(ts),
      Cron: false,
    };
    if (data !== undefined) msg.Data = data;
    return msg;
  }

  /**
   * Deliver `msg` to `target`, then everything the network sends because of
   * it, until quiet. Each result is durable before its outbox moves on.
   */
  async sendAndSettle(target: string, msg: AoMessage): Promise<Settled> {
    const first = await this.deliver(target, msg);
    const settled: Settled = { result: first.result, seq: first.seq, cascade: [], pending: [] };
    const queue: QueueItem[] = [];
    await this.enqueueOutbox(first, queue, settled);
    const limit = this.options.cascadeLimit ?? DEFAULT_CASCADE_LIMIT;
    while (queue.length > 0) {
      if (settled.cascade.length >= limit) {
        settled.truncated =
          `Stopped delivering after ${limit} messages caused by one message (processes answering each other forever?). ` +
          `${queue.length} messages were not delivered.`;
        this.options.onNotice?.(settled.truncated);
        break;
      }
      const item = queue.shift()!;
      const d = await this.deliver(item.target, item.msg, item.origin);
      settled.cascade.push(d);
      await this.enqueueOutbox(d, queue, settled);
    }
    return settled;
  }

  private async deliver(target: string, msg: AoMessage, origin?: Origin): Promise<Delivery> {
    const proc = await this.get(target);
    const { seq, result } = await proc.evaluate(msg, origin);
    proc.flush();
    return { process: proc.id, processName: proc.name, seq, msg, result };
  }

  /** Turn a handled message's outbox into queued deliveries; spawns happen now. */
  private async enqueueOutbox(d: Delivery, queue: QueueItem[], settled: Settled): Promise<void> {
    if (d.result.Error !== undefined) return;
    const ts = Date.now();
    for (const [index, m] of (d.result.Messages ?? []).entries()) {
      const target = m.Target;
      if (!target || !this.resolveLocal(target)) {
        settled.pending.push({ from: d.process, message: m });
        continue;
      }
      const msg = this.forwarded(d.process, m, derivedId('message', d.process, d.seq, index), ts);
      queue.push({ target, msg, origin: { process: d.process, seq: d.seq, index } });
    }
    for (const [index, s] of (d.result.Spawns ?? []).entries()) {
      const child = await this.spawnChild(d, s, index, ts);
      settled.cascade.push(child.delivery);
      queue.push(child.notice);
      await this.enqueueOutbox(child.delivery, queue, settled);
    }
  }

  private resolveLocal(id: string): boolean {
    return isId(id) && existsSync(join(this.dirOf(id), 'process.json'));
  }

  /** An outbox entry as the target receives it. */
  private forwarded(from: string, m: OutboxMessage, id: string, ts: number): AoMessage {
    const msg: AoMessage = {
      Id: id,
      From: from,
      Owner: this.identity.messenger,
      Target: m.Target,
      Tags: [...m.Tags.map((t) => ({ name: t.name, value: String(t.value) })), { name: 'From-Process', value: from }],
      Timestamp: ts,
      'Block-Height': blockHeightAt(ts),
      Cron: false,
    };
    if (typeof m.Anchor === 'string') msg.Anchor = m.Anchor;
    if (m.Data !== undefined) msg.Data = typeof m.Data === 'string' ? m.Data : JSON.stringify(m.Data);
    return msg;
  }

  /** Spawn a child as AO's messenger would, and make the parent's Spawned notice. */
  private async spawnChild(d: Delivery, s: SpawnRequest, index: number, ts: number): Promise<{ delivery: Delivery; notice: QueueItem }> {
    const childId = derivedId('spawn', d.process, d.seq, index);
    const tags = (s.Tags ?? []).map((t) => ({ name: t.name, value: String(t.value) }));
    const name = tagValue(tags, 'Name') ?? childId;
    const data = s.Data === undefined || s.Data === 'NODATA' ? undefined : typeof s.Data === 'string' ? s.Data : JSON.stringify(s.Data);
    const { process, result } = await this.spawn(name, { id: childId, parent: d.process, tags, data, timestamp: ts });
    const delivery: Delivery = { process: childId, processName: name, seq: 1, msg: processMessage(process.meta, ts), result };
    const noticeTags: Tag[] = [
      { name: 'Action', value: 'Spawned' },
      { name: 'AO-Spawn-Success', value: 'true' },
      { name: 'Process', value: childId },
    ];
    const ref = tagValue(tags, 'Reference');
    if (ref !== undefined) noticeTags.push({ name: 'Reference', value: ref });
    const notice = this.forwarded(d.process, { Target: d.process, Tags: noticeTags, Data: childId }, derivedId('spawned', d.process, d.seq, index), ts);
    return { delivery, notice: { target: d.process, msg: notice, origin: { process: d.process, seq: d.seq, index: -1 - index } } };
  }

  async close(): Promise<void> {
    for (const proc of this.open.values()) proc.close();
    this.open.clear();
  }
}

function baseTags(type: 'Message' | 'Process'): Tag[] {
  return [
    { name: 'Data-Protocol', value: 'ao' },
    { name: 'Variant', value: 'ao.TN.1' },
    { name: 'Type', value: type },
  ];
}

/** The tags a local process is spawned with, as aos would spawn it on AO. */
function processTags(name: string, messenger: string, opts: SpawnOptions): Tag[] {
  const given = opts.tags ?? [];
  const reserved = new Set(['Data-Protocol', 'Variant', 'Type', 'Name', 'Module', 'Authority', 'Scheduler']);
  const tags: Tag[] = [
    ...baseTags('Process'),
    { name: 'Name', value: name },
    { name: 'Module', value: LOCAL_MODULE_ID },
    { name: 'Authority', value: messenger },
    { name: 'App-Name', value: 'aos-ts' },
    ...given.filter((t) => !reserved.has(t.name) && t.name !== 'App-Name'),
  ];
  if (opts.cron) {
    tags.push({ name: 'Cron-Interval', value: opts.cron }, { name: 'Cron-Tag-Action', value: 'Cron' });
  }
  return tags;
}
