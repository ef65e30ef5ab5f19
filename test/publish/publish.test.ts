// aos-ts publish against `aos-ts serve` started in this process, standing in
// for AO and the Arweave gateway: publish, compare answers through the real
// aoconnect, publish again after a change, and a spawn refused half-way then
// finished by a retry.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalNetwork } from '../../src/local/network.js';
import type { LocalProcess } from '../../src/local/local-process.js';
import { readMeta } from '../../src/local/process-meta.js';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { openRemote } from '../../src/remote/open.js';
import type { RemoteConnection } from '../../src/remote/remote-connection.js';
import type { NetworkSettings, RemoteMode } from '../../src/remote/settings.js';
import { readWallet, type Wallet } from '../../src/remote/wallet.js';
import { describePlan, publish, PublishError, type PublishPlan } from '../../src/publish/publish.js';
import { buildBundle, readSource } from '../../src/publish/source.js';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { testWalletFile } from '../helpers/wallet.js';

let node: RunningNode;
let wallet: Wallet;
const networks: LocalNetwork[] = [];
const remotes: RemoteConnection[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  node = await startNode({ dataDir: tempDataDir(), port: 0 });
  wallet = readWallet(await testWalletFile(tempDataDir()));
}, 60_000);

afterAll(async () => {
  for (const r of remotes) await r.close().catch(() => undefined);
  for (const n of networks) await n.close().catch(() => undefined);
  for (const s of servers) await new Promise((r) => s.close(r));
  await node?.close();
  removeTempDirs();
});

function settingsFor(mode: RemoteMode, url = node.url, gatewayUrl = url): NetworkSettings {
  return { mode, url, muUrl: url, cuUrl: url, gatewayUrl };
}

const APP = `
Count = Count or 0
Greeting = "hello from " .. Name
Handlers.add("Info", "Info", function(msg)
  msg.reply({ Action = "Info-Response", Name = Name, Data = "counter v1" })
end)
Handlers.add("inc", "Inc", function(msg)
  Count = Count + 1
end)
Handlers.add("get", "Get", function(msg)
  msg.reply({ Data = tostring(Count) })
end)
`;

async function localApp(name: string): Promise<{ net: LocalNetwork; proc: LocalProcess; dataDir: string }> {
  const dataDir = tempDataDir();
  const net = network(dataDir);
  networks.push(net);
  const { process: proc } = await net.spawn(name, { tags: [{ name: 'Project', value: 'demo' }] });
  expect((await evalIn(net, proc, APP)).Error).toBeUndefined();
  expect((await evalIn(net, proc, '-- local-only\nSecret = "do not publish"')).Error).toBeUndefined();
  expect((await evalIn(net, proc, 'this is not lua')).Error).toBeDefined();
  for (let i = 0; i < 3; i++) await net.sendAndSettle(proc.id, net.userMessage(proc.id, [{ name: 'Action', value: 'Inc' }]));
  return { net, proc, dataDir };
}

async function remoteOf(mode: RemoteMode, id: string, url = node.url): Promise<RemoteConnection> {
  const conn = await openRemote({ settings: settingsFor(mode, url), wallet, target: id, dataDir: tempDataDir() });
  remotes.push(conn);
  return conn;
}

describe('the bundle', () => {
  it('keeps successful, not undone, not local-only Evals in order, each its own chunk', async () => {
    const { net, proc } = await localApp('bundle-check');
    await evalIn(net, proc, 'Extra = 1');
    await proc.undoLast((r) => r.msg.From === net.identity.address);
    const src = readSource(proc);
    expect(src.evals).toHaveLength(1);
    expect(src.localOnly).toBe(1);
    expect(src.messages).toHaveLength(3);
    const bundle = buildBundle('x', [{ seq: 2, code: 'local a = "]]" return a' }, { seq: 3, code: 'B = 2' }]);
    expect(bundle).toContain('[=[\nlocal a = "]]" return a]=]');
    expect(bundle.indexOf('seq 2')).toBeLessThan(bundle.indexOf('seq 3'));
  });
});

