// A local process that another aos-ts program holds (a shell, `serve`), for
// --run, --load and piped Lua: what is sent goes to that program's mailbox and
// the result is read back from the process's log, as `aos-ts send` does; reads
// (dry-runs, the error lines of earlier Evals) use a read-only view of the log.
import { LOCAL_CAPABILITIES, type ConnectionCapabilities, type LiveMessage, type OutgoingMessage } from '../connection.js';
import { LocalConnection } from '../local/local-connection.js';
import type { LocalProcess } from '../local/local-process.js';
import type { LocalNetwork, Settled } from '../local/network.js';

/** How long a message handed to the holder may wait for its result (as `aos-ts send`). */
const HOLDER_TIMEOUT_MS = 30_000;

/** A LocalConnection whose messages go to the holder; reads (dry-runs, inspect, prompt) use the read-only view as they are. */
export class HeldConnection extends LocalConnection {
  /** Undo belongs to the program that holds the process. */
  override readonly capabilities: ConnectionCapabilities = { ...LOCAL_CAPABILITIES, undo: false };

  constructor(
    network: LocalNetwork,
    /** A read-only view (no lock, writes nothing). */
    process: LocalProcess,
  ) {
    super(network, process);
  }

  /** Handed to the holder's mailbox; the result is read back from the log once the holder has handled it. */
  override async sendSettled(message: OutgoingMessage): Promise<Settled> {
    const id = this.process.id;
    const msg = this.network.userMessage(id, message.Tags, message.Data);
    const settled = await this.network.sendAndSettle(id, msg, { handOff: true });
    const handed = settled.status === 'handed-off' ? settled.handedOff.find((h) => h.msg.Id === msg.Id) : undefined;
    return handed ? this.network.waitForResult(id, String(msg.Id), { timeoutMs: HOLDER_TIMEOUT_MS, afterSeq: handed.afterSeq }) : settled;
  }

  override onLive(_listener: (m: LiveMessage) => void): () => void {
    // the holder shows the live feed; a script has none
    return () => {};
  }

  override undo(): Promise<string | undefined> {
    return Promise.reject(new Error('undo belongs to the program that holds this process; run .undo there'));
  }
}
