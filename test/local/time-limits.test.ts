// The time limit applies to new messages and reads. What is not a new message
// (the boot, the replay of messages that once succeeded, snapshots and
// restores) must not fail under a smaller limit or a busier machine.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcess } from '../../src/local/local-process.js';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('the time limit and work that is not a new message', () => {
  it('a message that once succeeded replays under a much smaller time limit', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir, { engine: { timeLimitMs: 60_000 } });
    const { process: p } = await net.openOrSpawn('heavy');
    // Tens of millions of instructions: far longer than the 50 ms limit below.
    const r = await evalIn(net, p, 'local x = 0 for i = 1, 2e7 do x = x + 1 end Big = x');
    expect(r.Error).toBeUndefined();
    const dir = p.dir;
    await net.close();
    const again = await LocalProcess.open(dir, { engine: { timeLimitMs: 50 }, ignoreSnapshots: true });
    try {
      expect(await again.inspect('return math.tointeger(Big)')).toBe(20_000_000);
    } finally {
      again.close();
    }
  }, 120_000);

  it('boots a process under a tiny --timeout, which then applies to its messages', async () => {
    const net = network(tempDataDir(), { engine: { timeLimitMs: 1 } });
    const { process: p, result } = await net.spawn('tiny');
    expect(result.Error).toBeUndefined();
    expect(p.lastSeq).toBe(1);
    const r = await evalIn(net, p, 'local x = 0 for i = 1, 2e7 do x = x + 1 end return x');
    expect(r.Error).toMatch(/time limit/);
    await net.close();
  }, 60_000);
});