describe.each(['mainnet', 'legacy'] as const)('publish, %s mode', (mode) => {
  let app: Awaited<ReturnType<typeof localApp>>;
  let remoteId: string;
  const plans: PublishPlan[] = [];

  it('uploads the source, spawns from it, and the published process answers like the local one', async () => {
    app = await localApp(`counter-${mode}`);
    const result = await publish({
      network: app.net,
      process: app.proc,
      settings: settingsFor(mode),
      wallet,
      dataDir: app.dataDir,
      probes: ['Greeting', 'Count', 'Secret'],
      confirm: async (p) => (plans.push(p), true),
    });
    expect(plans[0]).toMatchObject({ evals: 1, localOnly: 1, messages: 3, withState: false, remoteId: undefined });
    expect(describePlan(plans[0]!)).toMatch(/NOT carried over.*3 messages/);
    expect(result.created).toBe(true);
    remoteId = result.remoteId!;
    expect(remoteId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Count differs: the state (3 Inc messages) was not carried over; Secret was local-only.
    const differing = result.parity.filter((c) => !c.same).map((c) => c.label);
    expect(differing).toEqual(['probe: Count', 'probe: Secret']);
    const secret = result.parity.find((c) => c.label === 'probe: Secret')!;
    expect(secret.local).toContain('do not publish');
    expect(secret.remote).not.toContain('do not publish');
    expect(result.parity.map((c) => c.label)).toEqual(['handlers', 'Action=Info', 'probe: Greeting', 'probe: Count', 'probe: Secret']);

    // The uploads are on the gateway with clear tags; the spawn points at them.
    const tx = node.context.txs.get(result.sourceTx!)!;
    expect(tx.tags).toEqual(expect.arrayContaining([
      { name: 'App-Name', value: 'aos-ts' },
      { name: 'Content-Type', value: 'text/x-lua' },
      { name: 'Type', value: 'Process-Source' },
    ]));
    expect(tx.data.toString()).toContain('Handlers.add("Info"');
    expect(tx.data.toString()).not.toContain('do not publish');
    const manifest = JSON.parse(node.context.txs.get(result.manifestTx!)!.data.toString()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: `counter-${mode}`, tags: [{ name: 'Project', value: 'demo' }] });
    expect(String(manifest.stateDigestSha256)).toMatch(/^[0-9a-f]{64}$/);
    const spawned = node.context.network.list().find((m) => m.id === remoteId)!;
    expect(spawned.tags).toEqual(expect.arrayContaining([
      { name: 'On-Boot', value: 'Data' },
      { name: 'Source-Tx', value: result.sourceTx },
      { name: 'Project', value: 'demo' },
    ]));

    // The real aoconnect gets the same answers from the published process.
    const remote = await remoteOf(mode, remoteId);
    const info = await remote.dryrun({ Tags: [{ name: 'Action', value: 'Info' }] });
    const localInfo = await app.proc.dryrun(app.net.userMessage(app.proc.id, [{ name: 'Action', value: 'Info' }]));
    expect(info.Messages?.[0]?.Data).toBe('counter v1');
    expect(info.Messages?.[0]?.Data).toBe(localInfo.Messages?.[0]?.Data);
    expect(outputData(await remote.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: 'return Greeting' }))).toBe(`hello from counter-${mode}`);

    const meta = readMeta(app.proc.dir);
    expect(meta.remote).toMatchObject({ id: remoteId, mode, seq: app.proc.lastSeq });
    expect(meta.remote?.pending).toBeUndefined();
  }, 60_000);

  it('publishing again updates the same process with what changed', async () => {
    await evalIn(app.net, app.proc, 'Handlers.add("double", "Double", function(msg) msg.reply({ Data = tostring(Count * 2) }) end)\nVersion = 2');
    plans.length = 0;
    const result = await publish({
      network: app.net,
      process: app.proc,
      settings: settingsFor(mode),
      wallet,
      dataDir: app.dataDir,
      probes: ['Version'],
      withState: true,
      confirm: async (p) => (plans.push(p), true),
    });
    expect(plans[0]).toMatchObject({ remoteId, evals: 1, withState: true });
    expect(result.created).toBe(false);
    expect(result.remoteId).toBe(remoteId);
    expect(result.parity.every((c) => c.same)).toBe(true);
    const remote = await remoteOf(mode, remoteId);
    expect(outputData(await remote.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: 'return Version' }))).toBe('2');
    // Nothing new: no upload, no Eval; the check still runs.
    const before = node.context.txs.size;
    const again = await publish({ network: app.net, process: app.proc, settings: settingsFor(mode), wallet, dataDir: app.dataDir, confirm: async (p) => (plans.push(p), true) });
    expect(plans.at(-1)?.nothingNew).toBe(true);
    expect(node.context.txs.size).toBe(before);
    expect(again.remoteId).toBe(remoteId);
  }, 60_000);

  it('stops before anything is sent when not confirmed', async () => {
    const other = await localApp(`declined-${mode}`);
    const before = node.context.txs.size;
    const r = await publish({ network: other.net, process: other.proc, settings: settingsFor(mode), wallet, dataDir: other.dataDir, confirm: async () => false });
    expect(r.confirmed).toBe(false);
    expect(node.context.txs.size).toBe(before);
    expect(readMeta(other.proc.dir).remote).toBeUndefined();
  });
});

