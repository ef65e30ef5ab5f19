import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aos, spawnProcess, startCli } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import type { ListEntry } from '../../src/cli/list.js';

afterAll(() => removeTempDirs());


describe('aos-ts list', () => {
  it('says how to create a process when there are none, without creating anything', async () => {
    const dir = path.join(tempDataDir(), 'fresh');
    const r = await aos(['list', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('aos-ts spawn <name>');
    expect(fs.existsSync(dir)).toBe(false);
    const json = await aos(['list', '--json', '--data-dir', dir]);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('shows name, id, messages, last activity and cron', async () => {
    const dir = tempDataDir();
    const a = await spawnProcess(dir, 'alpha');
    const b = await spawnProcess(dir, 'beta', '--cron', '5-minutes');
    await aos(['send', 'alpha', '--action', 'Hello', '--data-dir', dir]);
    await aos(['send', 'alpha', '--action', 'Hello', '--data-dir', dir]);
    const r = await aos(['list', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ID\s+MESSAGES\s+LAST ACTIVITY\s+CRON/);
    expect(lines[1]).toMatch(new RegExp(`^alpha\\s+${a}\\s+3\\s+just now\\s+-$`));
    expect(lines[2]).toMatch(new RegExp(`^beta\\s+${b}\\s+1\\s+just now\\s+5-minutes$`));

    const json = JSON.parse((await aos(['list', '--json', '--data-dir', dir])).stdout) as ListEntry[];
    expect(json.map((e) => [e.name, e.messages, e.cron, e.openElsewhere])).toEqual([
      ['alpha', 3, null, null],
      ['beta', 1, '5-minutes', null],
    ]);
    expect(Math.abs(json[0]!.lastActivity! - Date.now())).toBeLessThan(60_000);
  });

  it('honours AOS_TS_HOME, and --data-dir given before the command', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'homed');
    const r = await aos(['list'], { env: { AOS_TS_HOME: dir } });
    expect(r.stdout).toContain('homed');
    const before = await aos(['--data-dir', dir, 'list']);
    expect(before.stdout).toContain('homed');
  });

  it('lists a process another aos-ts has open, marked "open elsewhere", without waiting for it', async () => {
    const dir = tempDataDir();
    const id = await spawnProcess(dir, 'busy');
    await spawnProcess(dir, 'idle');
    // The main command with piped stdin holds the process open until stdin ends.
    const holder = startCli(['busy', '--data-dir', dir, '-q']);
    try {
      // Wait until the holder has the process open (its lock names its pid), not merely a lock file.
      const lock = path.join(dir, 'processes', id, 'aos.lock');
      await waitFor(() => fs.existsSync(lock) && fs.readFileSync(lock, 'utf8').includes(String(holder.pid)), `the holder's lock on ${lock}`, 30_000);
      const started = Date.now();
      const r = await aos(['list', '--data-dir', dir]);
      expect(r.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.stdout).toMatch(new RegExp(`busy\\s+${id}\\s+1\\s+.*open elsewhere \\(pid ${holder.pid}\\)`));
      expect(r.stdout).toMatch(/idle\s+\S+\s+1\s+just now\s+-\n/);
      const json = JSON.parse((await aos(['list', '--json', '--data-dir', dir])).stdout) as ListEntry[];
      expect(json.find((e) => e.name === 'busy')!.openElsewhere).toBe(`pid ${holder.pid}`);
      // list never locked it: the holder can still use it.
      holder.stdin!.end('return "still mine"');
      const out = await new Promise<string>((resolve) => {
        let text = '';
        holder.stdout!.on('data', (d: Buffer) => (text += d.toString()));
        holder.on('close', () => resolve(text));
      });
      expect(out).toBe('still mine\n');
    } finally {
      if (holder.exitCode === null) holder.kill('SIGKILL');
    }
  });
});
