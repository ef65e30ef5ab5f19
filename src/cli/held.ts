// A local process that another aos-ts program holds (a shell, `serve`), for
// --run, --load and piped Lua: what is sent goes to that program's mailbox and
// the result is read back from the process's log, as `aos-ts send` does; reads
// (dry-runs, the error lines of earlier Evals) use a read-only view of the log.
import { LOCAL_CAPABILITIES, type Connection, type ConnectionCapabilities, type LiveMessage, type OutgoingMessage, type ProcessInfo } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { LocalProcess } from '../local/local-process.js';
import type { LocalNetwork } from '../local/network.js';
import { baseTags } from '../local/tags.js';

/** How long a message handed to the holder may wait for its result (as `aos-ts send`). */
const HOLDER_TIMEOUT_MS = 30_000;

export class HeldConnection implements Connection {
  /** Undo belongs to the program that holds the process. */
  readonly capabilities: ConnectionCapabilities = { ...LOCAL_CAPABILITIES, undo: false };

  constructor(
    readonly network: LocalNetwork,
    /** A read-only view (no lock, writes nothing). */
    readonly process: LocalProcess,
  ) {}

  info(): ProcessInfo {
    return { id: this.process.id, name: this.process.name, owner: this.process.meta.owner, network: 'local', location: this.process.dir };
  }

  eval(code: string): Promise<AoResult> {
    return this.send({ Tags: [{ name: 'Action', value: 'Eval' }], Data: code });
  }

  async send(message: OutgoingMessage): Promise<AoResult> {
    const id = this.process.id;
    const msg = this.network.userMessage(id, message.Tags, message.Data);
    let settled = await this.network.sendAndSettle(id, msg, { handOff: true });
    const handed = settled.status === 'handed-off' ? settled.handedOff.find((h) => h.msg.Id === msg.Id) : undefined;
    if (handed) settled = await this.network.waitForResult(id, String(msg.Id), { timeoutMs: HOLDER_TIMEOUT_MS, afterSeq: handed.afterSeq });
    return settled.result;
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

  onLive(_listener: (m: LiveMessage) => void): () => void {
    // the holder shows the live feed; a script has none
    return () => {};
  }

  async close(): Promise<void> {
    await this.network.close();
  }
}
