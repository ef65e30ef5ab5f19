// What the node keeps open stays bounded however many processes it served:
// processes it opened (an engine thread and a Lua heap each) beyond its bound
// are closed once idle and opened again when asked for, and read-only opens
// that were closed are let go. Counted, never timed.
import { afterAll, describe, expect, it } from 'vitest';
import { LocalNetwork } from '../../src/local/network.js';
import { ServedContext } from '../../src/node/served-context.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';

afterAll(() => removeTempDirs());

async function evalIn(network: LocalNetwork, pid: string, code: string): Promise<void> {
  const settled = await network.sendAndSettle(pid, network.userMessage(pid, [{ name: 'Action', value: 'Eval' }], code));
  expect(settled.result?.Error).toBeUndefined();
  await network.idle();
}

describe('the node keeps a bounded number of processes open', () => {
  it('closes the least recently used beyond its bound and opens one again when asked for, state intact', async () => {
    const network = new LocalNetwork(tempDataDir());
    const ctx = new ServedContext(network, { maxOpenProcesses: 2, idleCloseMs: 0, inlineDryruns: true });
    try {
      const ids: string[] = [];
      const open: number[] = [];
      for (let i = 0; i < 6; i++) {
        const { process } = await network.spawn(`p${i}`);
        ids.push(process.id);
        await ctx.process(process.id);
        await evalIn(network, process.id, `X = ${i * 10}`);
        await ctx.process(process.id);
        open.push(network.openCounts.open);
      }
      expect(Math.max(...open)).toBeLessThanOrEqual(2);
      // The first was closed long ago: asked for, it is opened again with what it had.
      expect(await ctx.readLua(ids[0]!, 'return X')).toBe(0);
      expect(await ctx.readLua(ids[4]!, 'return X')).toBe(40);
      expect(network.openCounts.open).toBeLessThanOrEqual(2);
      await evalIn(network, ids[0]!, 'X = X + 1');
      expect(await ctx.readLua(ids[0]!, 'return X')).toBe(1);
    } finally {
      await ctx.close();
      await network.close();
    }
  });

  it('keeps no read-only open that was closed', async () => {
    const network = new LocalNetwork(tempDataDir());
    try {
      const { process } = await network.spawn('reader');
      const pid = process.id;
      expect(network.release(pid)).toBe(true);
      for (let i = 0; i < 5; i++) {
        const view = await network.readOnly(pid);
        expect(view.readOnly).toBe(true);
        view.close();
      }
      const last = await network.readOnly(pid);
      expect(network.openCounts.readOnly).toBe(1);
      last.close();
    } finally {
      await network.close();
    }
  });
});
