// The shell's prompt before its process is open (src/cli/early-shell.ts):
// what the last shell showed is kept per data folder, used only for a
// process nobody holds, and everything asked meanwhile waits for the open
// process, in order.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpeningConnection, rememberShell, rememberedShell } from '../../src/cli/early-shell.js';
import type { LiveMessage } from '../../src/connection.js';
import type { WorkerConnection } from '../../src/local/worker-connection.js';
import { network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterAll(() => removeTempDirs());

const ID = 'a'.repeat(43);
const info = { id: ID, name: 'p1', owner: 'o'.repeat(43), network: 'local' as const, location: '' };

describe('what the last shell showed', () => {
  it('is kept per name and read back with the process folder as its location', () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'processes', ID), { recursive: true });
    writeFileSync(join(dataDir, 'processes', ID, 'process.json'), '{}');
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
    rememberShell(dataDir, 'p1', info, 'p1[Inbox:3]> ');
    expect(rememberedShell(dataDir, 'p1')).toEqual({ ...info, location: join(dataDir, 'processes', ID), prompt: 'p1[Inbox:3]> ' });
    expect(rememberedShell(dataDir, 'other')).toBeUndefined();
  });

  it('is not used for a process that a live program holds (a lock file) or whose folder is gone', () => {
    const dataDir = tempDataDir();
    rememberShell(dataDir, 'p1', info, 'p1> ');
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined(); // no folder
    mkdirSync(join(dataDir, 'processes', ID), { recursive: true });
    writeFileSync(join(dataDir, 'processes', ID, 'process.json'), '{}');
    expect(rememberedShell(dataDir, 'p1')?.prompt).toBe('p1> ');
    const lock = join(dataDir, 'processes', ID, 'aos.lock');
    writeFileSync(lock, '{}');
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
    // Held by this (live) program; then by one that is gone (a pid no program has), which holds nothing.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: hostname(), token: 't' }));
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(lock, JSON.stringify({ pid: Number(gone), hostname: hostname(), token: 't' }));
    expect(rememberedShell(dataDir, 'p1')?.prompt).toBe('p1> ');
    // On another machine: it may well be alive there.
    writeFileSync(lock, JSON.stringify({ pid: Number(gone), hostname: `${hostname()}-elsewhere`, token: 't' }));
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
  });

  it('ignores a damaged file', () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'shell-start.json'), '{"p1": {"id": "../../etc", "name": "p1", "owner": "x", "prompt": "> "}}');
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
    writeFileSync(join(dataDir, 'shell-start.json'), 'not json');
    expect(rememberedShell(dataDir, 'p1')).toBeUndefined();
  });
});

describe('OpeningConnection', () => {
  it('shows the remembered prompt at once, runs what was asked before the open in order, then brings the real prompt', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: p } = await net.spawn('p1');
    await net.close();
    const built = new URL('../../dist/local/worker-connection.js', import.meta.url).href; // the worker needs compiled code
    const { WorkerConnection: Built } = (await import(built)) as typeof import('../../src/local/worker-connection.js');
    let open!: (c: WorkerConnection) => void;
    const gate = new Promise<WorkerConnection>((r) => (open = r));
    const conn = new OpeningConnection({ ...info, id: p.id, name: 'p1' }, 'remembered> ', gate);
    expect(await conn.prompt()).toBe('remembered> ');
    const live: LiveMessage[] = [];
    conn.onLive((m) => live.push(m));
    // Asked before the process is open: answered after, in this order.
    const first = conn.eval('x = 20');
    const second = conn.eval('return x * 2');
    open(await Built.open({ dataDir, name: 'p1', options: {} }, () => {}));
    try {
      expect((await first).Error).toBeUndefined();
      expect((await second).Output).toMatchObject({ data: '40' });
      const real = await conn.opened;
      expect(real).toMatch(/Inbox/);
      // The process's prompt reaches the shell as a live prompt, since it differs from the remembered one.
      expect(live.map((m) => m.prompt)).toContain(real);
      expect(conn.info().id).toBe(p.id);
    } finally {
      await conn.close();
    }
  });

  it('fails every call as the opening failed', async () => {
    const failing = Promise.reject(new Error('"p1" is open in another aos-ts (pid 1)'));
    const conn = new OpeningConnection(info, 'p1> ', failing as Promise<WorkerConnection>);
    expect(await conn.prompt()).toBe('p1> ');
    await expect(conn.eval('1')).rejects.toThrow(/open in another aos-ts/);
    expect(await conn.opened).toBeUndefined();
    await conn.close();
  });
});
