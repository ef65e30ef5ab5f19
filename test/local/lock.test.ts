import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { acquireLock, holderMayLetGoSoon, LockFileError, PROCESS_LOCK, ProcessLockedError, SHORT_LOCK, withShortLock } from '../../src/local/lock.js';
import { cleanupFixtures, exited, fixtureScript, runFixture, tempDir, waitForLine } from './helpers.js';

const dirs: string[] = [];
function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
afterAll(cleanupFixtures);

function writeHolder(file: string, h: Record<string, unknown>): void {
  fs.writeFileSync(file, JSON.stringify({ hostname: os.hostname(), startedAt: new Date().toISOString(), token: 't', ...h }));
}

describe('a holder that may let go soon', () => {
  it('is one that took the lock within youngMs, or one that marked itself closing; release removes the mark', () => {
    const dir = newDir();
    const lock = acquireLock(dir, 'process "chat"');
    const file = path.join(dir, PROCESS_LOCK);
    // held a while (older than youngMs = 0) and not closing: it keeps the lock
    expect(holderMayLetGoSoon(file, 0)).toBe(false);
    // just taken (within a minute): a one-shot run, perhaps
    expect(holderMayLetGoSoon(file, 60_000)).toBe(true);
    lock.markClosing();
    expect(holderMayLetGoSoon(file, 0)).toBe(true);
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.closing`)).toBe(false);
    // a closing mark left by an earlier holder does not count for the next one
    const next = acquireLock(dir, 'process "chat"');
    fs.writeFileSync(`${file}.closing`, 'someone-else');
    expect(holderMayLetGoSoon(file, 0)).toBe(false);
    next.release();
  });
});

describe('acquireLock', () => {
  it('refuses a second open in the same program and allows it after release', () => {
    const dir = newDir();
    const lock = acquireLock(dir, 'process "chat"');
    expect(() => acquireLock(dir, 'process "chat"')).toThrow(ProcessLockedError);
    expect(() => acquireLock(dir, 'process "chat"')).toThrow(/process "chat" is already open in this aos-ts/);
    lock.release();
    lock.release(); // idempotent
    expect(fs.existsSync(path.join(dir, PROCESS_LOCK))).toBe(false);
    acquireLock(dir, 'process "chat"').release();
  });

  it('names the live holder from another program', async () => {
    const dir = newDir();
    const child = runFixture('lock-holder.ts', [dir]);
    try {
      const line = await waitForLine(child, /^locked \d+/);
      const pid = Number(line.split(' ')[1]);
      let err: unknown;
      try {
        acquireLock(dir, 'process "chat"');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProcessLockedError);
      expect((err as ProcessLockedError).holderPid).toBe(pid);
      expect((err as Error).message).toBe(
        `process "chat" is open in another aos-ts (pid ${pid}). Close it there, or if no aos-ts is running with pid ${pid}, delete ${path.join(dir, PROCESS_LOCK)}.`,
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('takes over the lock of a SIGKILLed holder', async () => {
    const dir = newDir();
    const child = runFixture('lock-holder.ts', [dir]);
    await waitForLine(child, /^locked/);
    child.kill('SIGKILL');
    await exited(child);
    expect(fs.existsSync(path.join(dir, PROCESS_LOCK))).toBe(true); // SIGKILL leaves it behind
    const lock = acquireLock(dir, 'process "chat"');
    expect(JSON.parse(fs.readFileSync(path.join(dir, PROCESS_LOCK), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('is released when the holder exits normally', async () => {
    const dir = newDir();
    const child = runFixture('lock-holder.ts', [dir, 'exit']);
    // Read all it printed (it may exit before a line listener sees it): it must have taken the lock.
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => child.once('close', () => resolve()));
    expect(out).toMatch(/^locked \d+\n/);
    expect(child.exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, PROCESS_LOCK))).toBe(false);
  });

  it('takes over locks from before the last boot, and empty stale files', () => {
    const dir = newDir();
    const file = path.join(dir, PROCESS_LOCK);
    // A live pid (ours is not usable: same-process rules apply), but started before boot.
    writeHolder(file, { pid: process.ppid, startedAt: new Date(Date.now() - os.uptime() * 1000 - 3_600_000).toISOString() });
    acquireLock(dir, 'p').release();

    fs.writeFileSync(file, '');
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(file, old, old);
    acquireLock(dir, 'p').release();
  });

  it('does not guess about a holder on another machine', () => {
    const dir = newDir();
    writeHolder(path.join(dir, PROCESS_LOCK), { pid: 1234, hostname: 'elsewhere' });
    expect(() => acquireLock(dir, 'process "x"')).toThrow(/open in an aos-ts on another machine \(elsewhere, pid 1234\)/);
  });

  it('release does not remove a lock someone else took over', () => {
    const dir = newDir();
    const file = path.join(dir, PROCESS_LOCK);
    const lock = acquireLock(dir, 'p');
    writeHolder(file, { pid: 1, token: 'someone-else' });
    lock.release();
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('withShortLock', () => {
  it('runs fn, returns its value and removes the lock, even on throw', () => {
    const dir = newDir();
    expect(withShortLock(dir, () => 42)).toBe(42);
    expect(() =>
      withShortLock(dir, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(fs.existsSync(path.join(dir, SHORT_LOCK))).toBe(false);
  });

  it('waits for a live holder, then times out with a clear message', () => {
    const dir = newDir();
    writeHolder(path.join(dir, SHORT_LOCK), { pid: process.ppid });
    const t0 = Date.now();
    expect(() => withShortLock(dir, () => 1, 200)).toThrow(/timed out after 200 ms waiting for .*short\.lock, held by pid \d+/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('takes over from a dead holder', async () => {
    const dir = newDir();
    const child = runFixture('lock-holder.ts', [newDir()]);
    await waitForLine(child, /^locked/);
    child.kill('SIGKILL');
    await exited(child);
    writeHolder(path.join(dir, SHORT_LOCK), { pid: child.pid });
    expect(withShortLock(dir, () => 'ok', 1000)).toBe('ok');
  });

  it('serialises read-modify-write across programs', async () => {
    const dir = newDir();
    const counter = path.join(dir, 'counter');
    fs.writeFileSync(counter, '0');
    const kids = [0, 1, 2].map(() => runFixture('short-lock-counter.ts', [dir, '100']));
    await Promise.all(kids.map(exited));
    for (const k of kids) expect(k.exitCode).toBe(0);
    expect(fs.readFileSync(counter, 'utf8')).toBe('300');
  });
});

/** Start time of a pid as /proc/<pid>/stat gives it (field 22). */
function procStart(pid: number): string {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
}
const linux = process.platform === 'linux' && fs.existsSync('/proc/self/stat');

describe('lock files that are not what they seem', () => {
  it('a folder where aos.lock goes: an error naming it and what to do', () => {
    const dir = newDir();
    const file = path.join(dir, PROCESS_LOCK);
    fs.mkdirSync(file);
    let err: unknown;
    try {
      acquireLock(dir, 'process "chat"');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockFileError);
    expect((err as Error).message).toBe(`${file} is a folder, where aos-ts keeps a lock file. Remove it (rmdir "${file}") and try again.`);
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });

  it.skipIf(!linux)('a pid now used by a program that started after the holder is not the holder', async () => {
    const dir = newDir();
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => other.once('spawn', r));
      const pid = other.pid!;
      // The same pid and start time: live.
      writeHolder(path.join(dir, PROCESS_LOCK), { pid, procStart: procStart(pid) });
      expect(() => acquireLock(dir, 'p')).toThrow(new RegExp(`open in another aos-ts \\(pid ${pid}\\)`));
      // The same pid, another start time: the holder died and its pid was reused.
      writeHolder(path.join(dir, PROCESS_LOCK), { pid, procStart: String(Number(procStart(pid)) - 1) });
      acquireLock(dir, 'p').release();
    } finally {
      other.kill('SIGKILL');
      await exited(other);
    }
  });

  it.skipIf(!linux)('right after a SIGKILL, a holder not yet reaped (a zombie) is taken over', async () => {
    const dir = newDir();
    // sh starts the holder in the background and becomes `sleep`, which never reaps it.
    const script = fixtureScript('lock-holder.ts');
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${script}" "${dir}" & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
      const file = path.join(dir, PROCESS_LOCK);
      for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
      for (let i = 0; i < 200 && fs.readFileSync(file, 'utf8') === ''; i++) await new Promise((r) => setTimeout(r, 25));
      expect(() => acquireLock(dir, 'p')).toThrow(ProcessLockedError);
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 200 && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 25));
      expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toContain(') Z '); // dead but still listed
      acquireLock(dir, 'p').release();
    } finally {
      parent.kill('SIGKILL');
      await exited(parent);
    }
  });

  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    it(`${signal} (a closed terminal) releases the locks a worker thread held, at once`, async () => {
      const processesDir = newDir();
      const child = runFixture('signal-holder.ts', [processesDir, 'p1']);
      await waitForLine(child, /^locked/);
      const file = path.join(processesDir, 'p1', PROCESS_LOCK);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(child.pid);
      child.kill(signal);
      await exited(child);
      expect(child.exitCode).toBe(signal === 'SIGHUP' ? 129 : 143);
      expect(fs.existsSync(file)).toBe(false);
    });
  }
});
