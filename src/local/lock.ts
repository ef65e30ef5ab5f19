// Lock files that keep two aos-ts programs from writing the same process
// store. A lock is a file created with O_EXCL holding {pid, hostname,
// startedAt, token}. A SIGKILLed holder leaves its file behind, so a lock
// whose pid is gone (same host) or that predates the last boot is stale and
// is taken over.
import { StoreError } from './store-error.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDir, writeFailure } from './fsync.js';

export class ProcessLockedError extends Error {
  readonly lockFile: string;
  readonly holderPid: number | undefined;
  constructor(message: string, lockFile: string, holderPid?: number) {
    super(message);
    this.name = 'ProcessLockedError';
    this.lockFile = lockFile;
    this.holderPid = holderPid;
  }
}

export interface Lock {
  readonly file: string;
  release(): void;
  /**
   * Say that this holder is letting go (closing): a program that finds the
   * lock taken then waits a moment for it instead of handing its work over.
   */
  markClosing(): void;
}

/** Beside a lock file: the token of a holder that is closing. */
const closingFile = (file: string) => `${file}.closing`;

interface Holder {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
  what?: string;
  /** When the holder's OS process started (Linux: clock ticks after boot), so a reused pid is not mistaken for it. */
  procStart?: string;
}

/** Something that is not a lock file sits where a lock file goes (a folder, a device). */
export class LockFileError extends StoreError {
  override readonly name = 'LockFileError';
}

export const PROCESS_LOCK = 'aos.lock';
export const SHORT_LOCK = 'short.lock';
// A lock file still empty or half-written after this long belongs to a writer that died.
const GARBLED_GRACE_MS = 2000;
// A takeover mutex older than this belongs to a taker that died (a takeover takes microseconds).
const TAKEOVER_GRACE_MS = 5000;

// Tokens of locks this Node process holds, for the exit hook and same-process checks.
const held = new Map<string, string>(); // token -> file
let exitHookInstalled = false;

/**
 * Hold the process-store lock in `dir` until release() (or until this program
 * exits). `what` names the thing for the error, e.g. `process "chat"`.
 */
export function acquireLock(dir: string, what: string): Lock {
  ensureDir(dir);
  const file = path.join(dir, PROCESS_LOCK);
  for (let attempt = 0; attempt < 50; attempt++) {
    const got = tryAcquire(file, what);
    if ('token' in got) return handle(file, got.token);
    if (got.state === 'busy') {
      sleep(20);
      continue;
    }
    throw lockedError(what, file, got.holder!, got.state);
  }
  throw new ProcessLockedError(
    `${what} could not be locked: ${file} kept changing while we tried. Try again; if it persists, another program is fighting over it.`,
    file,
  );
}

/**
 * Run fn while holding a brief lock on `dir` (for small appends shared by
 * several programs). Waits up to timeoutMs for a live holder.
 */
export function withShortLock<T>(dir: string, fn: () => T, timeoutMs = 5000): T {
  ensureDir(dir);
  const file = path.join(dir, SHORT_LOCK);
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    const got = tryAcquire(file, 'short lock');
    if ('token' in got) {
      const lock = handle(file, got.token);
      try {
        return fn();
      } finally {
        lock.release();
      }
    }
    if (Date.now() >= deadline) {
      const pid = got.holder?.pid;
      throw new ProcessLockedError(
        `timed out after ${timeoutMs} ms waiting for ${file}` +
          (pid ? `, held by pid ${pid} on ${got.holder!.hostname}` : '') +
          `. If that program is stuck, stop it; if no aos-ts is running, delete ${file}.`,
        file,
        pid,
      );
    }
    sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
    wait = Math.min(wait * 2, 50);
  }
}

type Attempt =
  | { token: string }
  | { state: 'live' | 'this-process' | 'other-host' | 'busy'; holder?: Holder };

