// What a dot-command may use: a narrow context, not the whole session. The
// host (src/cli) provides the services; the session provides the rest.
import type { Connection } from '../connection.js';
import type { ItemBody } from './transcript.js';

/** A file bundled for .load: the Lua to send and a way to map its lines back. */
export interface LoadedBundle {
  source: string;
  files: string[];
  locate?: Locate;
  /** Each file's own text by the name shown (load order), so a compile error can be traced to its file. */
  modules?: { file: string; source: string }[];
}

export type Locate = (line: number) => { file: string; line: number; text?: string } | undefined;

export interface SessionServices {
  bundle?(path: string): Promise<LoadedBundle>;
  /** Re-bundle when any bundled file changes (.load --watch). */
  watch?(path: string, onBundle: (b: LoadedBundle) => void, onError: (e: Error) => void): { close(): void };
  blueprints?(): { name: string; summary: string }[];
  blueprintSource?(name: string): string;
  /** Resolve a process name for .send (when the connection has names); undefined leaves it as typed. */
  resolveTarget?(nameOrId: string): string | undefined | Promise<string | undefined>;
  /** Local processes: .monitor / .unmonitor turn the cron ticks on and off; says what happened. */
  monitor?(on: boolean): Promise<string>;
  /** An Eval of an earlier session by its chunk name (local processes read their log), so its line can be shown. */
  earlierEval?(chunk: string): { chunk: string; source: string; locate?: Locate; label?: string } | undefined;
  /** .pad: open $EDITOR on a file (the terminal is handed over meanwhile); resolves to its exit code. */
  runEditor?(file: string): Promise<number>;
}

export interface CommandContext {
  readonly connection: Connection;
  readonly services: SessionServices;
  /** Add an item to the transcript. */
  print(item: ItemBody): void;
  /** Send Lua as an Eval, with the spinner and Ctrl-C; the result goes to the transcript. True when it answered without an Error. */
  evaluate(label: string, source: string, locate?: Locate, modules?: LoadedBundle['modules']): Promise<boolean>;
  /** Evaluate once against the current state and keep nothing. */
  dryrun(expr: string): Promise<void>;
  /** Multi-line entry (.editor). */
  readonly editor: { start(): void };
  /** .load --watch: send the file again whenever it or a module it requires is saved. */
  watch(path: string): void;
  /** Stop watching one path (or all); returns the paths no longer watched. */
  unwatch(path?: string): string[];
  /** The live feed: pause holds messages, resume shows them in order; returns how many were held. */
  readonly live: { pause(): void; resume(): number; readonly paused: boolean };
  clear(): void;
  exit(): void;
}

export interface DotCommand {
  name: string;
  args?: string;
  summary: string;
  run(ctx: CommandContext, args: string[], rest: string): Promise<void> | void;
}
