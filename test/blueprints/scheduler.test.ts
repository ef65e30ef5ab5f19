// blueprints/scheduler.lua on a cron process: jobs fire on the ticks after they are due.
import { afterEach, describe, expect, it } from 'vitest';
import { tagValue } from '../../src/engine/types.js';
import type { Delivery } from '../../src/local/network.js';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { loadBlueprint, sendFromCode, steps, tags } from './helpers.js';

afterEach(() => removeTempDirs());

describe('the scheduler blueprint', () => {
  it('sends one-off and repeating jobs on cron ticks, only to permitted targets', async () => {
    const dataDir = tempDataDir();
    const T0 = 1_000_000;
    let now = T0;
    let net = network(dataDir, { now: () => now });
    const { process: sched } = await net.spawn('sched', { cron: '10-seconds' });
    const { process: alice } = await net.openOrSpawn('alice');
    const { process: bob } = await net.openOrSpawn('bob');
    await loadBlueprint(net, sched, 'scheduler');
    await evalIn(net, sched, 'Handlers.add("count", "Cron", function() Ticks = (Ticks or 0) + 1 end)');

    const fromAlice = async (t: Record<string, string>, data = '') =>
      (await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(sched.id, { ...t, Data: data })))).cascade;
    const every = await fromAlice({ Action: 'Schedule', Every: '20-seconds' }, 'ping');
    expect(steps(every)).toEqual(['sched:Schedule', 'alice:Scheduled']);
    const jobId = tagValue(every[1]!.msg.Tags, 'Job-Id')!;
    await fromAlice({ Action: 'Schedule', In: '15-seconds', 'Job-Action': 'Wake' });
    const refused = await fromAlice({ Action: 'Schedule', In: '1-minute', 'Job-Target': bob.id });
    expect(tagValue(refused[1]!.msg.Tags, 'Action')).toBe('Schedule-Error');
    expect(tagValue(refused[1]!.msg.Tags, 'Error')).toMatch(/Only the Owner may schedule messages to another process/);
    expect(tagValue((await fromAlice({ Action: 'Schedule', Every: 'soon' }))[1]!.msg.Tags, 'Error')).toMatch(/Give Every/);
    // The owner (you) may aim a job at another process.
    const own = await net.sendAndSettle(sched.id, net.userMessage(sched.id, tags({ Action: 'Schedule', In: '10000', 'Job-Target': bob.id, 'Job-Action': 'Tick-Job' })));
    expect(own.result.Error).toBeUndefined();
    await net.close();

    // 65 s later: ticks at +10 … +60 are delivered on reopen.
    now = T0 + 65_000;
    const seen: Delivery[] = [];
    net = network(dataDir, { now: () => now, onDelivery: (d) => seen.push(d) });
    const again = await net.get(sched.id);
    await net.idle();
    const jobs = seen
      .filter((d) => d.processName !== 'sched')
      .map((d) => `${d.processName}:${tagValue(d.msg.Tags, 'Action')}@${Number(tagValue(d.msg.Tags, 'Scheduled-For')) - T0}`);
    // Each process gets its jobs in time order; bob's and alice's lanes run side by side, so
    // which of the two is delivered first is not fixed (bob's, due first, may still be opening).
    expect(jobs.filter((j) => j.startsWith('bob:'))).toEqual(['bob:Tick-Job@10000']);
    expect(jobs.filter((j) => j.startsWith('alice:'))).toEqual(['alice:Wake@15000', 'alice:Reminder@20000', 'alice:Reminder@40000', 'alice:Reminder@60000']);
    expect(jobs).toHaveLength(5);
    expect(seen.find((d) => tagValue(d.msg.Tags, 'Action') === 'Reminder')!.msg.Data).toBe('ping');
    // The scheduler lets other Cron handlers run too.
    expect(await again.inspect('return Ticks')).toBe(6);
    const list = JSON.parse(outputData(await evalIn(net, again, 'return json.encode(Jobs)')));
    expect(Object.keys(list)).toEqual([jobId]);
    expect(list[jobId]).toMatchObject({ runs: 3, next: T0 + 80_000, creator: alice.id });

    // Unschedule stops it.
    const aliceAgain = await net.get(alice.id);
    const un = await net.sendAndSettle(aliceAgain.id, net.userMessage(aliceAgain.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(sched.id, { Action: 'Unschedule', 'Job-Id': jobId })));
    expect(steps(un.cascade)).toEqual(['sched:Unschedule', 'alice:Unscheduled']);
    await net.close();
    now = T0 + 200_000;
    seen.length = 0;
    net = network(dataDir, { now: () => now, onDelivery: (d) => seen.push(d) });
    await net.get(sched.id);
    await net.idle();
    expect(seen.filter((d) => d.processName !== 'sched')).toEqual([]);
    await net.close();
  });
});
