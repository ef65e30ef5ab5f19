// What clients nobody here wrote rely on, checked with the real aoconnect and
// fetch (stock aos and WAO's SDK themselves are not test dependencies: they
// were checked by hand, see README "Pointing clients at it"):
// - stock aos finds a process by name with a GraphQL query on the gateway and
//   picks mainnet or legacy by the Variant of what it finds, so a process
//   spawned through HyperBEAM's /push must be indexed as ao.N.1, also after
//   the node restarted;
// - WAO's gql mode finds a reply by querying the recipient, then reads the
//   result of each message it found by id, messages processes sent included;
// - HEAD on a state path answers the state's keys as headers;
// - the scheduler device pages a process's schedule by slot (from/to, both inclusive).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Arweave from 'arweave';
import { connect, createDataItemSigner, createSigner } from '@permaweb/aoconnect';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { testJwk } from '../helpers/wallet.js';
import { AOS_MODULE, tag } from '../helpers/messages.js';

type Jwk = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ao = any;

let node: RunningNode;
let dataDir: string;
let jwk: Jwk;
let address: string;

/** The query stock aos 2.0.16 sends to find a process by name (its `queryForAOS`). */
const FIND_BY_NAME = `query ($owners: [String!]!) {
  transactions(first: 10, owners: $owners, tags: [
    { name: "Data-Protocol", values: ["ao"] },
    { name: "Type", values: ["Process"] },
    { name: "Name", values: [$name] }
  ]) { edges { node { id tags { name value } } } }
}`;

async function findByName(url: string, name: string): Promise<{ id: string; variant?: string }[]> {
  const query = FIND_BY_NAME.replace('[$name]', JSON.stringify([name]));
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { owners: [address, ''] } }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { transactions: { edges: { node: { id: string; tags: { name: string; value: string }[] } }[] } } };
  return body.data.transactions.edges.map((e) => ({ id: e.node.id, variant: e.node.tags.find((t) => t.name.toLowerCase() === 'variant')?.value }));
}

beforeAll(async () => {
  dataDir = tempDataDir();
  node = await startNode({ dataDir, port: 0 });
  jwk = await testJwk<Jwk>('node');
  address = await Arweave.init({}).wallets.jwkToAddress(jwk as never);
});

afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('finding a process again by name, as stock aos does', () => {
  it('indexes a process spawned through /push as ao.N.1 and one spawned through the MU as ao.TN.1, also after a restart', async () => {
    const mainnet = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never) as Ao;
    const legacy = connect({ MODE: 'legacy', MU_URL: node.url, CU_URL: node.url, GATEWAY_URL: node.url } as never) as Ao;
    const hb = await mainnet.spawn({ module: AOS_MODULE, tags: [tag('Name', 'on-mainnet')] });
    const mu = await legacy.spawn({ module: AOS_MODULE, scheduler: node.context.scheduler, signer: createDataItemSigner(jwk), tags: [tag('Name', 'on-legacy')] });
    expect(await findByName(node.url, 'on-mainnet')).toEqual([{ id: hb, variant: 'ao.N.1' }]);
    expect(await findByName(node.url, 'on-legacy')).toEqual([{ id: mu, variant: 'ao.TN.1' }]);

    // The Variant is kept with the process, not only in this run's memory.
    await node.close();
    node = await startNode({ dataDir, port: 0 });
    expect(await findByName(node.url, 'on-mainnet')).toEqual([{ id: hb, variant: 'ao.N.1' }]);
    // And the process found that way still answers in mainnet mode.
    const again = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never) as Ao;
    const slot = await again.message({ process: hb, tags: [tag('Action', 'Eval')], data: '20 + 22' });
    expect((await again.result({ process: hb, slot })).Output.data).toBe('42');
  });
});