/** One attempt: create the file, or judge the current holder and take over if stale. */
function tryAcquire(file: string, what: string): Attempt {
  const me: Holder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    token: crypto.randomBytes(12).toString('hex'),
    what,
  };
  const start = procStartOf(process.pid);
  if (start !== undefined) me.procStart = start;
  if (createExclusive(file, me)) return { token: me.token };
  const cur = readHolder(file);
  if (cur === 'missing') return { state: 'busy' }; // released just now; retry
  const verdict = judge(cur);
  if (verdict !== 'stale') return { state: verdict, holder: cur.holder };
  takeOver(file, cur.identity);
  return { state: 'busy' };
}

function createExclusive(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(me));
  } catch (err) {
    // A half-written lock would make everyone wait for it to go stale.
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw writeFailure(err, file, 'nothing was changed');
  }
  fs.closeSync(fd);
  return true;
}

interface Seen {
  holder: Holder | undefined; // undefined: empty or half-written file
  identity: string; // which file we judged, so a takeover never removes a newer lock
  ageMs: number;
}

function readHolder(file: string): Seen | 'missing' {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      throw new LockFileError(
        `${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, where aos-ts keeps a lock file. ` +
          `Remove it (${st.isDirectory() ? 'rmdir' : 'rm'} "${file}") and try again.`,
        file,
      );
    }
    const text = fs.readFileSync(file, 'utf8');
    let holder: Holder | undefined;
    try {
      const h = JSON.parse(text) as Holder;
      if (Number.isInteger(h.pid) && typeof h.hostname === 'string' && typeof h.token === 'string') holder = h;
    } catch {
      holder = undefined;
    }
    return { holder, identity: `${st.ino}:${st.mtimeMs}:${text}`, ageMs: Date.now() - st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

function judge(seen: Seen): 'stale' | 'live' | 'this-process' | 'other-host' | 'busy' {
  const h = seen.holder;
  if (!h) return seen.ageMs > GARBLED_GRACE_MS ? 'stale' : 'busy';
  const bootedAt = Date.now() - os.uptime() * 1000;
  if (Date.parse(h.startedAt) < bootedAt - 60_000) return 'stale'; // holder ran before the last reboot
  if (h.hostname !== os.hostname()) return 'other-host'; // cannot check a pid on another machine
  if (h.pid === process.pid) return held.has(h.token) ? 'this-process' : 'stale';
  return holderAlive(h) ? 'live' : 'stale';
}

/**
 * Is the program that wrote this lock still running? A pid that is gone, a
 * zombie (killed, not yet reaped), or a pid now used by a program that
 * started later than the holder all mean no.
 */
function holderAlive(h: Holder): boolean {
  if (!pidAlive(h.pid)) return false;
  const stat = procStat(h.pid);
  if (stat === undefined) return true; // no /proc here: the pid is all we can check
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return h.procStart === undefined || h.procStart === stat.start;
}

/** State and start time of a pid from /proc (Linux), or undefined elsewhere or when unreadable. */
function procStat(pid: number): { state: string; start: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ..." where comm may hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state && start ? { state, start } : undefined;
}

function procStartOf(pid: number): string | undefined {
  return procStat(pid)?.start;
}

/** Remove a stale lock file, unless someone replaced it since we judged it. */
function takeOver(file: string, identity: string): void {
  // Two programs may find the same stale lock; a mkdir mutex makes sure only
  // one removes it, and only while it is still the file both of them judged.
  const mutex = `${file}.takeover`;
  try {
    fs.mkdirSync(mutex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - fs.statSync(mutex).mtimeMs > TAKEOVER_GRACE_MS) fs.rmdirSync(mutex);
    } catch {
      // Someone else cleaned it up; just retry.
    }
    return;
  }
  try {
    const now = readHolder(file);
    if (now !== 'missing' && now.identity === identity) fs.unlinkSync(file);
  } finally {
    fs.rmdirSync(mutex);
  }
}

function handle(file: string, token: string): Lock {
  held.set(token, file);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Best effort: a normal exit releases the locks. SIGKILL cannot; the next
    // program sees the dead pid and takes over.
    process.on('exit', () => {
      for (const [t, f] of held) removeIfOurs(f, t);
    });
  }
  return {
    file,
    release() {
      if (!held.delete(token)) return;
      removeIfOurs(file, token);
    },
    markClosing() {
      if (held.has(token)) writeClosing(file, token);
    },
  };
}

