// .monitor / .unmonitor: the shell's worker stops and restarts a local
// process's cron ticks; the ticks that fell due meanwhile come on .monitor.
import { afterAll, describe, expect, it } from 'vitest';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { waitFor } from '../helpers/wait.js';

afterAll(() => removeTempDirs());

describe('.monitor and .unmonitor', () => {
  it('stop the cron ticks and start them again, delivering the ones that fell due', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: p } = await net.spawn('ticker', { cron: '1-second' });
    await evalIn(net, p, 'Handlers.add("cron", "Cron", function(m) Ticks = (Ticks or 0) + 1 end)');
    await net.spawn('plain');
    await net.close();

    const built = new URL('../../dist/local/worker-connection.js', import.meta.url).href; // the worker needs compiled code
    const { WorkerConnection } = (await import(built)) as typeof import('../../src/local/worker-connection.js');
    const conn = await WorkerConnection.open({ dataDir, name: 'ticker', options: {} }, () => {});
    const ticks = async () => Number(await conn.inspect('return Ticks or 0'));
    try {
      const start = await ticks();
      await waitFor(async () => (await ticks()) >= start + 1, 'a tick while monitoring');
      expect(await conn.monitor(false)).toMatch(/^Cron ticks stopped until \.monitor/);
      expect(await conn.monitor(false)).toMatch(/already stopped/);
      const stoppedAt = await ticks();
      // Long enough for two ticks to fall due; none may be delivered while stopped.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await ticks()).toBe(stoppedAt);
      expect(await conn.monitor(true)).toMatch(/run again; the ones that fell due meanwhile are delivered now/);
      await waitFor(async () => (await ticks()) >= stoppedAt + 2, 'the ticks that fell due');
    } finally {
      await conn.close();
    }
    const plain = await WorkerConnection.open({ dataDir, name: 'plain', options: {} }, () => {});
    try {
      expect(await plain.monitor(true)).toMatch(/no cron interval/);
    } finally {
      await plain.close();
    }
  });
});
