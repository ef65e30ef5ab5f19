// aos-ts serve end to end: the real @permaweb/aoconnect (legacy and mainnet
// modes) and arweave-js against a node on a random loopback port.
import { stripAnsi } from '../../src/text/ansi.js';
import { createHash } from 'node:crypto';
import { spawn as spawnChild } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Arweave from 'arweave';
import { connect, createDataItemSigner, createSigner } from '@permaweb/aoconnect';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { LocalNetwork } from '../../src/local/network.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { waitFor } from '../helpers/wait.js';
import { testJwk } from '../helpers/wallet.js';

type Jwk = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ao = any;

let node: RunningNode;
let dataDir: string;
let jwk: Jwk;
let address: string;
let info: { module: string; scheduler: string };
let legacy: Ao;
let signer: unknown;

const tag = (name: string, value: string) => ({ name, value });

beforeAll(async () => {
  dataDir = tempDataDir();
  node = await startNode({ dataDir, port: 0 });
  // One key for the whole file: generating it takes about 2 s.
  jwk = await testJwk<Jwk>('node');
  address = createHash('sha256').update(Buffer.from(jwk.n!, 'base64url')).digest('base64url');
  info = (await (await fetch(node.url)).json()) as typeof info;
  signer = createDataItemSigner(jwk);
  legacy = connect({ MODE: 'legacy', MU_URL: node.url, CU_URL: node.url, GATEWAY_URL: node.url } as never);
});

afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('aos-ts serve, legacy aoconnect', () => {
  let pid: string;

  it('names the module and the scheduler at GET /', () => {
    expect(info.module).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(info.scheduler).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('spawns a local process owned by the signer, messages it and reads the result', async () => {
    pid = await legacy.spawn({ module: info.module, scheduler: info.scheduler, signer, tags: [tag('Name', 'served')] });
    expect(pid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const meta = node.context.network.list().find((m) => m.id === pid);
    expect(meta).toMatchObject({ name: 'served', owner: address });

    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: '1 + 1' });
    const result = await legacy.result({ process: pid, message });
    expect(result.Output.data).toBe('2');
    expect(result.Error).toBeUndefined();
  });

  it('finds the process by owner and Name through /graphql', async () => {
    const query = `query ($owners: [String!]) { transactions(owners: $owners, tags: [{ name: "Data-Protocol", values: ["ao"] }, { name: "Type", values: ["Process"] }, { name: "Name", values: ["served"] }], first: 5) { edges { node { id tags { name value } } } } }`;
    const res = await fetch(`${node.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { owners: [address] } }) });
    const body = (await res.json()) as { data: { transactions: { edges: { node: { id: string } }[] } } };
    expect(body.data.transactions.edges.map((e) => e.node.id)).toEqual([pid]);
  });

  it('exposes patch@1.0 state over HTTP', async () => {
    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: `Send({ device = 'patch@1.0', counter = '7' })` });
    expect((await legacy.result({ process: pid, message })).Error).toBeUndefined();
    const now = await fetch(`${node.url}/${pid}~process@1.0/now/counter`);
    expect(now.status).toBe(200);
    expect(await now.text()).toBe('7');
    expect(await (await fetch(`${node.url}/${pid}~process@1.0/compute/counter`)).text()).toBe('7');
    const missing = await fetch(`${node.url}/${pid}~process@1.0/now/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/patch@1.0/);
  });

  it('pages results with cursors, both ways', async () => {
    for (const n of [10, 11, 12]) await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: `return ${n}` });
    const first = await legacy.results({ process: pid, sort: 'DESC', limit: 2 });
    expect(first.edges.map((e: Ao) => e.node.Output.data)).toEqual(['12', '11']);
    // aoconnect's schema keeps only the edges; pageInfo is there over plain HTTP.
    const page = (await (await fetch(`${node.url}/results/${pid}?sort=DESC&limit=2`)).json()) as { pageInfo: { hasNextPage: boolean } };
    expect(page.pageInfo.hasNextPage).toBe(true);
    const ordinate = JSON.parse(Buffer.from(first.edges[0].cursor, 'base64').toString()).ordinate;
    expect(Number(ordinate)).toBeGreaterThan(1);
    const asc = await legacy.results({ process: pid, sort: 'ASC', limit: 100 });
    const next = await legacy.results({ process: pid, sort: 'ASC', from: asc.edges[asc.edges.length - 3].cursor, limit: 2 });
    expect(next.edges.map((e: Ao) => e.node.Output.data)).toEqual(['11', '12']);
  });

  it('dry-runs without keeping anything; only the owner may Eval', async () => {
    const asOwner = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'Kept = 1 return 40 + 2', Owner: address });
    expect(asOwner.Output.data).toBe('42');
    const kept = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'return tostring(Kept)', Owner: address });
    expect(kept.Output.data).toBe('nil');
    const stranger = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'return 40 + 2' });
    expect(stranger.Output?.data).not.toBe('42');
    // Not any failure: the Eval ran as an ordinary message from a stranger, which aos puts in the Inbox.
    expect(stranger.Error).toBeUndefined();
    expect(stripAnsi(String(stranger.Output?.data))).toMatch(/^New Message From \S+: Action = Eval$/);
  });

  it('answers the SU view of a message (its slot)', async () => {
    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: 'return 1' });
    const res = await fetch(`${node.url}/${message}?process-id=${pid}`);
    const body = (await res.json()) as { assignment: { tags: { name: string; value: string }[] } };
    const nonce = body.assignment.tags.find((t) => t.name === 'Nonce')?.value;
    expect(Number(nonce)).toBeGreaterThan(0);
  });

  it('accepts a genuine data item and refuses a forged one with 400 JSON', async () => {
    const item = createData('return 5', new ArweaveSigner(jwk as never), { target: pid, tags: [tag('Data-Protocol', 'ao'), tag('Type', 'Message'), tag('Action', 'Eval')] });
    await item.sign(new ArweaveSigner(jwk as never));
    const raw = Buffer.from(item.getRaw());
    const forged = Buffer.from(raw);
    forged[forged.length - 1] = '6'.charCodeAt(0); // data "return 6", signature unchanged
    const bad = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: forged });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/signature/);
    const good = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw });
    expect(good.status).toBe(202);
    expect(((await good.json()) as { id: string }).id).toBe(item.id);
    expect((await legacy.result({ process: pid, message: item.id })).Output.data).toBe('5');
  });

  it('answers bad requests with 4xx JSON, never a crash', async () => {
    const cases: [string, RequestInit | undefined, number][] = [
      ['/', { method: 'POST', body: 'not a data item' }, 400],
      ['/result/abc', undefined, 400],
      [`/result/${'x'.repeat(43)}?process-id=${pid}`, undefined, 404],
      [`/results/${pid}?sort=SIDEWAYS`, undefined, 400],
      [`/dry-run?process-id=${pid}`, { method: 'POST', body: '{oops' }, 400],
      ['/graphql', { method: 'POST', body: '{"query":"{ blocks { id } }"}' }, 400],
      ['/no/such/thing', undefined, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(`${node.url}${path}`, init);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { error: string };
      expect(typeof body.error, path).toBe('string');
    }
    // Oversized bodies: 413.
    const small = await startNode({ network: node.context.network, port: 0, maxBody: 4096 });
    try {
      const res = await fetch(small.url, { method: 'POST', body: Buffer.alloc(10_000) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: string }).error).toMatch(/limit/);
    } finally {
      await small.close();
    }
  });

  it('serves arweave-js: info, price, anchor, post and read a transaction', async () => {
    const url = new URL(node.url);
    const arweave = Arweave.init({ host: url.hostname, port: Number(url.port), protocol: 'http' });
    expect((await arweave.network.getInfo()).network).toBe('aos-ts.local');
    expect(await arweave.wallets.getBalance(address)).toBe('0');
    const tx = await arweave.createTransaction({ data: 'hello from arweave-js' }, jwk as never);
    tx.addTag('App-Name', 'serve-test');
    await arweave.transactions.sign(tx, jwk as never);
    const posted = await arweave.transactions.post(tx);
    expect(posted.status).toBe(200);
    expect(await arweave.transactions.getData(tx.id, { decode: true, string: true })).toBe('hello from arweave-js');
  });

  it('hands a message to a process another program has open, and answers reads from the holder\'s log', async () => {
    const other = new LocalNetwork(dataDir);
    other.start();
    try {
      const { process: held } = await other.spawn('held');
      const setup = `Held = 5 Handlers.add('bump', 'Bump', function(m) Held = Held + 1 print(Held) end)`;
      await other.sendAndSettle(held.id, other.userMessage(held.id, [tag('Action', 'Eval')], setup));
      const message = await legacy.message({ process: held.id, signer, tags: [tag('Action', 'Bump')] });
      expect(message).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The holder gets the message from its mailbox (polled every 250 ms).
      await waitFor(() => [...held.records()].some((r) => r.kind === 'message' && r.msg.Id === message), 'the holder to take the message from its mailbox');
      await other.idle();
      // Reads answer from the log the holder wrote (no 409): results, a dry-run, the message's result.
      await new Promise((r) => setTimeout(r, 300));
      const res = await fetch(`${node.url}/results/${held.id}?sort=DESC&limit=1`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { edges: { node: { Output: { data: string } } }[] };
      expect(stripAnsi(page.edges[0]!.node.Output.data)).toBe('6');
      expect(stripAnsi((await legacy.result({ process: held.id, message })).Output.data)).toBe('6');
      const dry = await legacy.dryrun({ process: held.id, tags: [tag('Action', 'Eval')], data: 'return Held * 7', Owner: held.meta.owner });
      expect(dry.Output.data).toBe('42');
    } finally {
      await other.close();
    }
  });
});

