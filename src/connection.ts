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
  /** Messages in its history. */
  messages?: number;
}

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
export interface Capabilities {
  /** Take back the last message (`undo()`). */
  undo: boolean;
  /** Process names resolve to ids here (a local registry), so `.send counter` works. */
  names: boolean;
  /** Live messages say who sent them. */
  liveSender: boolean;
}

export interface Connection {
  readonly capabilities: Capabilities;
  info(): ProcessInfo;
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
  /** When capabilities.undo: take back the last message you sent; says what was undone. */
  undo?(): Promise<string | undefined>;
  close(): Promise<void>;
}