describe('a reply found by querying the recipient (WAO gql mode)', () => {
  it('lists a message a process sent to itself under its recipient, and answers its result by id', async () => {
    const legacy = connect({ MODE: 'legacy', MU_URL: node.url, CU_URL: node.url, GATEWAY_URL: node.url } as never) as Ao;
    const signer = createDataItemSigner(jwk);
    const pid = await legacy.spawn({ module: AOS_MODULE, scheduler: node.context.scheduler, signer, tags: [tag('Name', 'echoer')] });
    const code = `Handlers.add('ping', 'Ping', function(m) Send({ Target = ao.id, Action = 'Echo', Data = 'echo:' .. m.Data }) end)
Handlers.add('echo', 'Echo', function(m) Send({ Target = Owner, Action = 'Final', Final = 'got ' .. m.Data }) end)`;
    await legacy.result({ process: pid, message: await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: code }) });
    const ping = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Ping')], data: 'x' });
    await legacy.result({ process: pid, message: ping });

    // WAO's query: recipient, newest first, then it walks them oldest first from its own message on.
    const query = `query ($r: [String!]) { transactions(recipients: $r, first: 25) { edges { node { id recipient tags { name value } owner { address } } } } }`;
    const res = await fetch(`${node.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { r: [pid] } }) });
    const nodes = ((await res.json()) as { data: { transactions: { edges: { node: { id: string; recipient: string; tags: { name: string; value: string }[] } }[] } } }).data.transactions.edges.map((e) => e.node);
    const ids = nodes.map((n) => n.id);
    expect(ids).toContain(ping);
    const echo = nodes.find((n) => n.tags.some((t) => t.name === 'Action' && t.value === 'Echo'));
    expect(echo, JSON.stringify(nodes.map((n) => n.tags))).toBeDefined();
    expect(echo!.tags).toContainEqual({ name: 'From-Process', value: pid });
    expect(echo!.tags).toContainEqual({ name: 'Type', value: 'Message' });
    // Newest first: the echo came after the ping.
    expect(ids.indexOf(echo!.id)).toBeLessThan(ids.indexOf(ping));
    // The reply WAO waits for is in the echo's result, read by the echo's id.
    const result = await legacy.result({ process: pid, message: echo!.id });
    const final = (result.Messages as { Tags: { name: string; value: string }[] }[]).find((m) => m.Tags.some((t) => t.name === 'Final'));
    expect(final?.Tags).toContainEqual({ name: 'Final', value: 'got echo:x' });
  });
});

describe('HEAD on process state', () => {
  it('answers the keys of a patched table as headers, with no body', async () => {
    const mainnet = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never) as Ao;
    const pid = await mainnet.spawn({ module: AOS_MODULE, tags: [tag('Name', 'headed')] });
    await mainnet.message({ process: pid, tags: [tag('Action', 'Eval')], data: `Send({ Target = ao.id, device = 'patch@1.0', cache = { ticker = 'TKN', supply = '1000' } })` });
    const head = await fetch(`${node.url}/${pid}~process@1.0/now/cache`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('ticker')).toBe('TKN');
    expect(head.headers.get('supply')).toBe('1000');
    expect(await head.text()).toBe('');
    const get = await fetch(`${node.url}/${pid}~process@1.0/now/cache`);
    expect(JSON.parse(await get.text())).toEqual({ ticker: 'TKN', supply: '1000' });
    expect((await fetch(`${node.url}/${pid}~process@1.0/now/nothing`, { method: 'HEAD' })).status).toBe(404);
  });
});

describe('scheduler@1.0 schedule', () => {
  it('pages the schedule of a target by slot, from and to inclusive, and asks for a target', async () => {
    const mainnet = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never) as Ao;
    const pid = await mainnet.spawn({ module: AOS_MODULE, tags: [tag('Name', 'scheduled')] });
    const slots: number[] = [];
    for (let i = 1; i <= 3; i++) slots.push(Number(await mainnet.message({ process: pid, tags: [tag('Action', 'Eval')], data: `X = ${i}` })));
    expect(slots).toEqual([1, 2, 3]);
    const page = async (q: string) => {
      const res = await fetch(`${node.url}/~scheduler@1.0/schedule?target=${pid}${q}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { page_info: { process: string }; edges: { cursor: string; node: { message: { id: string } } }[] };
      expect(body.page_info.process).toBe(pid);
      return body.edges.map((e) => Number(e.cursor));
    };
    expect(await page('')).toEqual([0, 1, 2, 3]);
    expect(await page('&from=1&to=2')).toEqual([1, 2]);
    expect(await page('&from=3')).toEqual([3]);
    expect(await page('&to=0')).toEqual([0]);
    const missing = await fetch(`${node.url}/~scheduler@1.0/schedule`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/target/);
  });
});
