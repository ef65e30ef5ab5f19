// Connection to a process that runs on this machine.
import type { Connection, OutgoingMessage, ProcessInfo } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { LocalProcess } from './local-process.js';
import type { LocalNetwork, Settled } from './network.js';

export class LocalConnection implements Connection {
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

  async close(): Promise<void> {
    await this.network.close();
  }
}