/** A front for the node that refuses spawns and messages (POST /, POST /push) while `refusing`. */
async function flakyFront(target: string): Promise<{ url: string; refusing: boolean }> {
  const state = { url: '', refusing: true };
  const t = new URL(target);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (state.refusing && req.method === 'POST' && (path === '/' || path === '/push')) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('spawns are refused for a moment');
      return;
    }
    const up = request({ hostname: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

describe('a publish that fails half-way', () => {
  it('says what happened and what to do; a retry reuses the upload and finishes', async () => {
    const front = await flakyFront(node.url);
    const app = await localApp('half-way');
    const settings = settingsFor('legacy', front.url);
    const err = await publish({ network: app.net, process: app.proc, settings, wallet, dataDir: app.dataDir, confirm: async () => true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toMatch(/uploaded \([A-Za-z0-9_-]{43}\), but spawning the process failed/);
    expect((err as Error).message).toMatch(/503/);
    expect((err as Error).message).toMatch(/aos-ts publish half-way` again/);
    const pending = readMeta(app.proc.dir).remote?.pending;
    expect(pending?.sourceTx).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readMeta(app.proc.dir).remote?.id).toBeUndefined();

    front.refusing = false;
    const before = node.context.txs.size;
    const plans: PublishPlan[] = [];
    const r = await publish({ network: app.net, process: app.proc, settings, wallet, dataDir: app.dataDir, probes: ['Greeting'], confirm: async (p) => (plans.push(p), true) });
    expect(plans[0]?.resumesUpload).toBe(pending?.sourceTx);
    expect(r.sourceTx).toBe(pending?.sourceTx);
    expect(r.created).toBe(true);
    // Only the spawn item was added: the source was not uploaded twice.
    expect(node.context.txs.size).toBe(before + 1);
    expect(r.parity.find((c) => c.label === 'probe: Greeting')?.same).toBe(true);
    expect(readMeta(app.proc.dir).remote).toMatchObject({ id: r.remoteId, sourceTx: pending?.sourceTx });
    expect(readMeta(app.proc.dir).remote?.pending).toBeUndefined();

    // An update whose Eval is refused: reported; the retry reuses that upload and applies it.
    await evalIn(app.net, app.proc, 'Greeting = "updated"');
    front.refusing = true;
    const err2 = await publish({ network: app.net, process: app.proc, settings, wallet, dataDir: app.dataDir, confirm: async () => true }).catch((e: Error) => e);
    expect(err2).toBeInstanceOf(PublishError);
    expect((err2 as Error).message).toMatch(/the update was uploaded \([A-Za-z0-9_-]{43}\), but sending it to .* failed.*again to finish/);
    const pending2 = readMeta(app.proc.dir).remote?.pending;
    expect(pending2?.sourceTx).toBeDefined();
    front.refusing = false;
    const r2 = await publish({ network: app.net, process: app.proc, settings, wallet, dataDir: app.dataDir, probes: ['Greeting'], confirm: async () => true });
    expect(r2.remoteId).toBe(r.remoteId);
    expect(r2.sourceTx).toBe(pending2?.sourceTx);
    expect(r2.parity.every((c) => c.same)).toBe(true);
    expect(readMeta(app.proc.dir).remote).toMatchObject({ seq: app.proc.lastSeq, sourceTx: pending2?.sourceTx });
  }, 60_000);
});
