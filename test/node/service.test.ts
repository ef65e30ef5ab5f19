// The node as an adapter over the process service, through the real
// aoconnect: undo is honoured by patch@1.0 state, results and the SU's
// schedule; From comes from a From-Process tag; a dry-run request's
// From-Process, Timestamp and Block-Height are used.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createDataItemSigner } from '@permaweb/aoconnect';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { testJwk } from '../helpers/wallet.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ao = any;

let node: RunningNode;
let address: string;
let legacy: Ao;
let signer: unknown;
let pid: string;

const tag = (name: string, value: string) => ({ name, value });
const evalIn = async (code: string) => {
  const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: code });
  const r = await legacy.result({ process: pid, message });
  expect(r.Error).toBeUndefined();
  return message as string;
};

beforeAll(async () => {
  node = await startNode({ dataDir: tempDataDir(), port: 0 });
  const jwk = await testJwk('node');
  address = createHash('sha256').update(Buffer.from(jwk.n!, 'base64url')).digest('base64url');
  signer = createDataItemSigner(jwk);
  legacy = connect({ MODE: 'legacy', MU_URL: node.url, CU_URL: node.url, GATEWAY_URL: node.url } as never);
  const info = (await (await fetch(node.url)).json()) as { module: string; scheduler: string };
  pid = await legacy.spawn({ module: info.module, scheduler: info.scheduler, signer, tags: [tag('Name', 'service')] });
});

afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('the node over the process service', () => {
  it('forgets an undone message in patch@1.0 state, results and the schedule', async () => {
    await evalIn(`Send({ device = 'patch@1.0', level = '1' })`);
    const undone = await evalIn(`Send({ device = 'patch@1.0', level = '2' }) return "second"`);
    expect(await (await fetch(`${node.url}/${pid}~process@1.0/now/level`)).text()).toBe('2');
    const proc = await node.context.network.get(pid);
    expect((await proc.undoLast())?.msg.Id).toBe(undone);

    expect(await (await fetch(`${node.url}/${pid}~process@1.0/now/level`)).text()).toBe('1');
    const results = (await (await fetch(`${node.url}/results/${pid}?limit=100`)).json()) as { edges: { node: { Output: { data?: string } } }[] };
    expect(results.edges.some((e) => String(e.node.Output.data ?? '').includes('second'))).toBe(false);
    expect(results.edges).toHaveLength(2);
    const schedule = (await (await fetch(`${node.url}/${pid}?from=0&limit=100`)).json()) as { edges: { node: { message: { id: string } } }[] };
    const ids = schedule.edges.map((e) => e.node.message.id);
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain(undone);
    // Still readable by id: it is in the history.
    expect((await legacy.result({ process: pid, message: undone })).Output.data).toContain('second');
  });

  it('sets From from a From-Process tag, and a dry-run honours From-Process, Timestamp and Block-Height', async () => {
    await evalIn(`
      table.insert(ao.authorities, Owner)
      Handlers.add("who", "Who", function(m)
        m.reply({ Data = m.From .. "|" .. m.Owner .. "|" .. tostring(m.Timestamp) .. "|" .. tostring(m["Block-Height"]) })
      end)`);
    const other = 'p'.repeat(43);
    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Who'), tag('From-Process', other)] });
    const reply = (await legacy.result({ process: pid, message })).Messages[0];
    expect(String(reply.Data).split('|').slice(0, 2)).toEqual([other, address]);

    const res = await fetch(`${node.url}/dry-run?process-id=${pid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Id: '1234',
        Owner: address,
        From: 'ignored',
        Target: pid,
        Tags: [tag('Action', 'Who'), tag('From-Process', other)],
        Timestamp: '1700000000000',
        'Block-Height': '77',
      }),
    });
    const dry = (await res.json()) as { Messages: { Data: string }[] };
    expect(dry.Messages[0]!.Data).toBe(`${other}|${address}|1700000000000|77`);
    const plain = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Who')], Owner: address });
    expect(String(plain.Messages[0].Data).split('|').slice(0, 2)).toEqual([address, address]);
  });

  it('evaluates the same dry-run once for the requests waiting on the worker, and again once the state changed', async () => {
    await evalIn(`Seen = 0 Handlers.add("peek", "Peek", function(m) Seen = Seen + 1 print("seen " .. Seen .. " count " .. tostring(Count)) end)`);
    await evalIn('Count = 1');
    const pool = node.context.pool;
    let evaluations = 0;
    const real = pool.dryrun.bind(pool);
    pool.dryrun = (...args: Parameters<typeof real>) => {
      evaluations += 1;
      return real(...args);
    };
    try {
      // The worker is busy with a slow dry-run; twenty identical ones wait behind it and share one evaluation.
      const slow = node.context.dryrun(pid, { Tags: [tag('Action', 'Eval')], Data: 'local n = 0 for i = 1, 3000000 do n = n + i end return n', Owner: address });
      const same = Array.from({ length: 20 }, () => node.context.dryrun(pid, { Tags: [tag('Action', 'Peek')] }));
      await slow;
      const outs = (await Promise.all(same)).map((r) => stripAnsi(String((r.Output as { data?: string }).data)));
      expect(new Set(outs)).toEqual(new Set(['seen 1 count 1']));
      expect(evaluations).toBe(2);
      // Nothing was kept by the dry-runs; a message changes the state and the next dry-run sees it.
      await evalIn('Count = 2');
      const after = await node.context.dryrun(pid, { Tags: [tag('Action', 'Peek')] });
      expect(stripAnsi(String((after.Output as { data?: string }).data))).toBe('seen 1 count 2');
      expect(evaluations).toBe(3);
    } finally {
      pool.dryrun = real;
    }
  });
});
