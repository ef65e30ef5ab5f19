// The scheduler delivers to different processes side by side: a process stuck
// on a message holds up only its own lane, while each process still handles
// its messages one at a time, in the order they were queued for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tagValue } from '../../src/engine/types.js';
import type { LocalProcess } from '../../src/local/local-process.js';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

const evalTags = [{ name: 'Action', value: 'Eval' }];

describe('delivery lanes', () => {
  it('a process stuck until its time limit holds up no other process of the same cascade', async () => {
    // The limit is set here: the stuck message runs until it.
    const net = network(tempDataDir(), { engine: { timeLimitMs: 4000 } });
    const { process: hub } = await net.openOrSpawn('hub');
    const { process: slow } = await net.openOrSpawn('slow');
    const { process: quick } = await net.openOrSpawn('quick');
    await evalIn(net, slow, `Count = 0
Handlers.add("stuck", "Stuck", function() Count = Count + 1; return ('a'):rep(2e4):find('.-.-.-.-b') end)`);
    await evalIn(net, quick, `Pings = 0
Handlers.add("ping", "Ping", function() Pings = Pings + 1 end)`);

    const seen: { at: string; slowBusy: boolean }[] = [];
    net.onDelivery((d) => seen.push({ at: `${d.processName}:${tagValue(d.msg.Tags, 'Action')}`, slowBusy: slow.isBusy }));
    // The stuck message is queued first, the ping second.
    const s = await net.sendAndSettle(
      hub.id,
      net.userMessage(hub.id, evalTags, `Send({ Target = "${slow.id}", Action = "Stuck" }) Send({ Target = "${quick.id}", Action = "Ping" })`),
    );
    // quick's Ping was durable, and announced, while slow was still on its message.
    expect(seen.map((e) => e.at)).toEqual(['quick:Ping', 'slow:Stuck']);
    expect(seen[0]!.slowBusy).toBe(true);
    // The caller sees the cascade in cascade order, whatever finished first.
    expect(s.cascade.map((d) => `${d.processName}:${tagValue(d.msg.Tags, 'Action')}`)).toEqual(['slow:Stuck', 'quick:Ping']);
    expect(s.cascade[0]!.result.Error).toMatch(/time limit/);
    expect(s.cascade[1]!.result.Error).toBeUndefined();
    // slow is usable, and its handler's change was not kept.
    expect(outputData(await evalIn(net, slow, 'return tostring(Count)'))).toBe('0');
    expect(outputData(await evalIn(net, quick, 'return tostring(Pings)'))).toBe('1');
    await net.close();
  }, 60_000);

  it('each process receives what is sent to it in the order it was sent, while lanes run side by side', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir);
    const { process: hub } = await net.openOrSpawn('hub');
    const targets: LocalProcess[] = [];
    for (const name of ['t1', 't2', 't3']) {
      const { process } = await net.openOrSpawn(name);
      await evalIn(net, process, `Got = {}
Handlers.add("n", "N", function(m) table.insert(Got, m.N); if m.Echo then Send({ Target = m.Echo, Action = "Back", N = m.N }) end end)`);
      targets.push(process);
    }
    await evalIn(net, hub, `Back = {}
Handlers.add("back", "Back", function(m) table.insert(Back, m.From:sub(1, 4) .. m.N) end)`);
    // Several senders at once, each sending 10 numbered messages to every target; t1 echoes to the hub.
    const ids = targets.map((t) => `"${t.id}"`).join(', ');
    const send = (k: number) =>
      net.sendAndSettle(
        hub.id,
        net.userMessage(hub.id, evalTags, `for i = 1, 10 do for j, t in ipairs({ ${ids} }) do
  Send({ Target = t, Action = "N", N = "${k}." .. i, Echo = (j == 1) and ao.id or nil }) end end`),
      );
    const settled = await Promise.all([1, 2, 3].map(send));
    for (const s of settled) expect(s.cascade).toHaveLength(40);
    for (const t of targets) {
      const got = outputData(await evalIn(net, t, 'return table.concat(Got, " ")')).split(' ');
      expect(got).toHaveLength(30);
      // Per sender message, in order: k.1 .. k.10 for each k.
      for (const k of [1, 2, 3]) expect(got.filter((n) => n.startsWith(`${k}.`))).toEqual(Array.from({ length: 10 }, (_, i) => `${k}.${i + 1}`));
    }
    // The echoes came back in the order t1 sent them.
    const back = outputData(await evalIn(net, hub, 'return table.concat(Back, " ")')).split(' ');
    const t1Got = outputData(await evalIn(net, targets[0]!, 'return table.concat(Got, " ")')).split(' ');
    expect(back).toEqual(t1Got.map((n) => `${targets[0]!.id.slice(0, 4)}${n}`));
    await net.close();
    // Quiet: every sender's outbox cursor reached its log's end.
    for (const p of [hub, ...targets]) {
      const through = (JSON.parse(readFileSync(join(p.dir, 'outbox.json'), 'utf8')) as { through: number }).through;
      expect(through).toBe(p.lastSeq);
    }
  }, 120_000);
});
