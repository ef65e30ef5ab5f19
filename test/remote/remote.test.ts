// Remote processes through the real aoconnect, against `aos-ts serve` started
// in this process, in both modes: open by name (found, spawned, several),
// eval, send, dryrun, the live feed under a burst, and network failures.
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/connection.js';
import { startNode, type RunningNode } from '../../src/node/server.js';
import { createClient } from '../../src/remote/client.js';
import { findByName, LookupError, openRemote, spawnProcess } from '../../src/remote/open.js';
import type { RemoteConnection } from '../../src/remote/remote-connection.js';
import type { NetworkSettings, RemoteMode } from '../../src/remote/settings.js';
import { RemoteError } from '../../src/remote/http.js';
import { readWallet, type Wallet } from '../../src/remote/wallet.js';
import { outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { testWalletFile } from '../helpers/wallet.js';
import { waitFor } from '../helpers/wait.js';

let node: RunningNode;
let wallet: Wallet;
const open: RemoteConnection[] = [];

beforeAll(async () => {
  node = await startNode({ dataDir: tempDataDir(), port: 0 });
  // One key for every test file (generating one takes seconds).
  wallet = readWallet(await testWalletFile(tempDataDir()));
});

afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await node?.close();
  removeTempDirs();
});

function settingsFor(mode: RemoteMode, url = node.url): NetworkSettings {
  return { mode, url, muUrl: url, cuUrl: url, gatewayUrl: url };
}

async function connect(mode: RemoteMode, target: string, extra: { dataDir?: string; yes?: boolean; ask?: (q: string) => Promise<string>; url?: string } = {}) {
  const conn = await openRemote({ settings: settingsFor(mode, extra.url), wallet, target, dataDir: extra.dataDir ?? tempDataDir(), yes: extra.yes, ask: extra.ask, pollMs: 50 });
  open.push(conn);
  return conn;
}

async function until(test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(['mainnet', 'legacy'] as const)('a remote process, %s mode', (mode) => {
  const name = `app-${mode}`;
  const dataDir = tempDataDir();
  let conn: RemoteConnection;

  it('refuses to spawn without --yes, then spawns with it and evaluates', async () => {
    await expect(connect(mode, name, { dataDir })).rejects.toThrow(/no process named "app-.*" is owned by wallet .* Pass --yes/);
    conn = await connect(mode, name, { dataDir, yes: true });
    expect((conn as unknown as { created: boolean }).created).toBe(true);
    expect(conn.info()).toMatchObject({ name, owner: wallet.address, network: mode });
    expect(node.context.network.list().find((m) => m.id === conn.info().id)).toMatchObject({ name, owner: wallet.address });
    const r = await conn.eval('Count = 41 return Count + 1');
    expect(outputData(r)).toBe('42');
    expect(typeof (r.Output as { prompt?: unknown }).prompt).toBe('string');
    const bad = await conn.eval('x = ');
    expect(bad.Error).toMatch(/unexpected symbol/);
  });

  it('finds it by name again: from the cache, and through GraphQL with an empty cache', async () => {
    const again = await connect(mode, name, { dataDir });
    expect(again.info().id).toBe(conn.info().id);
    const fresh = await connect(mode, name);
    expect(fresh.info().id).toBe(conn.info().id);
    expect(outputData(await fresh.eval('return Count'))).toBe('41');
  });

  it('with several processes of one name: an error listing them, or a choice', async () => {
    const client = await createClient(settingsFor(mode), wallet);
    const a = await spawnProcess(client, `twin-${mode}`);
    const b = await spawnProcess(client, `twin-${mode}`);
    expect(await findByName(node.url, wallet.address, `twin-${mode}`)).toHaveLength(2);
    const err = await connect(mode, `twin-${mode}`).catch((e: Error) => e);
    expect(err).toBeInstanceOf(LookupError);
    expect((err as Error).message).toContain(a);
    expect((err as Error).message).toContain(b);
    const questions: string[] = [];
    const chosen = await connect(mode, `twin-${mode}`, { ask: async (q) => (questions.push(q), '2') });
    expect(questions[0]).toMatch(/1\. .*\n.*2\. /);
    expect([a, b]).toContain(chosen.info().id);
  });

  it('sends messages, dry-runs without keeping anything, inspects and prompts', async () => {
    await conn.eval('Handlers.add("ping", "Ping", function(msg) print("pong " .. msg.Data) end)');
    const pong = await conn.send({ Tags: [{ name: 'Action', value: 'Ping' }], Data: 'p1' });
    expect(outputData(pong)).toContain('pong p1');
    const dry = await conn.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: 'Kept = 5 return Kept * 2' });
    expect(outputData(dry)).toBe('10');
    expect(outputData(await conn.eval('return tostring(Kept)'))).toBe('nil');
    expect(await conn.inspect('return { count = Count, list = { 1, 2 } }')).toEqual({ count: 41, list: [1, 2] });
    expect(await conn.prompt()).toMatch(/aos/);
  });

  it('delivers a burst of 200 live messages in order, none repeated, none of its own; a restart resumes', async () => {
    const feedDir = tempDataDir();
    const watcher = await connect(mode, conn.info().id, { dataDir: feedDir });
    const seen: LiveMessage[] = [];
    const stop = watcher.onLive((m) => seen.push(m));
    // The feed starts from now: its first read saves a cursor in the (fresh) data dir.
    const liveDir = join(feedDir, 'remote', 'live');
    await waitFor(() => existsSync(liveDir) && readdirSync(liveDir).some((f) => f.startsWith(`${conn.info().id}-`)), 'the feed to save its first cursor');
    await watcher.eval('return "my own eval"');
    const sender = await connect(mode, `sender-${mode}`, { yes: true });
    const pid = conn.info().id;
    const r = await sender.eval(`for i = 1, 200 do Send({ Target = "${pid}", Data = string.format("burst %03d", i) }) end`);
    expect(r.Error).toBeUndefined();
    await until(() => seen.filter((m) => m.text.includes('burst')).length >= 200);
    await new Promise((res) => setTimeout(res, 300));
    const texts = seen.map((m) => /burst (\d{3})/.exec(m.text)?.[1]);
    expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => String(i + 1).padStart(3, '0')));
    expect(seen.some((m) => m.text.includes('my own eval'))).toBe(false);
    const seqs = seen.map((m) => m.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    stop();
    await watcher.close();

    // While nobody watches, three more arrive; the next watcher (same data dir) shows exactly those.
    await sender.eval(`for i = 201, 203 do Send({ Target = "${pid}", Data = "burst " .. i }) end`);
    const later = await connect(mode, pid, { dataDir: feedDir });
    const resumed: string[] = [];
    later.onLive((m) => resumed.push(m.text));
    await until(() => resumed.length >= 3);
    await new Promise((res) => setTimeout(res, 300));
    expect(resumed.map((t) => /burst (\d+)/.exec(t)?.[1])).toEqual(['201', '202', '203']);
  });

  it('says clearly when the node is gone: which URL, whether the message was sent, what to try', async () => {
    const extra = await startNode({ network: node.context.network, port: 0 });
    const viaExtra = await connect(mode, conn.info().id, { url: extra.url });
    expect(outputData(await viaExtra.eval('return 1'))).toBe('1');
    await extra.close();
    // Until the port refuses connections: by then the client has also seen its kept-alive socket
    // close (under load it could otherwise reuse that socket and see a reset, not a refusal).
    await untilRefused(new URL(extra.url).port);
    const err = (await viaExtra.eval('return 2').catch((e: Error) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toContain(extra.url);
    expect(err.message).toMatch(/connection refused/);
    expect(err.message).toMatch(/was not sent/);
    expect(err.message).toMatch(/try again/);
    expect(err.sent).toBe(false);
  });

  it('says clearly when a route answers 500', async () => {
    let server: Server | undefined;
    try {
      server = createServer((req, res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'database on fire' }));
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const broken = await connect(mode, conn.info().id, { url });
      const err = (await broken.eval('return 1').catch((e: Error) => e)) as RemoteError;
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.message).toContain(url);
      expect(err.message).toMatch(/HTTP 500/);
      expect(err.message).toMatch(/database on fire/);
      const dry = (await broken.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: '1' }).catch((e: Error) => e)) as RemoteError;
      expect(dry.message).toMatch(/dry-run .* failed: .*HTTP 500.*Nothing was sent/);
    } finally {
      await new Promise((r) => server?.close(r));
    }
  });
});

