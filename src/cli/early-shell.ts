// The shell's prompt before its process is open. Opening a local process
// (its thread, the engine's thread, the snapshot, the replay) takes longer
// than loading the shell, so the shell shows the process as the last shell
// left it (its id and prompt, kept in <data>/shell-start.json) and opens it
// meanwhile. Everything typed in the meantime is kept: keys go, in order,
// to the session, whose requests wait here for the process; the prompt the
// process really shows replaces the remembered one as soon as it is open.
// Only for a process whose folder is there and that no live program holds
// (no lock file, or one whose program is gone): anything else (a new process, one held elsewhere, a lock left
// by a crash) opens first, as before, so that its notices and errors come
// before any prompt.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CAPABILITIES, type Connection, type LiveMessage, type OutgoingMessage, type ProcessInfo } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { WorkerConnection } from '../local/worker-connection.js';

const FILE = 'shell-start.json';

interface Remembered {
  id: string;
  name: string;
  owner: string;
  prompt: string;
}

type Kept = Record<string, Remembered>;

function readKept(dataDir: string): Kept {
  try {
    const kept = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as unknown;
    return kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? (kept as Kept) : {};
  } catch {
    return {};
  }
}

/** What the last shell on `name` showed, when the process can be shown before it opens. */
export function rememberedShell(dataDir: string, name: string): (ProcessInfo & { prompt: string }) | undefined {
  const r = readKept(dataDir)[name];
  if (!r || typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.prompt !== 'string' || typeof r.owner !== 'string') return undefined;
  // Only a plain file name: the id becomes a path.
  if (!/^[\w-]{43}$/.test(r.id)) return undefined;
  const dir = join(dataDir, 'processes', r.id);
  if (!existsSync(join(dir, 'process.json')) || heldByALiveProgram(join(dir, 'aos.lock'))) return undefined;
  return { id: r.id, name: r.name, owner: r.owner, network: 'local', location: dir, prompt: r.prompt };
}

/**
 * Whether a lock file is there and may be held: a program on this machine
 * whose pid is gone (killed, crashed) holds nothing, and the open takes its
 * lock over; anything else (alive, another machine, unreadable) may.
 */
function heldByALiveProgram(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return existsSync(file);
  }
  try {
    const { pid, hostname: host } = JSON.parse(text) as { pid?: unknown; hostname?: unknown };
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || host !== hostname()) return true;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Keep what the next shell on `name` shows first (a cache: a failed write only costs the next start its head start). */
export function rememberShell(dataDir: string, name: string, info: ProcessInfo, prompt: string): void {
  try {
    const kept = readKept(dataDir);
    const was = kept[name];
    if (was && was.id === info.id && was.name === info.name && was.prompt === prompt && was.owner === info.owner) return;
    kept[name] = { id: info.id, name: info.name, owner: info.owner, prompt };
    const tmp = join(dataDir, `${FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(kept));
    renameSync(tmp, join(dataDir, FILE));
  } catch {
    // only a head start
  }
}

/**
 * A Connection to a process that is still opening: info() and the first
 * prompt are the remembered ones; every other call waits for the open
 * connection, in the order it was made, and fails as the opening did.
 */
export class OpeningConnection implements Connection {
  readonly capabilities = LOCAL_CAPABILITIES;
  private real?: WorkerConnection;
  /** Live listeners, each with its unsubscribe from the open connection (once open). */
  private readonly listeners = new Map<(m: LiveMessage) => void, (() => void) | undefined>();
  private firstPrompt?: string;
  /** The process's own first prompt, once it is open; undefined if it could not open. */
  readonly opened: Promise<string | undefined>;

  constructor(
    private readonly information: ProcessInfo,
    prompt: string,
    private readonly opening: Promise<WorkerConnection>,
  ) {
    this.firstPrompt = prompt;
    this.opened = opening.then(
      (real) => this.take(real, prompt),
      () => undefined,
    );
  }

  private async take(real: WorkerConnection, shown: string): Promise<string | undefined> {
    const prompt = await real.prompt().catch(() => undefined);
    this.real = real;
    // The process's own prompt, when it differs from the one shown (mail came meanwhile): as the live feed brings prompts.
    if (prompt !== undefined && prompt !== shown) for (const l of this.listeners.keys()) l({ seq: 0, from: real.info().id, text: '', prompt });
    // Then what came meanwhile (the open connection keeps it until someone listens).
    for (const [l, off] of this.listeners) if (off === undefined) this.listeners.set(l, real.onLive(l));
    return prompt;
  }

  private async open(): Promise<WorkerConnection> {
    return this.real ?? this.opening;
  }

  info(): ProcessInfo {
    return this.real?.info() ?? this.information;
  }

  async eval(code: string): Promise<AoResult> {
    return (await this.open()).eval(code);
  }

  async send(message: OutgoingMessage): Promise<AoResult> {
    return (await this.open()).send(message);
  }

  async dryrun(message: OutgoingMessage): Promise<AoResult> {
    return (await this.open()).dryrun(message);
  }

  prompt(): Promise<string> {
    const first = this.firstPrompt;
    this.firstPrompt = undefined;
    if (first !== undefined) return Promise.resolve(first);
    return this.open().then((c) => c.prompt());
  }

  async inspect(lua: string): Promise<unknown> {
    return (await this.open()).inspect(lua);
  }

  async undo(): Promise<string | undefined> {
    return (await this.open()).undo();
  }

  async monitor(on: boolean): Promise<string> {
    return (await this.open()).monitor(on);
  }

  async resolve(nameOrId: string): Promise<string | undefined> {
    return (await this.open()).resolve(nameOrId);
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    this.listeners.set(listener, this.real?.onLive(listener));
    return () => {
      this.listeners.get(listener)?.();
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    const real = await this.opening.catch(() => undefined);
    await real?.close();
  }
}
