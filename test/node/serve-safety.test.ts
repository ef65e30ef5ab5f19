// aos-ts serve on a developer's machine: the gateway's GraphQL answered by
// the graphql package (messages processes send included), the default module
// ids of aos, and the hostile cases: foreign web pages, runaway dry-runs,
// duplicate data items, bad encodings, disk errors.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Arweave from 'arweave';
import { connect, createDataItemSigner } from '@permaweb/aoconnect';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { describeError, startNode, type RunningNode } from '../../src/node/server.js';
import { LocalNetwork } from '../../src/local/network.js';
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
let legacy: Ao;
let signer: unknown;
let pid: string;

async function gql(query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${node.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables, ...extra }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

async function signedItem(target: string, data: string, tags = [tag('Data-Protocol', 'ao'), tag('Type', 'Message'), tag('Action', 'Eval')]) {
  const s = new ArweaveSigner(jwk as never);
  const item = createData(data, s, { target, tags });
  await item.sign(s);
  return { id: item.id, raw: Buffer.from(item.getRaw()) };
}

beforeAll(async () => {
  dataDir = tempDataDir();
  node = await startNode({ dataDir, port: 0, deadlineMs: 3000, cors: ['http://allowed.example:3000'] });
  jwk = await testJwk<Jwk>('node');
  address = createHash('sha256').update(Buffer.from(jwk.n!, 'base64url')).digest('base64url');
  signer = createDataItemSigner(jwk);
  legacy = connect({ MODE: 'legacy', MU_URL: node.url, CU_URL: node.url, GATEWAY_URL: node.url } as never);
  // The stock aos default module: aoconnect looks it up on the gateway before spawning.
  pid = await legacy.spawn({ module: AOS_MODULE, scheduler: node.context.scheduler, signer, tags: [tag('Name', 'safety')] });
});

afterAll(async () => {
  await node?.close();
  removeTempDirs();
});

describe('gateway GraphQL', () => {
  it('answers every default module id of aos as a Module record', async () => {
    const { body } = await gql(`query { transactions(ids: ["${AOS_MODULE}", "wal-fUK-YnB9Kp5mN8dgMsSqPSqiGx-0SvwFUSwpDBI"]) { edges { node { id tags { name value } } } } }`);
    const nodes = body.data.transactions.edges.map((e: { node: { id: string; tags: { name: string; value: string }[] } }) => e.node);
    expect(nodes.map((n: { id: string }) => n.id).sort()).toEqual([AOS_MODULE, 'wal-fUK-YnB9Kp5mN8dgMsSqPSqiGx-0SvwFUSwpDBI'].sort());
    for (const n of nodes) expect(n.tags).toContainEqual({ name: 'Type', value: 'Module' });
    // The process spawned with it runs and answers.
    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: '6 * 7' });
    expect((await legacy.result({ process: pid, message })).Output.data).toBe('42');
  });

  it('indexes the messages a process sends, so a reply is found by its recipient', async () => {
    const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: `Send({ Target = '${address}', Action = 'Reply-Test', Data = 'hello wallet' })` });
    await legacy.result({ process: pid, message });
    const { body } = await gql(
      `query ($r: [String!]) { transactions(recipients: $r, tags: [{ name: "Action", values: ["Reply-Test"] }]) { edges { node { id recipient tags { name value } data { size } } } } }`,
      { r: [address] },
    );
    const edges = body.data.transactions.edges;
    expect(edges).toHaveLength(1);
    expect(edges[0].node.recipient).toBe(address);
    expect(edges[0].node.tags).toContainEqual({ name: 'From-Process', value: pid });
    expect(edges[0].node.data.size).toBe(String('hello wallet'.length));
  });

  it('honours variable defaults, aliases, fragments, comments, operationName and several root fields', async () => {
    const query = `
      # a comment with { braces }
      fragment T on Transaction { id owner { address } }
      query Other { transaction(id: "${pid}") { id } }
      query Mine($owners: [String!] = ["${address}"], $n: Int = 5) {
        procs: transactions(owners: $owners, tags: [{ name: "Type", values: ["Process"] }], first: $n) { edges { node { ...T } } }
        one: transaction(id: "${pid}") { ...T }
      }`;
    const { status, body } = await gql(query, undefined, { operationName: 'Mine' });
    expect(status).toBe(200);
    expect(Object.keys(body.data).sort()).toEqual(['one', 'procs']);
    expect(body.data.one).toEqual({ id: pid, owner: { address } });
    expect(body.data.procs.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(pid);
    const other = await gql(query, undefined, { operationName: 'Other' });
    expect(other.body.data).toEqual({ transaction: { id: pid } });
  });

  it('pages with first/after and refuses unknown fields with 400', async () => {
    const first = await gql(`{ transactions(first: 1, sort: HEIGHT_ASC) { pageInfo { hasNextPage } edges { cursor node { id } } } }`);
    expect(first.body.data.transactions.pageInfo.hasNextPage).toBe(true);
    const cursor = first.body.data.transactions.edges[0].cursor;
    const second = await gql(`query ($c: String) { transactions(first: 1, after: $c, sort: HEIGHT_ASC) { edges { node { id } } } }`, { c: cursor });
    expect(second.body.data.transactions.edges[0].node.id).not.toBe(first.body.data.transactions.edges[0].node.id);
    const bad = await gql(`{ transactions { edges { node { nonsense } } } }`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/nonsense/);
  });
});

