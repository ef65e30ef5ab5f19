// The library entry: aoconnect-shaped calls over local processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, LocalNetwork, type LocalAo } from '../src/index.js';

const dirs: string[] = [];
const open: LocalAo[] = [];

function setup(): { dir: string; ao: LocalAo } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aos-ts-lib-'));
  dirs.push(dir);
  const ao = connect({ dataDir: dir });
  open.push(ao);
  return { dir, ao };
}

afterEach(async () => {
  for (const ao of open.splice(0)) await ao.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const signer = () => {
  throw new Error('the signer must not be called locally');
};

const evalTags = [{ name: 'Action', value: 'Eval' }];

describe('connect()', () => {
  it('spawn → message(Eval) → result, as with aoconnect', async () => {
    const { ao } = setup();
    const pid = await ao.spawn({ module: 'ignored-module', scheduler: 'ignored-scheduler', signer, tags: [{ name: 'Name', value: 'calc' }] });
    expect(pid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const mid = await ao.message({ process: pid, signer, tags: evalTags, data: '1 + 1' });
    expect(mid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await ao.result({ process: pid, message: mid });
    expect(res.Output).toMatchObject({ data: '2' });
    expect(res.Messages).toEqual([]);
    expect(res.Spawns).toEqual([]);
    expect(res.Assignments).toEqual([]);
    expect(res.Error).toBeUndefined();
  });

  it('spawn tags and data reach the process; Name is its local name', async () => {
    const { dir, ao } = setup();
    const pid = await ao.spawn({
      tags: [
        { name: 'Name', value: 'booted' },
        { name: 'On-Boot', value: 'Data' },
        { name: 'Color', value: 'blue' },
      ],
      data: 'Booted = "yes"',
    });
    const mid = await ao.message({ process: pid, tags: evalTags, data: 'return Booted .. " " .. ao.env.Process.Tags.Color' });
    expect((await ao.result({ process: pid, message: mid })).Output).toMatchObject({ data: 'yes blue' });
    const net = new LocalNetwork(dir);
    try {
      expect(net.list().map((m) => [m.id, m.name])).toEqual([[pid, 'booted']]);
    } finally {
      await net.close();
    }
  });

  it('a handler that replies: the result holds the reply in Messages', async () => {
    const { ao } = setup();
    const token = await ao.spawn({ tags: [{ name: 'Name', value: 'token' }] });
    const setupMid = await ao.message({
      process: token,
      tags: evalTags,
      data: `
        Balances = { [Owner] = 100 }
        Handlers.add("balance", "Balance", function(msg)
          local who = msg.Tags.Recipient or msg.From
          msg.reply({ Action = "Balance-Notice", Balance = tostring(Balances[who] or 0), Data = tostring(Balances[who] or 0) })
        end)
        return "ready"`,
    });
    expect((await ao.result({ process: token, message: setupMid })).Output).toMatchObject({ data: 'ready' });

    const mid = await ao.message({ process: token, signer, tags: [{ name: 'Action', value: 'Balance' }] });
    const res = await ao.result({ process: token, message: mid });
    expect(res.Error).toBeUndefined();
    expect(res.Messages).toHaveLength(1);
    const reply = res.Messages[0]!;
    expect(reply.Data).toBe('100');
    expect(reply.Tags).toContainEqual({ name: 'Action', value: 'Balance-Notice' });
    expect(reply.Tags).toContainEqual({ name: 'Balance', value: '100' });
    expect(reply.Target).toBe(ao.network.identity.address);
    // The reply is to you, who are not a local process: it is pending, not delivered.
    expect(ao.lastSettled()?.pending).toHaveLength(1);
  });

  it('message settles the cascade between local processes', async () => {
    const { ao } = setup();
    const a = await ao.spawn({ tags: [{ name: 'Name', value: 'a' }] });
    const b = await ao.spawn({ tags: [{ name: 'Name', value: 'b' }] });
    await ao.message({ process: b, tags: evalTags, data: 'Handlers.add("ping", "Ping", function(msg) msg.reply({ Action = "Pong" }) end)' });
    await ao.message({ process: a, tags: evalTags, data: 'Handlers.add("pong", "Pong", function(msg) Ponged = msg.From end)' });
    await ao.message({ process: a, tags: evalTags, data: `Send({ Target = "${b}", Action = "Ping" })` });
    expect(ao.lastSettled()?.cascade.map((d) => d.process)).toEqual([b, a]);
    const check = await ao.message({ process: a, tags: evalTags, data: 'return Ponged' });
    expect((await ao.result({ process: a, message: check })).Output).toMatchObject({ data: b });
  });

  it('result finds a message by id in the history when it was not sent through this connection', async () => {
    const { dir, ao } = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'hist' }] });
    const mids: string[] = [];
    for (let i = 1; i <= 5; i++) mids.push(await ao.message({ process: pid, tags: evalTags, data: `return ${i} * 10` }));
    await ao.close();
    const again = connect({ dataDir: dir });
    open.push(again);
    expect((await again.result({ process: pid, message: mids[1]! })).Output).toMatchObject({ data: '20' });
    expect((await again.result({ process: pid, message: mids[4]! })).Output).toMatchObject({ data: '50' });
    // The process message itself is in the history under the process id.
    expect((await again.result({ process: pid, message: pid })).Error).toBeUndefined();
    await expect(again.result({ process: pid, message: 'n'.repeat(43) })).rejects.toThrow(/has no message/);
    await expect(again.result({ process: 'q'.repeat(43), message: mids[0]! })).rejects.toThrow(/no local process/);
  });

  it('results pages with cursors: from exclusive, to inclusive, ASC and DESC, errors left out', async () => {
    const { ao } = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'pages' }] });
    for (let i = 1; i <= 4; i++) await ao.message({ process: pid, tags: evalTags, data: `return "r${i}"` });
    await ao.message({ process: pid, tags: evalTags, data: 'error("left out")' });
    await ao.message({ process: pid, tags: evalTags, data: 'return "r5"' });
    const data = (page: { edges: { node: { Output: unknown } }[] }) => page.edges.map((e) => (e.node.Output as { data?: string }).data ?? '');

    const first = await ao.results({ process: pid, limit: 2 });
    expect(first.edges.map((e) => e.cursor)).toEqual(['1', '2']); // seq 1 is the spawn message
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await ao.results({ process: pid, from: first.edges[1]!.cursor, limit: 2 });
    expect(data(second)).toEqual(['r2', 'r3']);
    const rest = await ao.results({ process: pid, from: second.edges[1]!.cursor, limit: 10 });
    expect(data(rest)).toEqual(['r4', 'r5']); // the Error (seq 6) is not there
    expect(rest.pageInfo.hasNextPage).toBe(false);

    const desc = await ao.results({ process: pid, sort: 'DESC', limit: 3 });
    expect(data(desc)).toEqual(['r5', 'r4', 'r3']);
    const window = await ao.results({ process: pid, from: '2', to: '4' });
    expect(data(window)).toEqual(['r2', 'r3']);
    expect(window.edges.map((e) => e.cursor)).toEqual(['3', '4']);
    await expect(ao.results({ process: pid, from: 'not-a-cursor' })).rejects.toThrow(/cursor/);
  });

  it('dryrun answers from the current state and changes nothing', async () => {
    const { ao } = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'dry' }] });
    await ao.message({
      process: pid,
      tags: evalTags,
      data: `Count = 1
        Handlers.add("inc", "Inc", function(msg) Count = Count + 1 msg.reply({ Data = tostring(Count) }) end)
        Handlers.add("who", "Who", function(msg) msg.reply({ Data = msg.From }) end)`,
    });
    const before = (await ao.results({ process: pid, sort: 'DESC', limit: 1 })).edges[0]!.cursor;

    const dry = await ao.dryrun({ process: pid, tags: [{ name: 'Action', value: 'Inc' }] });
    expect(dry.Messages[0]!.Data).toBe('2');
    const dryAgain = await ao.dryrun({ process: pid, tags: [{ name: 'Action', value: 'Inc' }] });
    expect(dryAgain.Messages[0]!.Data).toBe('2');
    const who = await ao.dryrun({ process: pid, tags: [{ name: 'Action', value: 'Who' }], Owner: 'o'.repeat(43) });
    expect(who.Messages[0]!.Data).toBe('o'.repeat(43));

    expect((await ao.results({ process: pid, sort: 'DESC', limit: 1 })).edges[0]!.cursor).toBe(before);
    const mid = await ao.message({ process: pid, tags: evalTags, data: 'return Count' });
    expect((await ao.result({ process: pid, message: mid })).Output).toMatchObject({ data: '1' });
  });

  it('an Error result is returned, not thrown; calls after close() fail clearly', async () => {
    const { ao } = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'err' }] });
    const mid = await ao.message({ process: pid, tags: evalTags, data: 'error("nope")' });
    const res = await ao.result({ process: pid, message: mid });
    expect(res.Error).toContain('nope');
    await ao.close();
    await expect(ao.message({ process: pid, tags: evalTags, data: '1' })).rejects.toThrow(/closed/);
  });

  it('concurrent calls are run one after another', async () => {
    const { ao } = setup();
    const pid = await ao.spawn({ tags: [{ name: 'Name', value: 'many' }] });
    const mids = await Promise.all(Array.from({ length: 5 }, (_, i) => ao.message({ process: pid, tags: evalTags, data: `N = (N or 0) + 1 return N .. ":${i}"` })));
    const outs = await Promise.all(mids.map((m) => ao.result({ process: pid, message: m })));
    expect(outs.map((r) => (r.Output as { data: string }).data)).toEqual(['1:0', '2:1', '3:2', '4:3', '5:4']);
  });
});
