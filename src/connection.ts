// The one interface through which everything talks to a process, whatever
// runs it (the embedded engine here, AO through aoconnect elsewhere). The
// REPL, --run, send and the HTTP node hold a Connection and nothing else.
import type { AoResult, Tag } from './engine/types.js';

export interface ProcessInfo {
  id: string;
  name: string;
  owner: string;
  network: 'local' | 'mainnet' | 'legacy';
  /** Local processes: the folder that holds its state. */
  location?: string;
  /** Remote processes: the node (mainnet) or MU (legacy) it is reached through. */
  node?: string;
}

/** Where local and remote processes differ, the connection says so (the shell tests these, not the network kind). */
export interface ConnectionCapabilities {
  /** `undo()` can take back the last message you sent (local processes keep their whole history). */
  undo: boolean;
  /** Other processes can be named by their local name, not only by id. */
  names: boolean;
  /** Live messages name who sent them (remote feeds only show what the process printed). */
  liveSender: boolean;
  /** `inspect()` reads state without sending a message (remote reads are dry-runs). */
  freeReads: boolean;
}

export const LOCAL_CAPABILITIES: ConnectionCapabilities = Object.freeze({ undo: true, names: true, liveSender: true, freeReads: true });
export const REMOTE_CAPABILITIES: ConnectionCapabilities = Object.freeze({ undo: false, names: false, liveSender: false, freeReads: false });

export interface OutgoingMessage {
  Tags: Tag[];
  Data?: string;
}

/** Something the process printed because of a message other than the caller's own. */
export interface LiveMessage {
  seq: number;
  from: string;
  action?: string;
  /** Output.data of that message (may hold ANSI colours from the process). */
  text: string;
  prompt?: string;
  error?: string;
}

/** What a connection can do, where local and remote processes differ; the shell asks this, never the network name. */
export type Capabilities = ConnectionCapabilities;

export interface Connection {
  info(): ProcessInfo;
  /** What this connection can do beyond the common calls. */
  readonly capabilities: ConnectionCapabilities;
  /** Run Lua in the process (an Eval message from the owner). */
  eval(code: string): Promise<AoResult>;
  /** Send a message to the process, as its owner. */
  send(message: OutgoingMessage): Promise<AoResult>;
  /** Evaluate a message against the current state without keeping anything. */
  dryrun(message: OutgoingMessage): Promise<AoResult>;
  /** The prompt the process shows (its Prompt()). */
  prompt(): Promise<string>;
  /** Evaluate Lua against the current state without keeping anything; returns its JSON-encodable value. */
  inspect(lua: string): Promise<unknown>;
  /**
   * The live feed: called, in order, for every message the process handled
   * that the caller did not send itself. Returns an unsubscribe function.
   */
  onLive(listener: (m: LiveMessage) => void): () => void;
  /** When `capabilities.undo`: take back the last message you sent; says what was undone. */
  undo?(): Promise<string | undefined>;
  close(): Promise<void>;
}
