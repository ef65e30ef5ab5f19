import { afterAll, describe, expect, it } from 'vitest';
import { aos, spawnProcess } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';
import { holdProcess } from '../local/fixtures/hold.js';

afterAll(() => removeTempDirs());

interface InboxJson {
  total: number;
  entries: { index: number; from: string; action: string | null; data: string; dataLength: number; timestamp: number | null }[];
}

describe('aos-ts inbox', () => {
  it('shows the Inbox as a table, newest last, data cut to about 40 characters', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'box');
    const long = 'x'.repeat(100);
    await aos(['send', 'box', '--action', 'First', '--data', 'short', '--data-dir', dir]);
    await aos(['send', 'box', '--action', 'Second', '--data', long, '--data-dir', dir]);
    const r = await aos(['inbox', 'box', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Inbox of "box": 3 messages/); // the spawn message is there too, as in aos
    expect(lines[1]).toMatch(/^#\s+FROM\s+ACTION\s+DATA\s+TIMESTAMP$/);
    expect(lines[3]).toMatch(/^2\s+you \(\S+…\S+\)\s+First\s+short\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(lines[4]).toMatch(new RegExp(`^3\\s+you .*Second\\s+${'x'.repeat(39)}…\\s+\\d{4}`));
  });

  it('-n limits to the newest N; --json gives the entries', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'box');
    for (const n of [1, 2, 3]) await aos(['send', 'box', '--action', `M${n}`, '--data', `d${n}`, '--data-dir', dir]);
    const r = await aos(['inbox', 'box', '-n', '2', '--data-dir', dir]);
    expect(r.stdout).toContain('4 messages, showing the last 2');
    expect(r.stdout).not.toContain('M1');
    const json = JSON.parse((await aos(['inbox', 'box', '-n', '2', '--json', '--data-dir', dir])).stdout) as InboxJson;
    expect(json.total).toBe(4);
    expect(json.entries.map((e) => [e.index, e.action, e.data])).toEqual([
      [3, 'M2', 'd2'],
      [4, 'M3', 'd3'],
    ]);
    expect(typeof json.entries[0]!.timestamp).toBe('number');
  });

  it('says so when the Inbox is empty', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'empty');
    await aos(['empty', '--data-dir', dir, '--run', 'Inbox = {}']);
    const r = await aos(['inbox', 'empty', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is empty');
  });

  it('reading the Inbox changes nothing', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'box');
    const before = JSON.parse((await aos(['list', '--json', '--data-dir', dir])).stdout)[0].messages;
    await aos(['inbox', 'box', '--data-dir', dir]);
    const after = JSON.parse((await aos(['list', '--json', '--data-dir', dir])).stdout)[0].messages;
    expect(after).toBe(before);
  });

  it('reads the Inbox while another program holds the process, up to what it handled', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'held-box');
    await aos(['send', 'held-box', '--action', 'Note', '--data', 'before', '--data-dir', dir]);
    const holder = await holdProcess(dir, 'held-box', 'return 1');
    try {
      // Handed to the holder, handled there; then read here without its lock.
      expect((await aos(['send', 'held-box', '--action', 'Note', '--data', 'while held', '--data-dir', dir])).code).toBe(0);
      const r = await aos(['inbox', 'held-box', '--json', '--data-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as InboxJson;
      expect(json.entries.filter((e) => e.action === 'Note').map((e) => e.data)).toEqual(['before', 'while held']);
    } finally {
      await holder.stop();
    }
  });

  it('bad -n and unknown processes are clear errors with exit 1', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'box');
    for (const n of ['0', '-3', 'lots', '1.5']) {
      const r = await aos(['inbox', 'box', '-n', n, '--data-dir', dir]);
      expect(r.code, n).toBe(1);
      expect(r.stderr, n).toMatch(/^aos-ts: -n ".*" must be a whole number/);
    }
    const ghost = await aos(['inbox', 'ghost', '--data-dir', dir]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/^aos-ts: no local process .*"ghost".*aos-ts list/);
  });
});