describe('aos-ts serve, mainnet aoconnect', () => {
  let ao: Ao;
  let pid: string;

  beforeAll(() => {
    ao = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never);
  });

  it('spawns through /push, messages by slot, reads results and dry-runs', async () => {
    pid = await ao.spawn({ module: info.module, tags: [tag('Name', 'hb')] });
    expect(node.context.network.list().find((m) => m.id === pid)).toMatchObject({ name: 'hb', owner: address });
    const slot = await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: 'Count = 41 return Count + 1' });
    expect(slot).toBe(1);
    const result = await ao.result({ process: pid, slot });
    expect(result.Output.data).toBe('42');
    const id = await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: `Send({ device = 'patch@1.0', count = tostring(Count) })`, returnMessageId: true });
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await ao.result({ process: pid, message: id })).Error).toBeUndefined();
    const results = await ao.results({ process: pid });
    expect(results.edges[0].cursor).toBe('2');
    const dry = await ao.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'return Count * 2' });
    expect(dry.Output.data).toBe('82');
    const state = await fetch(`${node.url}/${pid}~process@1.0/now/count`);
    expect(await state.text()).toBe('41');
  });

  it('dry-runs at the Timestamp and Block-Height the caller names, as the legacy CU does', async () => {
    const handler = `Handlers.add('stamp', 'Stamp', function(m) print(type(m.Timestamp) .. ':' .. tostring(m.Timestamp) .. '/' .. tostring(m['Block-Height'])) end)`;
    const slot = await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: handler });
    expect((await ao.result({ process: pid, slot })).Error).toBeUndefined();
    const dry = await ao.dryrun({ process: pid, tags: [tag('Action', 'Stamp'), tag('Timestamp', '1700000000000'), tag('Block-Height', '1234567')] });
    // The message's own fields (numbers, as Lua compares them), not tags copied onto it.
    expect(dry.Output.data, JSON.stringify(dry)).toBe('number:1700000000000/1234567');
    const plain = await ao.dryrun({ process: pid, tags: [tag('Action', 'Stamp')] });
    expect(plain.Output.data).toMatch(/^number:\d{13}\/\d+$/);
    expect(plain.Output.data).not.toBe('number:1700000000000/1234567');
    // aoconnect's legacy dryrun drops fields its schema does not name: the CU's JSON body, as curl sends it.
    const body = { Target: pid, Owner: '1234', Tags: [tag('Action', 'Stamp')], Timestamp: '1700000000000', 'Block-Height': '1234567' };
    const legacyDry = await (await fetch(`${node.url}/dry-run?process-id=${pid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    expect((legacyDry as { Output: { data: string } }).Output.data).toBe('number:1700000000000/1234567');
  });
});

describe('aos-ts serve, the built CLI', () => {
  it('starts on the given port, answers GET /, and stops on SIGTERM', async () => {
    const dir = tempDataDir();
    const child = spawnChild(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--json', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const started = Date.now();
    while (!out.includes('}') && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
    const { url } = JSON.parse(out) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const root = (await (await fetch(url)).json()) as { module: string; scheduler: string };
    expect(root.module).toBe(info.module);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
