// Several messages handed to the engine in one round trip (handleBatch): each
// gets its own result, in order; the engine stops after a message that fails
// (an Error, the time limit) so its owner can roll back before the rest run.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessEngine } from '../../src/engine/process-engine.js';
import { data, env, evalMsg, processMsg } from '../helpers/messages.js';

const engines: ProcessEngine[] = [];
afterEach(() => {
  while (engines.length) engines.pop()!.close();
});

async function booted(opts: { timeLimitMs?: number } = {}): Promise<ProcessEngine> {
  const e = await ProcessEngine.create(opts);
  engines.push(e);
  await e.handle(processMsg(), env());
  await e.handle(evalMsg('N = 0'), env());
  return e;
}

describe('a batch of messages on one engine', () => {
  it('handles every message in order, each with its own result', async () => {
    const e = await booted();
    const msgs = Array.from({ length: 12 }, (_, i) => evalMsg(`N = N + 1; return "m${i}:" .. N`));
    const { results, failure } = await e.handleBatch(msgs, env());
    expect(failure).toBeUndefined();
    expect(results.map(data)).toEqual(msgs.map((_, i) => `m${i}:${i + 1}`));
    expect(data(await e.handle(evalMsg('return N'), env()))).toBe('12');
  });

  it('stops after a message whose result is an Error: the rest are not run', async () => {
    const e = await booted();
    const msgs = [evalMsg('N = N + 1'), evalMsg('N = N + 10; error("boom")'), evalMsg('N = N + 100')];
    const { results, failure } = await e.handleBatch(msgs, env());
    expect(failure).toBeUndefined();
    expect(results).toHaveLength(2);
    expect(results[0]!.Error).toBeUndefined();
    expect(results[1]!.Error).toMatch(/boom/);
    // The third never ran (the owner rolls back first, then hands it over again); the
    // engine itself keeps what the failed one did: rolling back is its owner's part.
    expect(data(await e.handle(evalMsg('return N'), env()))).toBe('11');
  });

  it('gives each message its own time limit: one that overruns ends the batch, the ones before keep their results', async () => {
    const e = await booted({ timeLimitMs: 1200 });
    // Enough of these that together they take longer than the limit, each well under it.
    const slow = 'local t = 0 for i = 1, 3e6 do t = t + i end N = N + 1; return N';
    const t = performance.now();
    const probe = await e.handleBatch([evalMsg(slow)], env());
    const count = Math.min(40, Math.ceil((1.5 * 1200) / Math.max(performance.now() - t, 1)) + 1);
    expect(probe.results[0]!.Error).toBeUndefined();
    const stuck = evalMsg(`("a"):rep(2e4):find(".-.-.-.-b")`);
    const slows = Array.from({ length: count }, () => evalMsg(slow));
    const { results } = await e.handleBatch([...slows, stuck, evalMsg('N = 0')], env());
    expect(results.map((r) => r.Error === undefined)).toEqual([...slows.map(() => true), false]);
    expect(results.slice(0, count).map(data)).toEqual(slows.map((_, i) => String(i + 2)));
    expect(results[count]!.Error).toMatch(/time limit/);
    expect(e.isCrashed).toBe(true);
  }, 30_000);

  it('takes messages too big to share the buffer one at a time', async () => {
    const e = await booted();
    const big = 'x'.repeat(700_000);
    const msgs = [evalMsg(`N = N + 1; return #"${big}"`), evalMsg('N = N + 1; return N')];
    const first = await e.handleBatch(msgs, env());
    expect(first.results.map(data)).toEqual([String(big.length)]);
    const second = await e.handleBatch(msgs.slice(1), env());
    expect(second.results.map(data)).toEqual(['2']);
  });

  it('passes replies bigger than the buffer on, and stops after them', async () => {
    const e = await booted();
    const msgs = [evalMsg('N = N + 1; return ("y"):rep(1500000)'), evalMsg('N = N + 1; return N')];
    const { results } = await e.handleBatch(msgs, env());
    expect(results).toHaveLength(1);
    expect(data(results[0]!)).toHaveLength(1_500_000);
    expect(data(await e.handle(evalMsg('return N'), env()))).toBe('1');
  });
});
