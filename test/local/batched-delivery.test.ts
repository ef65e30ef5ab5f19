// Messages queued for one process while it is busy are handed to its engine
// together (Scheduler.runWith, LocalProcess.evaluateBatch). Each keeps its own
// result, its place in the order, and its own time limit; a failing or
// runaway message is rolled back alone and changes nothing for the others.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalProcess } from '../../src/local/local-process.js';
import { evalIn, network, outputData, removeTempDirs, replayDigest, tempDataDir } from '../helpers/local.js';

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

const HANDLERS = `Count = 0
Handlers.add("add", "Add", function(msg)
  Count = Count + 1
  msg.reply({ Action = "Added", Data = tostring(Count) })
  print("count " .. Count)
end)
Handlers.add("fail", "Fail", function(msg)
  Count = Count + 1000
  error("refused")
end)
Handlers.add("stuck", "Stuck", function(msg)
  Count = Count + 1000000
  return ("a"):rep(2e4):find(".-.-.-.-b")
end)`;

describe('messages queued for a busy process', () => {
  it('are handled together, each with its own result and seq, in the order queued; a failing and a runaway one change nothing else', async () => {
    const dataDir = tempDataDir();
    const net = network(dataDir, { engine: { timeLimitMs: 1500 } });
    const { process: p } = await net.openOrSpawn('counter');
    expect((await evalIn(net, p, HANDLERS)).Error).toBeUndefined();
    const batches = vi.spyOn(LocalProcess.prototype, 'evaluateBatch');
    const actions = ['Add', 'Add', 'Add', 'Fail', 'Add', 'Add', 'Stuck', 'Add', 'Add', 'Fail', 'Add'];
    // All queued at once: the first is taken up alone, the rest queue behind it.
    const settled = await Promise.all(actions.map((a) => net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: a }]))));
    expect(batches).toHaveBeenCalled();
    expect(Math.max(...batches.mock.calls.map((c) => c[0].length))).toBeGreaterThan(1);

    // Seqs follow the order the messages were queued.
    const seqs = settled.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(actions.length);
    // Each Add saw only the Adds before it: the failures left no trace.
    let count = 0;
    for (const [i, s] of settled.entries()) {
      if (actions[i] === 'Add') {
        count += 1;
        expect(s.result.Error).toBeUndefined();
        expect(outputData(s.result)).toContain(`count ${count}`);
        expect(s.cascade.map((d) => d.msg.Data)).toEqual([]);
        expect(s.result.Messages?.[0]?.Data).toBe(String(count));
      } else {
        expect(s.result.Error).toMatch(actions[i] === 'Fail' ? /refused/ : /time limit/);
      }
    }
    expect(await p.inspect('return Count')).toBe(count);
    // The log holds the same story: a process rebuilt from it alone is the same process.
    const digest = p.stateDigest();
    const dir = p.dir;
    await net.close();
    expect(await replayDigest(dir)).toBe(digest);
  }, 60_000);

  it('keep each sender\'s order: messages another process sent arrive in its outbox order, each once', async () => {
    const net = network(tempDataDir());
    const { process: a } = await net.openOrSpawn('sender');
    const { process: b } = await net.openOrSpawn('receiver');
    await evalIn(net, b, `Got = {}
Handlers.add("ping", "Ping", function(msg) table.insert(Got, msg.N or "user") end)`);
    const batches = vi.spyOn(LocalProcess.prototype, 'evaluateBatch');
    // Sends to b queued around a cascade of five from a to b.
    const pings = Array.from({ length: 6 }, () => net.sendAndSettle(b.id, net.userMessage(b.id, [{ name: 'Action', value: 'Ping' }])));
    const cascade = net.sendAndSettle(a.id, net.userMessage(a.id, [{ name: 'Action', value: 'Eval' }], `for i = 1, 5 do Send({ Target = "${b.id}", Action = "Ping", N = tostring(i) }) end`));
    const more = Array.from({ length: 6 }, () => net.sendAndSettle(b.id, net.userMessage(b.id, [{ name: 'Action', value: 'Ping' }])));
    await Promise.all([...pings, cascade, ...more]);
    expect(batches).toHaveBeenCalled();
    expect((await cascade).cascade).toHaveLength(5);
    const got = (await b.inspect('return table.concat(Got, ",")')) as string;
    expect(got.split(',').filter((x) => x !== 'user')).toEqual(['1', '2', '3', '4', '5']);
    expect(got.split(',')).toHaveLength(17);
    const origins = [...b.records(1)].flatMap((r) => (r.kind === 'message' && r.origin ? [r.origin.index] : []));
    expect(origins).toEqual([0, 1, 2, 3, 4]);
    await net.close();
  }, 60_000);
});