function writeClosing(file: string, token: string): void {
  try {
    fs.writeFileSync(closingFile(file), token);
  } catch {
    // only a hint to the next program
  }
}

/**
 * Whether the live holder of this lock may let go of it soon: it said it is
 * closing, or it took the lock less than `youngMs` ago (a one-shot run, most
 * likely). A shell or a node that has held it for a while and is not closing:
 * no.
 */
export function holderMayLetGoSoon(file: string, youngMs: number): boolean {
  let h: Partial<Holder>;
  try {
    h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Holder>;
  } catch {
    return true; // gone or half-written: it is changing hands right now
  }
  if (typeof h.startedAt === 'string' && Date.now() - Date.parse(h.startedAt) < youngMs) return true;
  try {
    return fs.readFileSync(closingFile(file), 'utf8') === h.token;
  } catch {
    return false;
  }
}

/**
 * Remove every lock under `processesDir` that this program holds, including
 * those its worker threads took (found by pid). Only for a program that is
 * about to end and whose writers have stopped.
 */
export function releaseLocksOfThisProgram(processesDir: string): void {
  for (const { file, token } of locksOfThisProgram(processesDir, [PROCESS_LOCK, SHORT_LOCK])) {
    try {
      if (token !== undefined) removeIfOurs(file, token);
      else fs.unlinkSync(file);
    } catch {
      // Gone meanwhile.
    }
  }
  for (const [t, f] of held) removeIfOurs(f, t);
  held.clear();
}

/** The lock files (of these names) under `processesDir` that this program, any of its threads, holds. */
function* locksOfThisProgram(processesDir: string, names: string[]): Generator<{ file: string; token?: string }> {
  let entries: string[];
  try {
    entries = fs.readdirSync(processesDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    for (const name of names) {
      const file = path.join(processesDir, entry, name);
      let h: Partial<Holder>;
      try {
        h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Holder>;
      } catch {
        continue; // No lock there, or not a whole one.
      }
      if (h.pid === process.pid && h.hostname === os.hostname()) yield { file, token: typeof h.token === 'string' ? h.token : undefined };
    }
  }
}

/** Mark every process lock under `processesDir` that this program (any of its threads) holds as closing. */
function markClosingOfThisProgram(processesDir: string): void {
  for (const { file, token } of locksOfThisProgram(processesDir, [PROCESS_LOCK])) if (token !== undefined) writeClosing(file, token);
}

/**
 * On SIGHUP (the terminal was closed) or SIGTERM: stop the writers, release
 * the locks at once and exit, so the next program opens the process without
 * waiting. Returns a function that removes the handlers.
 */
export function releaseLocksOnSignal(processesDir: string, stopWriters: () => Promise<unknown>): () => void {
  let ending = false;
  const handler = (signal: NodeJS.Signals) => {
    if (ending) return;
    ending = true;
    const code = 128 + (os.constants.signals[signal] ?? 15);
    markClosingOfThisProgram(processesDir);
    void Promise.race([stopWriters().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]).finally(() => {
      releaseLocksOfThisProgram(processesDir);
      process.exit(code);
    });
  };
  process.on('SIGHUP', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGHUP', handler);
    process.off('SIGTERM', handler);
  };
}

function removeIfOurs(file: string, token: string): void {
  try {
    if (fs.readFileSync(closingFile(file), 'utf8') === token) fs.unlinkSync(closingFile(file));
  } catch {
    // not marked closing
  }
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Holder>;
    if (h.token === token) fs.unlinkSync(file);
  } catch {
    // Already gone or taken over: nothing of ours to remove.
  }
}

function lockedError(what: string, file: string, h: Holder, state: string): ProcessLockedError {
  const msg =
    state === 'this-process'
      ? `${what} is already open in this aos-ts. Use the open instance, or close it first.`
      : state === 'other-host'
        ? `${what} is open in an aos-ts on another machine (${h.hostname}, pid ${h.pid}). ` +
          `Close it there; if that machine is gone, delete ${file}.`
        : `${what} is open in another aos-ts (pid ${h.pid}). Close it there, ` +
          `or if no aos-ts is running with pid ${h.pid}, delete ${file}.`;
  return new ProcessLockedError(msg, file, h.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
