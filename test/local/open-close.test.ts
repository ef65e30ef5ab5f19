// Opening and closing a process: when snapshots are written (as soon as a
// process exists; at close once enough is not in one), and the state an
// Error rolls back to right after an open that replayed a tail.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcess } from '../../src/local/local-process.js';
import { SnapshotStore } from '../../src/local/snapshot-store.js';
import { evalIn, network, outputData, removeTempDirs, replayDigest, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

const snapshotSeqs = (dir: string): number[] =>
  readdirSync(join(dir, 'snapshots'))
    .filter((n) => /^\d{12}\.snap$/.test(n))
    .map((n) => Number(n.slice(0, 12)))
    .sort((a, b) => a - b);

describe('opening and closing a process', () => {
  it('has a snapshot as soon as it exists, so no open boots the OS again', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('fresh');
    expect(snapshotSeqs(p.dir)).toEqual([1]);
    expect(new SnapshotStore(join(p.dir, 'snapshots')).latest().seq).toBe(1);
    await net.close();
  });

  it('writes a snapshot at close once many records are not in one', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('busy');
    for (let i = 0; i < 40; i++) await evalIn(net, p, `N = (N or 0) + ${i}`);
    const last = p.lastSeq;
    const dir = p.dir;
    await net.close();
    expect(snapshotSeqs(dir).at(-1)).toBe(last);
  });

  it('rolls an Error right after reopening back to the reopened state', async () => {
    const dataDir = tempDataDir();
    let net = network(dataDir);
    const { process: p } = await net.openOrSpawn('tail');
    await evalIn(net, p, 'X = 1');
    await evalIn(net, p, 'X = X + 1; Log = { "a" }');
    const dir = p.dir;
    await net.close();
    // Only the creation's snapshot: the reopen replays the two Evals on top of it.
    for (const seq of snapshotSeqs(dir)) if (seq > 1) rmSync(join(dir, 'snapshots', `${String(seq).padStart(12, '0')}.snap`));
    net = network(dataDir);
    const { process: again } = await net.openOrSpawn('tail');
    const before = again.stateDigest();
    const failed = await evalIn(net, again, 'X = 100; table.insert(Log, "b"); error("boom")');
    expect(failed.Error).toMatch(/boom/);
    expect(again.stateDigest()).toBe(before);
    expect(outputData(await evalIn(net, again, 'X = X + 1; return X .. " " .. #Log'))).toBe('3 1');
    const live = again.stateDigest();
    await net.close();
    expect(await replayDigest(dir)).toBe(live);
    const reopened = await LocalProcess.open(dir);
    expect(reopened.stateDigest()).toBe(live);
    reopened.close();
  });
});
