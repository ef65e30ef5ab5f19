// A process that keeps receiving messages writes its interval snapshots in the
// background (copied between two messages in the engine's thread, compressed on
// the thread pool): each must be exactly the state after the seq it names.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcess } from '../../src/local/local-process.js';
import { SnapshotStore } from '../../src/local/snapshot-store.js';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('interval snapshots under a stream of messages', () => {
  it('are written while messages go on, each the state after its own seq', async () => {
    const net = network(tempDataDir(), { snapshotEvery: 20 });
    const { process: p } = await net.openOrSpawn('busy');
    await evalIn(net, p, `Seen = {}
Handlers.add("note", "Note", function(msg) table.insert(Seen, msg.Data) end)`);
    // Waves of messages sent at once: the process is rarely idle between them.
    for (let wave = 0; wave < 6; wave++) {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: 'Note' }], `w${wave}m${i}`))),
      );
    }
    await net.idle();
    // Let a snapshot still being compressed finish.
    for (let i = 0; i < 200 && new SnapshotStore(join(p.dir, 'snapshots')).latest().seq < 60; i++) await new Promise((r) => setTimeout(r, 100));
    const snap = new SnapshotStore(join(p.dir, 'snapshots')).latest();
    expect(snap.seq).toBeGreaterThanOrEqual(60);
    expect(snap.seq).toBeLessThan(p.lastSeq + 1);
    // Opened from that snapshot (plus the log after it) and from the log alone: the same process.
    const fromSnapshot = await LocalProcess.openReadOnly(p.dir);
    const fromLog = await LocalProcess.openReadOnly(p.dir, { ignoreSnapshots: true });
    try {
      expect(fromSnapshot.stateDigest()).toBe(fromLog.stateDigest());
      expect(fromSnapshot.stateDigest()).toBe(p.stateDigest());
      expect(await fromSnapshot.inspect('return #Seen')).toBe(72);
    } finally {
      fromSnapshot.close();
      fromLog.close();
    }
    await net.close();
  }, 120_000);
});
