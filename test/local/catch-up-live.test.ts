// Issue 15 #9: reopening a cron process in the shell delivers the ticks missed
// while it was closed, and every one of them reaches the live feed, even
// though the shell subscribes only after the process is open.
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/connection.js';
import { evalIn, network, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterAll(() => removeTempDirs());

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the shell's process worker", () => {
  it('shows every caught-up cron tick in the live feed, in order', async () => {
    const dataDir = tempDataDir();
    // Made 6 s in the past, never opened since: 6 ticks are owed.
    const past = network(dataDir, { now: () => Date.now() - 6_000 });
    const { process: p } = await past.spawn('ticker-live', { cron: '1-second' });
    await evalIn(past, p, 'Handlers.add("cron", "Cron", function(m) Ticks = (Ticks or 0) + 1 print("tick " .. Ticks) end)');
    await past.close();

    const built = new URL('../../dist/local/worker-connection.js', import.meta.url).href; // the worker needs compiled code
    const { WorkerConnection } = (await import(built)) as typeof import('../../src/local/worker-connection.js');
    const conn = await WorkerConnection.open({ dataDir, name: 'ticker-live', options: {} }, () => {});
    try {
      // The shell subscribes a moment later (it loads its screen first).
      await new Promise((r) => setTimeout(r, 300));
      const live: LiveMessage[] = [];
      conn.onLive((m) => live.push(m));
      await until(async () => Number(await conn.inspect('return Ticks or 0')) >= 6 && live.length >= 6, 'six ticks');
      const ticks = Number(await conn.inspect('return Ticks'));
      await until(() => live.length >= ticks, 'every tick in the feed');
      expect(live.slice(0, ticks).map((m) => m.text)).toEqual(Array.from({ length: ticks }, (_, i) => `tick ${i + 1}`));
    } finally {
      await conn.close();
    }
  });
});
