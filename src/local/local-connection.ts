// Connection to a process that runs on this machine.
import type { Connection, LiveMessage, OutgoingMessage, ProcessInfo } from '../connection.js';
import { tagValue, type AoResult } from '../engine/types.js';
import type { LocalProcess } from './local-process.js';
import type { LocalNetwork, Settled } from './network.js';

export class LocalConnection implements Connection {
  readonly capabilities = { undo: true, names: true, liveSender: true };
  /** What the last send/eval's cascade did, for callers that want it (--json, send). */
  lastSettled?: Settled;

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
      messages: this.process.lastSeq,
    };
  }

  eval(code: string): Promise<AoResult> {
    return this.send({ Tags: [{ name: 'Action', value: 'Eval' }], Data: code });
  }

  async send(message: OutgoingMessage): Promise<AoResult> {
    const msg = this.network.userMessage(this.process.id, message.Tags, message.Data);
    this.lastSettled = await this.network.sendAndSettle(this.process.id, msg);
    return this.lastSettled.result;
  }

  dryrun(message: OutgoingMessage): Promise<AoResult> {
    return this.process.dryrun(this.network.userMessage(this.process.id, message.Tags, message.Data));
  }

  async prompt(): Promise<string> {
    const value = await this.process.inspect('return Prompt and Prompt() or "aos> "');
    return typeof value === 'string' ? value : 'aos> ';
  }

  inspect(lua: string): Promise<unknown> {
    return this.process.inspect(lua);
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    return this.network.subscribe((d) => {
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

  /** Take back your last message (an undo record is logged; the state is rebuilt without it). */
  async undo(): Promise<string | undefined> {
    const me = this.network.identity.address;
    const rec = await this.process.undoLast((r) => r.msg.From === me && r.origin === undefined && r.msg.Cron !== true);
    if (!rec) return undefined;
    const action = tagValue(rec.msg.Tags, 'Action');
    return action === 'Eval' ? `Eval: ${String(rec.msg.Data ?? '').split('\n')[0]}` : `${action ?? 'message'} (message ${rec.seq})`;
  }

  async close(): Promise<void> {
    await this.network.close();
  }
}
