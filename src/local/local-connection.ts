// Connection to a process that runs on this machine: a thin adapter over the
// local network (scheduler) and the process's history.
import { LOCAL_CAPABILITIES, type Connection, type LiveMessage, type OutgoingMessage, type ProcessInfo } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { LocalProcess } from './local-process.js';
import type { LocalNetwork, Settled } from './network.js';
import { baseTags, tagValue } from './tags.js';
import { isReadOnlyEval } from '../bundle/read-only.js';

/** An Eval that only read (`return Counter`) changed nothing: it is not a change to undo. */
function isReadOnlyRecord(msg: { Tags: { name: string; value: string }[]; Data?: unknown }): boolean {
  return tagValue(msg.Tags, 'Action') === 'Eval' && typeof msg.Data === 'string' && isReadOnlyEval(msg.Data);
}

export class LocalConnection implements Connection {
  readonly capabilities = LOCAL_CAPABILITIES;

  constructor(
    readonly network: LocalNetwork,
    readonly process: LocalProcess,
  ) {}

  info(): ProcessInfo {
    return {
      id: this.process.id,
      name: this.process.name,
      owner: this.process.meta.owner,
      network: 'local',
      location: this.process.dir,
    };
  }

  eval(code: string): Promise<AoResult> {
    return this.send({ Tags: [{ name: 'Action', value: 'Eval' }], Data: code });
  }

  async send(message: OutgoingMessage): Promise<AoResult> {
    return (await this.sendSettled(message)).result;
  }

  /** Send, and get everything the message caused: the cascade, pending messages and assignments, hand-offs. */
  sendSettled(message: OutgoingMessage): Promise<Settled> {
    const msg = this.network.userMessage(this.process.id, message.Tags, message.Data);
    return this.network.sendAndSettle(this.process.id, msg);
  }

  dryrun(message: OutgoingMessage): Promise<AoResult> {
    const tags = [...baseTags('Message'), ...message.Tags];
    return this.process.dryrun(this.network.dryrunMessage(this.process, { Tags: tags, Data: message.Data }));
  }

  async prompt(): Promise<string> {
    const value = await this.process.inspect('return Prompt and Prompt() or "aos> "');
    return typeof value === 'string' ? value : 'aos> ';
  }

  inspect(lua: string): Promise<unknown> {
    return this.process.inspect(lua);
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    return this.network.onDelivery((d) => {
      if (d.process !== this.process.id) return;
      const out = d.result.Output as { data?: unknown; prompt?: string } | undefined;
      const text = typeof out?.data === 'string' ? out.data : '';
      if (text === '' && d.result.Error === undefined) return;
      listener({
        seq: d.seq,
        from: d.msg.From ?? 'unknown',
        action: tagValue(d.msg.Tags, 'Action'),
        text,
        prompt: out?.prompt,
        error: d.result.Error,
      });
    });
  }

  /**
   * Take back your last message (an undo record is logged; the state is rebuilt without it).
   * An Eval that only reads (see isReadOnlyEval) changed nothing, so it is not what gets undone.
   */
  async undo(): Promise<string | undefined> {
    const me = this.network.identity.address;
    const rec = await this.process.undoLast(
      (r) => (r.msg.Owner ?? r.msg.From) === me && r.origin === undefined && r.msg.Cron !== true && !isReadOnlyRecord(r.msg),
    );
    if (!rec) return undefined;
    const action = tagValue(rec.msg.Tags, 'Action');
    return action === 'Eval' ? `Eval: ${String(rec.msg.Data ?? '').split('\n')[0]}` : `${action ?? 'message'} (message ${rec.seq})`;
  }

  async close(): Promise<void> {
    await this.network.close();
  }
}