describe('many connections in one program', () => {
  it('keep signing: aoconnect refuses a 101st signer for a key within a minute, so the signer is made once', async () => {
    for (let i = 0; i < 120; i++) await createClient(settingsFor('mainnet'), wallet);
    const conn = await connect('mainnet', `many-${Date.now()}`, { yes: true });
    expect(outputData(await conn.eval('return 6 * 7'))).toBe('42');
  });
});

describe('the wallet', () => {
  it('is created 0600 at ~/.aos.json on first use, with a notice that never shows the key', async () => {
    const { loadWallet } = await import('../../src/remote/wallet.js');
    const home = tempDataDir();
    const before = process.env.HOME;
    process.env.HOME = home;
    try {
      const notices: string[] = [];
      const w = await loadWallet(undefined, (t) => notices.push(t));
      const path = join(home, '.aos.json');
      expect(w.path).toBe(path);
      expect(w.created).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(notices.join('\n')).toContain(path);
      const jwk = JSON.parse(readFileSync(path, 'utf8')) as { d: string; n: string };
      expect(notices.join('\n')).not.toContain(jwk.d.slice(0, 20));
      const again = await loadWallet(undefined, (t) => notices.push(t));
      expect(again).toMatchObject({ address: w.address, created: false });
      expect(notices).toHaveLength(1);
    } finally {
      process.env.HOME = before;
    }
  });

  it('reports a missing or broken --wallet file without quoting it', async () => {
    const { loadWallet } = await import('../../src/remote/wallet.js');
    const dir = tempDataDir();
    await expect(loadWallet(join(dir, 'nope.json'), () => undefined)).rejects.toThrow(/cannot read the wallet .*nope\.json: there is no such file\. Pass --wallet/);
    writeFileSync(join(dir, 'bad.json'), '{"secret": "do-not-print-me"}');
    const err = (await loadWallet(join(dir, 'bad.json'), () => undefined).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/not an Arweave RSA private key/);
    expect(err.message).not.toContain('do-not-print-me');
    expect(existsSync(join(dir, 'nope.json'))).toBe(false);
  });
});

/** Resolves once nothing listens on `port` any more (a connection attempt is refused). */
async function untilRefused(port: string): Promise<void> {
  const { connect: tcp } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const sock = tcp(Number(port), '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(false)));
      sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`port ${port} still accepts connections after the node closed`);
}
