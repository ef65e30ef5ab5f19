// HyperBEAM paths against aos-ts serve with curl-style requests: a process
// that exposes state with patch@1.0, read through the spec's path forms, and
// a Lua serverless function uploaded with arweave-js and called by path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Arweave from 'arweave';
import { connect, createSigner } from '@permaweb/aoconnect';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { testJwk } from '../helpers/wallet.js';

type Jwk = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ao = any;
const tag = (name: string, value: string) => ({ name, value });

let node: RunningNode;
let jwk: Jwk;
let ao: Ao;
let pid: string;
let luaModule: string;

const get = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${node.url}${path}`, init);
  return { status: res.status, text: await res.text(), headers: res.headers };
};

beforeAll(async () => {
  node = await startNode({ dataDir: tempDataDir(), port: 0 });
  jwk = await testJwk<Jwk>('node');
  ao = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never);
  pid = await ao.spawn({ module: 'ISShJH1ij-hPPt9St5UFFr_8Ys3Kj5cyg7zrMGt7H9s', tags: [tag('Name', 'hb-paths')] });
  // The AO docs' own example: Target = ao.id, device = patch@1.0.
  await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: `Send({ Target = ao.id, device = 'patch@1.0', counter = '7' })` });
  await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: `Send({ device = 'patch@1.0', cache = { greeting = 'hi' } })` });
  const url = new URL(node.url);
  const arweave = Arweave.init({ host: url.hostname, port: Number(url.port), protocol: 'http' });
  const tx = await arweave.createTransaction(
    { data: 'function fib(base, req)\n  local n = tonumber(req.n)\n  local a, b = 0, 1\n  for i = 1, n do a, b = b, a + b end\n  return a\nend\nfunction peek(base, req)\n  return { counter = base.counter, who = req.who }\nend\nfunction fail()\n  return "error", "Very bad, but Lua caught it."\nend\n' },
    jwk as never,
  );
  tx.addTag('Content-Type', 'application/lua');
  await arweave.transactions.sign(tx, jwk as never);
  expect((await arweave.transactions.post(tx)).status).toBe(200);
  luaModule = tx.id;
});

afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('process@1.0 paths', () => {
  it('reads patched state by key, case-insensitively, and through the json codec', async () => {
    expect(await get(`/${pid}~process@1.0/now/counter`)).toMatchObject({ status: 200, text: '7' });
    expect(await get(`/${pid}~process@1.0/now/COUNTER`)).toMatchObject({ status: 200, text: '7' });
    expect(await get(`/${pid}~process@1.0/now/counter/serialize~json@1.0`)).toMatchObject({ status: 200, text: '"7"' });
    const whole = await get(`/${pid}~process@1.0/now/~json@1.0/serialize`);
    expect(whole.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(whole.text)).toMatchObject({ counter: '7', cache: { greeting: 'hi' } });
    expect((await get(`/${pid}~process@1.0/now/cache/greeting`)).text).toBe('hi');
  });

  it('reads the state at a slot, both ways', async () => {
    const current = Number((await get(`/${pid}~process@1.0/slot/current`)).text);
    expect(current).toBeGreaterThanOrEqual(2);
    expect((await get(`/${pid}~process@1.0/compute&slot=0/counter`)).status).toBe(404);
    expect((await get(`/${pid}~process@1.0/compute/${current}/counter`)).text).toBe('7');
    expect((await get(`/${pid}~process@1.0/compute&slot+integer=${current}/at-slot`)).text).toBe(String(current));
    expect((await get(`/${pid}~process@1.0/compute/${current + 5}`)).status).toBe(404);
  });

  it('answers the schedule and the scheduler device', async () => {
    const schedule = JSON.parse((await get(`/${pid}~process@1.0/schedule`)).text);
    expect(schedule.edges[0].node.message.id).toBe(pid);
    const slot = JSON.parse((await get(`/~scheduler@1.0/slot?target=${pid}`)).text);
    expect(slot).toMatchObject({ process: pid });
    expect((await get(`/~scheduler@1.0/slot/current?target=${pid}`)).text).toBe(String(slot.current));
    expect(JSON.parse((await get('/~scheduler@1.0/status')).text).processes).toContain(pid);
    expect((await get('/~scheduler@1.0/slot')).status).toBe(400);
  });

  it('sends headers for HEAD of state', async () => {
    const head = await get(`/${pid}~process@1.0/now&probe=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('at-slot')).toMatch(/^\d+$/);
    expect(head.text).toBe('');
  });
});

describe('message@1.0, meta@1.0 and the ledger', () => {
  it('answers the docs examples with casting', async () => {
    expect((await get('/~message@1.0&hello=world&k=v/k')).text).toBe('v');
    const count = await get('/~message@1.0&greeting="Hello"&count+integer=42/count');
    expect(count.text).toBe('42');
    expect(count.headers.get('ao-types')).toMatch(/integer/);
    expect((await get('/~message@1.0&items+list="apple",1/items/1')).text).toBe('apple');
    expect((await get('/a?a=1')).status).toBe(404); // not a HyperBEAM path here: plain gateway
    expect((await get('/~message@1.0/missing')).status).toBe(404);
    expect((await get('/~message@1.0&n+float=1/n')).status).toBe(400);
  });

  it('chains meta@1.0 info keys and answers build', async () => {
    const address = (await get('/~meta@1.0/info/address')).text;
    expect(address).toBe(node.context.scheduler);
    expect((await get('/~meta@1.0/info/~json@1.0/serialize')).text).toContain(address);
    expect(JSON.parse((await get('/~meta@1.0/build')).text).node).toBe('aos-ts serve');
    expect((await get('/~meta@1.0/info', { method: 'POST', body: '{}' })).status).toBe(403);
  });

  it('answers the ledger reads of aos --topup', async () => {
    expect(await get(`/ledger~node-process@1.0/now/balance/${pid}`)).toMatchObject({ status: 200, text: '0' });
    expect((await get('/ledger~node-process@1.0/commitments/keys/1')).text).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('lua@5.3a serverless functions', () => {
  it('calls a global function of an uploaded module with the request keys', async () => {
    expect(await get(`/~lua@5.3a&module=${luaModule}/fib?n=21`)).toMatchObject({ status: 200, text: '10946' });
    expect(await get(`/~lua@5.3a&module=${luaModule}/fib?n=10`)).toMatchObject({ status: 200, text: '55' });
  });

  it('runs on a process state', async () => {
    const res = await get(`/${pid}~process@1.0/now/~lua@5.3a&module=${luaModule}/peek/serialize~json@1.0?who=me`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ counter: '7', who: 'me' });
  });

  it('reports a missing module, a missing function and a Lua error status', async () => {
    expect((await get(`/~lua@5.3a&module=${'Z'.repeat(43)}/fib`)).status).toBe(404);
    const nofn = await get(`/~lua@5.3a&module=${luaModule}/nothere`);
    expect(nofn.status).toBe(500);
    expect(nofn.text).toMatch(/no global function nothere/);
    const failed = await get(`/~lua@5.3a&module=${luaModule}/fail`);
    expect(failed.status).toBe(400);
    expect(failed.text).toMatch(/Very bad, but Lua caught it/);
  });
});
