// A local process over its log and snapshots: restart, rollback, replay, dryrun, undo.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LocalProcess } from '../../src/local/local-process.js';
import { SnapshotStore } from '../../src/local/snapshot-store.js';
import { evalIn, network, outputData, removeTempDirs, replayDigest, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());


describe('a local process', () => {
  it('keeps its state across restarts', async () => {
    const dataDir = tempDataDir();
    let net = network(dataDir);
    const { process: p } = await net.openOrSpawn('counter');
    await evalIn(net, p, 'Count = 41');
    await evalIn(net, p, 'Count = Count + 1');
    await net.close();
    net = network(dataDir);
    const { process: again, created } = await net.openOrSpawn('counter');
    expect(created).toBe(false);
    expect(outputData(await evalIn(net, again, 'return Count'))).toBe('42');
    await net.close();
  });

  it('rolls an Error back completely: state, Errors, Inbox and outbox', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('rb');
    await evalIn(net, p, 'X = 1');
    const before = p.stateDigest();
    const r = await evalIn(net, p, 'X = 2; table.insert(Inbox, {}); Send({Target = ao.id, Data = "no"}); error("boom")');
    expect(r.Error).toMatch(/boom/);
    expect(r.Messages).toBeUndefined();
    expect(p.stateDigest()).toBe(before);
    expect(outputData(await evalIn(net, p, 'return X .. " " .. #Errors .. " " .. #Inbox'))).toBe('1 0 1');
    await net.close();
  });

  it('is the fold of its log: state equals a replay, errors and snapshots included', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: p } = await net.openOrSpawn('fold');
    for (let i = 0; i < 30; i++) {
      await evalIn(net, p, i % 7 === 3 ? `T${i} = {} error("e${i}")` : `T${i} = { n = ${i}, r = math.random(100) } for k in pairs(T${i}) do end`);
    }
    p.snapshotNow();
    for (let i = 30; i < 40; i++) await evalIn(net, p, `V = (V or 0) + ${i}`);
    const live = p.stateDigest();
    const dir = p.dir;
    await net.close();
    expect(await replayDigest(dir)).toBe(live);
    const reopened = await LocalProcess.open(dir);
    expect(reopened.stateDigest()).toBe(live);
    reopened.close();
  });

  it('reopens a long history from a snapshot, replaying only the tail', async () => {
    const dataDir = tempDataDir();
    // Snapshots every 50 messages instead of 1000 (the same code path, 10x fewer Evals).
    const net = network(dataDir, { snapshotEvery: 50 });
    const { process: p } = await net.openOrSpawn('long');
    for (let i = 0; i < 110; i++) await evalIn(net, p, `N = (N or 0) + 1`);
    // The interval snapshots were written while running, before close() adds its own.
    // (A new process has one at seq 1, so they come at about 51 and 101; a due snapshot waits for an idle moment.)
    const interval = new SnapshotStore(join(p.dir, 'snapshots')).latest().seq;
    expect(interval).toBeGreaterThanOrEqual(100);
    expect(interval).toBeLessThan(111);
    const live = p.stateDigest();
    const dir = p.dir;
    await net.close();
    const reopened = await LocalProcess.open(dir);
    expect(reopened.lastSeq).toBe(111);
    expect(reopened.stateDigest()).toBe(live);
    reopened.close();
    expect(await replayDigest(dir)).toBe(live);

    // Prove the reopen started from the snapshot, not the log: plant another process's state as the
    // snapshot at the same seq, and that state is what opening shows.
    const snaps = new SnapshotStore(join(dir, 'snapshots'));
    const real = snaps.latest();
    expect(real.seq).toBe(111);
    const net2 = network(dataDir);
    const { process: other } = await net2.openOrSpawn('other');
    await evalIn(net2, other, 'Other = true');
    other.snapshotNow(); // closing after one cheap Eval writes none
    const otherDigest = other.stateDigest();
    const otherDir = other.dir;
    await net2.close();
    const planted = new SnapshotStore(join(otherDir, 'snapshots')).latest();
    if (!('data' in planted) || !('data' in real)) throw new Error('expected snapshots on disk');
    snaps.write(111, planted.data, { ...real.meta, encoding: planted.meta.encoding });
    const fromPlanted = await LocalProcess.open(dir);
    expect(fromPlanted.stateDigest()).toBe(otherDigest);
    fromPlanted.close();

    // A snapshot that verifies but cannot be loaded: the process says so and replays the whole log.
    snaps.write(111, Buffer.from('not a memory image'), { ...real.meta, encoding: 'raw' });
    const notices: string[] = [];
    const replayed = await LocalProcess.open(dir, { onNotice: (n) => notices.push(n) });
    expect(notices.join('\n')).toMatch(/snapshot at message 111 cannot be used .*replaying the whole log instead/);
    expect(replayed.stateDigest()).toBe(live);
    replayed.close();
  });

  it('dryrun and inspect change nothing', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('dry');
    await evalIn(net, p, 'Y = 5');
    const digest = p.stateDigest();
    const seq = p.lastSeq;
    const r = await p.dryrun(net.userMessage(p.id, [{ name: 'Action', value: 'Eval' }], 'Y = 99 return Y'));
    expect(outputData(r)).toBe('99');
    expect(await p.inspect('Y = 100 return Y')).toBe(100);
    expect(p.stateDigest()).toBe(digest);
    expect(p.lastSeq).toBe(seq);
    expect(outputData(await evalIn(net, p, 'return Y'))).toBe('5');
    await net.close();
  });

  it('gives its logged state to a copy while a message is under way, and that copy matches', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('readable');
    for (let i = 1; i <= 5; i++) await evalIn(net, p, `N = (N or 0) + ${i}`);
    await evalIn(net, p, 'error("not kept")');
    const idle = p.readableState();
    expect(idle.replay).toEqual([]);
    const digestNow = p.stateDigest();
    // A slow message holds the engine: the state comes from the checkpoint and the messages since.
    const slow = evalIn(net, p, 'local s = 0 for i = 1, 3000000 do s = s + i end N = N + 100');
    await new Promise((r) => setTimeout(r, 20));
    expect(p.isBusy).toBe(true);
    const busy = p.readableState();
    expect(busy.seq).toBe(idle.seq);
    const { ProcessEngine } = await import('../../src/engine/process-engine.js');
    const { processEnv } = await import('../../src/local/process-meta.js');
    const { imageDigest } = await import('../../src/engine/memory-image.js');
    const copy = await ProcessEngine.fromImage(busy.image);
    try {
      for (const m of busy.replay) expect((await copy.handle(m, processEnv(p.meta))).Error).toBeUndefined();
      expect(imageDigest(await copy.snapshot())).toBe(digestNow);
    } finally {
      copy.close();
    }
    await slow;
    expect(outputData(await evalIn(net, p, 'return N'))).toBe('115');
    await net.close();
  });

  it('undo takes the process back to before its last message, and that survives a reopen', async () => {
    const dataDir = tempDataDir();
    let net = network(dataDir);
    const { process: p } = await net.openOrSpawn('undo');
    await evalIn(net, p, 'Z = 1');
    await evalIn(net, p, 'Z = 2');
    const undone = await p.undoLast();
    expect(undone?.msg.Data).toBe('Z = 2');
    expect(outputData(await evalIn(net, p, 'return Z'))).toBe('1');
    await net.close();
    net = network(dataDir);
    const { process: again } = await net.openOrSpawn('undo');
    expect(outputData(await evalIn(net, again, 'return Z'))).toBe('1');
    await net.close();
  });

  it('stays usable after a runaway message and keeps its state', async () => {
    const net = network(tempDataDir(), { engine: { instructionBudget: 2_000_000 } });
    const { process: p } = await net.openOrSpawn('loop');
    await evalIn(net, p, 'K = "kept"');
    const r = await evalIn(net, p, 'K = "lost" while true do end');
    expect(r.Error).toMatch(/Stopped/);
    expect(outputData(await evalIn(net, p, 'return K'))).toBe('kept');
    await net.close();
  });

  it('refuses a second program on the same process with a clear error', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: p } = await net.openOrSpawn('locked');
    await expect(LocalProcess.open(p.dir)).rejects.toThrow(/open/);
    await net.close();
  });
});
