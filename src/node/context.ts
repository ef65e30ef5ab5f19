// What every route of the node shares: the local network, the history index,
// the gateway's store of accepted items, and the operations that turn signed
// data items into local spawns and messages.
import type { AoResult } from '../engine/types.js';
import type { MessageRef } from '../local/history.js';
import { isId } from '../local/ids.js';
import { ProcessLockedError } from '../local/lock.js';
import type { LocalProcess, MessageRecord } from '../local/local-process.js';
import { signedMessage, type DryrunRequest } from '../local/messages.js';
import type { LocalNetwork } from '../local/network.js';
import { LOCAL_MODULE_ID } from '../local/process-meta.js';
import { shapeResult } from '../local/result.js';
import { tagValue, withoutControlTags } from '../local/tags.js';
import type { DataItem } from './ans104.js';
import { HttpError } from './http.js';
import { TxStore, type StoredTx } from './tx-store.js';

/** A transaction or data item as the gateway serves it. */
export type { StoredTx };

export interface Sent {
  id: string;
  process: string;
  /** 0 when the message was handed to another aos-ts program that has the process open (then `handedOff`). */
  seq: number;
  result?: AoResult;
  handedOff: boolean;
}

export class NodeContext {
  /** Every item accepted or indexed; bounded in memory (older ones are spooled to a file). */
  readonly txs = new TxStore();
  baseUrl = '';

  constructor(readonly network: LocalNetwork) {}

  /** The address this node schedules as (the local messenger, an Authority of every local process). */
  get scheduler(): string {
    return this.network.identity.messenger;
  }

  get module(): string {
    return LOCAL_MODULE_ID;
  }

  /** A local process by id, or a 404/409 that says what to do. */
  async process(id: string | undefined | null): Promise<LocalProcess> {
    if (!id) throw new HttpError(400, 'no process id given; pass the process id (43 characters) the node gave at spawn');
    if (!isId(id)) throw new HttpError(400, `"${id.slice(0, 60)}" is not a process id (43 characters of base64url)`);
    if (!this.network.isLocal(id)) throw new HttpError(404, `no local process has the id ${id}; spawn it first (or check the node's --data-dir)`);
    try {
      // A process whose log a full disk stopped is opened again (what its log holds stands).
      this.network.reopenIfStopped(id);
      return await this.network.get(id);
    } catch (err) {
      if (err instanceof ProcessLockedError) {
        throw new HttpError(409, `process ${id} is open in another aos-ts program (pid ${err.holderPid ?? '?'}); close it there and try again`);
      }
      throw err;
    }
  }

  /** The record of the message with this id (or at this slot). */
  async recordOf(pid: string, ref: { id: string } | { slot: number }): Promise<MessageRecord> {
    const proc = await this.process(pid);
    const rec = proc.history.resultOf(ref as MessageRef);
    if (!rec) {
      const what = 'slot' in ref ? `slot ${ref.slot}` : `message ${ref.id}`;
      throw new HttpError(404, `process ${pid} has no ${what} in its history; check the id (messages are listed by /results/${pid})`);
    }
    return rec;
  }

  /** Keep an accepted item for the gateway (graphql, /tx, /raw). */
  store(item: DataItem): StoredTx {
    const tx: StoredTx = {
      id: item.id,
      owner: { address: item.ownerAddress, key: item.owner.toString('base64url') },
      target: item.target,
      anchor: item.anchor,
      signature: item.signature.toString('base64url'),
      tags: item.tags,
      data: Buffer.from(item.data),
      timestamp: Date.now(),
    };
    this.txs.set(tx.id, tx);
    return tx;
  }

  /** A signed Type=Process item becomes a local process owned by its signer. */
  async spawnFrom(item: DataItem): Promise<{ id: string; result?: AoResult; existed: boolean }> {
    if (this.network.isLocal(item.id)) return { id: item.id, existed: true };
    const tags = withoutControlTags(item.tags);
    const name = tagValue(tags, 'Name') ?? item.id;
    const cron = tagValue(tags, 'Cron-Interval');
    const rest = tags.filter((t) => t.name !== 'Name');
    try {
      const { result } = await this.network.spawn(name, {
        id: item.id,
        owner: item.ownerAddress,
        tags: rest,
        data: item.data.length ? item.data.toString('utf8') : undefined,
        cron,
      });
      this.store(item);
      return { id: item.id, result, existed: false };
    } catch (err) {
      if (/cron|interval/i.test((err as Error).message)) throw new HttpError(400, (err as Error).message);
      throw err;
    }
  }

  /** A signed item with a target becomes a message from its signer, delivered and settled. */
  async messageFrom(item: DataItem): Promise<Sent> {
    const pid = item.target;
    if (!pid) throw new HttpError(400, 'the data item has no target; set `process` (the target process id) when sending a message');
    if (!this.network.isLocal(pid)) throw new HttpError(404, `no local process has the id ${pid}; spawn it first (or check the node's --data-dir)`);
    // A repeated post of the same item is answered from the history, not run twice.
    const known = await this.knownSeq(pid, item.id);
    if (known !== undefined) return { id: item.id, process: pid, seq: known, result: (await this.process(pid)).history.record(known)?.result, handedOff: false };
    const msg = signedMessage({
      id: item.id,
      owner: item.ownerAddress,
      target: pid,
      tags: withoutControlTags(item.tags),
      data: item.data.toString('utf8'),
      anchor: item.anchor || undefined,
      timestamp: Date.now(),
    });
    this.store(item);
    const settled = await this.network.sendAndSettle(pid, msg, { handOff: true });
    if (settled.status === 'handed-off') return { id: item.id, process: pid, seq: 0, handedOff: true };
    return { id: item.id, process: pid, seq: settled.seq, result: settled.result, handedOff: false };
  }

  private async knownSeq(pid: string, id: string): Promise<number | undefined> {
    try {
      return (await this.process(pid)).history.seqOf(id);
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) return undefined;
      throw err;
    }
  }

  /** A dry-run: the request made into a message as the compute unit does, evaluated on the current state, nothing kept. */
  async dryrun(pid: string, req: DryrunRequest): Promise<AoResult> {
    const proc = await this.process(pid);
    return proc.dryrun(this.network.dryrunMessage(proc, req));
  }
}

/** A result as a compute unit answers it. */
export function cuResult(result: AoResult | undefined): Record<string, unknown> {
  return shapeResult(result, { gasUsed: true });
}