describe('safety', () => {
  it('grants CORS to loopback and --cors origins only, and refuses other web pages', async () => {
    const local = await fetch(`${node.url}/graphql?query=${encodeURIComponent('{ transactions { edges { node { id } } } }')}`, { headers: { origin: 'http://localhost:5173' } });
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = await fetch(node.url, { headers: { origin: 'http://allowed.example:3000' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example:3000');
    const foreign = await fetch(`${node.url}/graphql?query=${encodeURIComponent('{ transactions { edges { node { id } } } }')}`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await foreign.json()) as { error: string }).error).toMatch(/--cors/);
  });

  it('refuses a text/plain JSON body from a foreign page (a simple CSRF request), and nothing runs', async () => {
    const before = node.context.network.list().length;
    const res = await fetch(`${node.url}/dry-run?process-id=${pid}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: JSON.stringify({ Tags: [tag('Action', 'Eval')], Data: 'Spawn(ao.env.Module.Id, {})', Owner: address }),
    });
    expect(res.status).toBe(403);
    expect(node.context.network.list().length).toBe(before);
  });

  it('refuses a request whose Host is not this machine (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(node.url);
      request({ host: u.hostname, port: u.port, path: '/graphql?query=%7B%7D', headers: { host: 'rebind.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('answers a bad encoding with 400', async () => {
    for (const path of ['/%ff', `/${pid}~process@1.0/now/%ff`, '/tx/%c3%28']) {
      const res = await fetch(`${node.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(typeof ((await res.json()) as { error: string }).error).toBe('string');
    }
  });

  it('stops a runaway dry-run with 504 while GET / keeps answering, and the process still works', async () => {
    const runaway = fetch(`${node.url}/dry-run?process-id=${pid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Work inside one C call (a pathological pattern), which no instruction budget sees.
      body: JSON.stringify({ Tags: [tag('Action', 'Eval')], Data: "return ('a'):rep(2e4):find('.-.-.-.-b')", Owner: address }),
    });
    const root = await fetch(node.url);
    expect(root.status).toBe(200);
    const res = await runaway;
    expect([503, 504]).toContain(res.status);
    expect(((await res.json()) as { error: string }).error).toMatch(/stopped|longer/);
    const dry = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: '1 + 1', Owner: address });
    expect(dry.Output?.data, JSON.stringify(dry)).toBe('2');
  });

  it('dry-runs see every message handled before them (the read worker follows the process)', async () => {
    for (let i = 1; i <= 4; i++) {
      const message = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: `Seen = ${i}` });
      await legacy.result({ process: pid, message });
      const dry = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'Seen', Owner: address });
      expect(dry.Output?.data, JSON.stringify(dry)).toBe(String(i));
    }
    // A failed message changes nothing, in the process and in the copy.
    const failed = await legacy.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: `Seen = 99 error('no')` });
    await legacy.result({ process: pid, message: failed });
    const dry = await legacy.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: 'Seen', Owner: address });
    expect(dry.Output.data).toBe('4');
  });

  it('runs one data item id once, however often and however fast it is posted', async () => {
    const { id, raw } = await signedItem(pid, 'Twice = (Twice or 0) + 1 return Twice');
    const posts = await Promise.all([1, 2, 3].map(() => fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw })));
    expect(posts.map((r) => r.status)).toEqual([202, 202, 202]);
    await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw });
    const proc = await node.context.network.get(pid);
    expect([...proc.records()].filter((r) => r.kind === 'message' && r.msg.Id === id)).toHaveLength(1);
  });

  it('makes one process of a spawn posted several times at once', async () => {
    const { id, raw } = await signedItem('', '', [tag('Data-Protocol', 'ao'), tag('Type', 'Process'), tag('Variant', 'ao.TN.1'), tag('Name', 'dup-spawn'), tag('Module', AOS_MODULE)]);
    const posts = await Promise.all([1, 2, 3].map(() => fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw })));
    expect(posts.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(node.context.network.list().filter((m) => m.id === id)).toHaveLength(1);
    const proc = await node.context.network.get(id);
    expect([...proc.records()].filter((r) => r.kind === 'message' && r.msg.Id === id)).toHaveLength(1);
  });

  it('hands a data item to another program holding the process once, however often it is posted', async () => {
    const other = new LocalNetwork(dataDir);
    try {
      const { process: held } = await other.spawn('held-dup');
      // Stop the holder from reading its mailbox while we post: close its timers by never letting it idle-poll
      const { id, raw } = await signedItem(held.id, 'return 1');
      for (let i = 0; i < 3; i++) {
        const res = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: raw });
        expect(res.status).toBe(202);
      }
      const mailbox = readFileSync(join(dataDir, 'processes', held.id, 'incoming.jsonl'), 'utf8');
      expect(mailbox.split('\n').filter((l) => l.includes(id))).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('maps a full disk to 507 and other I/O errors to 500, with a sentence', () => {
    const full = describeError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    expect(full.status).toBe(507);
    expect(full.message).toMatch(/full/);
    const io = describeError(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    expect(io.status).toBe(500);
    expect(io.message).toMatch(/EIO/);
  });
});

describe('--strict', () => {
  it('refuses an unsigned dry-run that acts as the owner, and allows one that does not', async () => {
    const strict = await startNode({ network: node.context.network, port: 0, strict: true });
    try {
      const ao = connect({ MODE: 'legacy', MU_URL: strict.url, CU_URL: strict.url, GATEWAY_URL: strict.url } as never) as Ao;
      const res = await fetch(`${strict.url}/dry-run?process-id=${pid}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Tags: [tag('Action', 'Eval')], Data: '1', Owner: address }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/--strict/);
      const anyone = await ao.dryrun({ process: pid, tags: [tag('Action', 'Info')] });
      expect(anyone.Error).toBeUndefined();
    } finally {
      await strict.close();
    }
  });
});
