// Opening a local network has explicit steps: open quietly, catch up, keep
// current; and a message handed to another program says so in its status.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalNetwork } from '../../src/local/network.js';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('the local network, step by step', () => {
  it('openQuietly delivers nothing; catchUp delivers the missed cron ticks', async () => {
    const dataDir = tempDataDir();
    let now = 2_000_000;
    let net = network(dataDir, { now: () => now });
    const { process: p } = await net.spawn('steps', { cron: '10-seconds' });
    await evalIn(net, p, 'Handlers.add("cron", "Cron", function(m) Ticks = (Ticks or 0) + 1 end)');
    const seq = p.lastSeq;
    await net.close();

    now += 30_000;
    net = network(dataDir, { now: () => now, background: false });
    const quiet = await net.openQuietly(p.id);
    await net.idle();
    expect(quiet.lastSeq).toBe(seq);
    await net.catchUp(quiet);
    await net.idle();
    expect(quiet.lastSeq).toBe(seq + 3);
    expect(await quiet.inspect('return Ticks')).toBe(3);
    // Caught up once: get() returns it without delivering again.
    expect(await net.get(p.id)).toBe(quiet);
    await net.idle();
    expect(quiet.lastSeq).toBe(seq + 3);
    await net.close();
  });

  it('opening starts no timers; start() does', async () => {
    const dataDir = tempDataDir();
    let now = 3_000_000;
    const net = network(dataDir, { now: () => now });
    try {
      const { process: p } = await net.spawn('no-surprise', { cron: '1-second' });
      const seq = p.lastSeq;
      now += 5_000;
      // A ticking network would have delivered the 5 due ticks within a second (its timer runs every second at most).
      await new Promise((r) => setTimeout(r, 1_500));
      await net.idle();
      expect(p.lastSeq).toBe(seq);
      net.start();
      for (let i = 0; i < 100 && p.lastSeq < seq + 5; i++) await new Promise((r) => setTimeout(r, 50));
      await net.idle();
      expect(p.lastSeq).toBe(seq + 5);
    } finally {
      await net.close();
    }
  });

  it("a caller's message for a process another program holds is 'handed-off'; a handled one is 'handled'", async () => {
    const dataDir = tempDataDir();
    const holder = new LocalNetwork(dataDir);
    const { process: held } = await holder.spawn('held-steps');
    const other = new LocalNetwork(dataDir);
    try {
      const handed = await other.sendAndSettle(held.id, other.userMessage(held.id, [{ name: 'Action', value: 'Eval' }], 'return 1'), { handOff: true });
      expect(handed.status).toBe('handed-off');
      expect(handed.handedOff.map((h) => h.target)).toEqual([held.id]);
      const { process: mine } = await other.spawn('mine-steps');
      const handled = await other.sendAndSettle(mine.id, other.userMessage(mine.id, [{ name: 'Action', value: 'Eval' }], 'return 1'));
      expect(handled.status).toBe('handled');
      expect(handled.seq).toBe(2);
    } finally {
      await other.close();
      await holder.close();
    }
  });
});
