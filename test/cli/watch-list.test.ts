// aos's --list and --watch: local processes, and processes on AO through a real `aos-ts serve` in this process.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aos, startCli, type CliRun } from '../helpers/cli.js';
import { nodeCli } from '../helpers/node-cli.js';
import { tempDataDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const fx = nodeCli();
const { env } = fx;

/** How the watcher ended: 0, or the SIGINT itself (conf's exit hook re-raises it on a remote watch, as a shell expects of Ctrl-C). */
type Ended = 'stopped' | string;

function watcher(args: string[], dataDir: string): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<Ended> } {
  const child = startCli(['--watch', ...args], { dataDir, env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<Ended>((r) => child.on('exit', (code, signal) => r(code === 0 || signal === 'SIGINT' ? 'stopped' : `code ${code} signal ${signal}`)));
  return { child, out: () => out, err: () => err, exited };
}

const PING = 'Handlers.add("ping", "Ping", function(m) print("got ping " .. tostring(m.Data)) end)';

describe('--watch', () => {
  it('prints the messages that arrive at a local process, with what they printed, until Ctrl-C', async () => {
    const dataDir = tempDataDir();
    expect((await aos(['p', '-q', '--run', PING], { dataDir })).code).toBe(0);
    const w = watcher(['p'], dataDir);
    try {
      await waitFor(() => /Watching "p"/.test(w.err()), 'the watch to start', 30_000);
      expect((await aos(['send', 'p', '--action', 'Ping', '--data', 'one'], { dataDir })).code).toBe(0);
      await waitFor(() => w.out().includes('got ping one'), 'the Ping to show', 15_000);
      expect(w.out()).toMatch(/^\d\d:\d\d:\d\d from you \(.+\) Action=Ping\n {2}got ping one$/m);
      // an error from another program shows with the line it points at
      await aos(['p', '--run', 'local x = nil\nreturn x.y'], { dataDir });
      await waitFor(() => w.err().includes('attempt to index'), 'the error to show', 15_000);
      expect(w.err()).toMatch(/2 \| return x\.y/);
      expect(w.out()).not.toMatch(/prompt|aos>/);
    } finally {
      w.child.kill('SIGINT');
    }
    expect(await w.exited).toBe('stopped');
  }, 90_000);

  it('prints the messages that arrive at a process on AO', async () => {
    const dataDir = tempDataDir();
    const remote = ['--mainnet', fx.node.url, '--wallet', fx.walletFile];
    const made = await aos(['watched', ...remote, '--yes', '--run', PING], { dataDir, env });
    expect(made.code).toBe(0);
    const id = /spawned "watched" .*: ([A-Za-z0-9_-]{43})/.exec(made.stderr)![1]!;
    // The feed starts from now: its first read saves a cursor under the data dir. Wait for that
    // file (not there before the watch) instead of a fixed sleep, then send.
    const liveDir = join(dataDir, 'remote', 'live');
    const cursorSaved = () => existsSync(liveDir) && readdirSync(liveDir).some((f) => f.startsWith(`${id}-`));
    expect(cursorSaved()).toBe(false);
    const w = watcher([id, ...remote], dataDir);
    try {
      await waitFor(() => /Watching /.test(w.err()), 'the watch to start', 30_000);
      await waitFor(cursorSaved, 'the live feed to save its first cursor', 30_000);
      const sent = await aos(['send', id, ...remote, '--action', 'Ping', '--data', 'two'], { dataDir, env });
      expect(sent.code, sent.stderr).toBe(0);
      await waitFor(() => w.out().includes('got ping two'), 'the Ping to show', 30_000, 100);
    } finally {
      w.child.kill('SIGINT');
    }
    expect(await w.exited, w.err()).toBe('stopped');
  }, 90_000);
});

describe('--list', () => {
  it('lists the local processes', async () => {
    const dataDir = tempDataDir();
    await aos(['spawn', 'alpha'], { dataDir });
    const r = await aos(['--list'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alpha +[A-Za-z0-9_-]{43}/m);
  });

  it('with --mainnet lists the processes the wallet owns on AO, from the gateway', async () => {
    const dataDir = tempDataDir();
    const remote = ['--mainnet', fx.node.url, '--wallet', fx.walletFile];
    const ids: string[] = [];
    for (const name of ['listed-one', 'listed-two']) {
      const r: CliRun = await aos([name, ...remote, '--yes', '--run', '1'], { dataDir, env });
      expect(r.code).toBe(0);
      ids.push(/: ([A-Za-z0-9_-]{43})/.exec(r.stderr)![1]!);
    }
    const r = await aos(['--list', ...remote], { dataDir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`listed-one +${ids[0]}`));
    expect(r.stdout).toMatch(new RegExp(`listed-two +${ids[1]}`));
    const json = JSON.parse((await aos(['--list', '--json', ...remote], { dataDir, env })).stdout) as { name: string; id: string }[];
    expect(json.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
  }, 90_000);
});
