// aos-ts serve under the failures a developer's machine brings, driven by the
// real aoconnect: a full disk while a message is written (507, the node keeps
// answering, the process keeps the state its log holds and works again once
// space is freed, without restarting the node), one signed data item posted
// to every path that takes one (at once and again) running once, and SIGTERM
// while a process runs Lua that no instruction hook can stop.
import { spawn as spawnChild } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Arweave from 'arweave';
import { connect, createDataItemSigner, createSigner } from '@permaweb/aoconnect';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { startNode } from '../../src/node/server.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { failWritesTo, fillDisk, tinyDisk } from '../local/disk.js';
import { testJwk } from '../helpers/wallet.js';
import { AOS_MODULE, tag } from '../helpers/messages.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ao = any;

// Mounted while the file is collected; let go here, so a run that skips its test (-t) leaves no mount behind.
const disk = tinyDisk(2 * 1024);
afterAll(() => {
  disk?.unmount();
  removeTempDirs();
});

async function client(url: string) {
  const jwk = await testJwk('node');
  const owner = await Arweave.init({}).wallets.jwkToAddress(jwk);
  const signer = createDataItemSigner(jwk);
  const ao = connect({ MODE: 'legacy', MU_URL: url, CU_URL: url, GATEWAY_URL: url } as never) as Ao;
  const scheduler = ((await (await fetch(url)).json()) as { scheduler: string }).scheduler;
  const pid: string = await ao.spawn({ module: AOS_MODULE, scheduler, signer, tags: [tag('Name', 'disk')] });
  const evalIn = async (code: string): Promise<string> => {
    const message = await ao.message({ process: pid, signer, tags: [tag('Action', 'Eval')], data: code });
    const result = await ao.result({ process: pid, message });
    if (result.Error) throw new Error(`Error: ${String(result.Error)}`);
    return String(result.Output.data);
  };
  const dry = async (code: string): Promise<string> => String((await ao.dryrun({ process: pid, tags: [tag('Action', 'Eval')], data: code, Owner: owner })).Output.data);
  return { pid, evalIn, dry };
}

describe('a full disk while serving', () => {
  it('answers 507, keeps the logged state, and takes messages again once writes work (injected ENOSPC)', async () => {
    const node = await startNode({ dataDir: tempDataDir(), port: 0 });
    try {
      const { pid, evalIn, dry } = await client(node.url);
      expect(await evalIn('N = 1 return N')).toBe('1');
      const restore = failWritesTo(path.join(pid, 'log'));
      try {
        await expect(evalIn('N = N + 1 return N')).rejects.toThrow(/^507: .*disk is full/);
        // Again while still full: the same clear answer, not an internal error.
        await expect(evalIn('N = N + 1 return N')).rejects.toThrow(/^507: /);
        expect((await fetch(node.url)).status).toBe(200);
      } finally {
        restore();
      }
      // What was not written did not happen: reads and the next message see N = 1.
      expect(await dry('N')).toBe('1');
      expect(await evalIn('N = N + 1 return N')).toBe('2');
      expect(await dry('N')).toBe('2');
    } finally {
      await node.close();
    }
  });

  it.skipIf(!disk)('the same on a real full disk (tmpfs)', async () => {
    const node = await startNode({ dataDir: path.join(disk!.dir, 'data'), port: 0 });
    try {
      const { evalIn, dry } = await client(node.url);
      expect(await evalIn('N = 1 return N')).toBe('1');
      const filler = fillDisk(disk!.dir);
      await expect(evalIn(`N = N + 1 return N .. string.rep('x', 4000)`)).rejects.toThrow(/^507: .*disk is full/);
      expect((await fetch(node.url)).status).toBe(200);
      fs.rmSync(filler);
      expect(await evalIn('N = N + 1 return N')).toBe('2');
      expect(await dry('N')).toBe('2');
    } finally {
      await node.close();
    }
  });
});

describe('one data item, every path', () => {
  it('runs a signed message once when it is pushed several times at once, then again through /push and the MU', async () => {
    const node = await startNode({ dataDir: tempDataDir(), port: 0 });
    try {
      const jwk = await testJwk('node');
      const ao = connect({ MODE: 'mainnet', URL: node.url, signer: createSigner(jwk) } as never) as Ao;
      const pid: string = await ao.spawn({ module: AOS_MODULE, tags: [tag('Name', 'once')] });
      const signer = new ArweaveSigner(jwk as never);
      const item = createData('Runs = (Runs or 0) + 1 return Runs', signer, {
        target: pid,
        tags: [tag('Data-Protocol', 'ao'), tag('Type', 'Message'), tag('Variant', 'ao.N.1'), tag('Action', 'Eval')],
      });
      await item.sign(signer);
      const raw = Buffer.from(item.getRaw());
      const post = (p: string) => fetch(`${node.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/ans104' }, body: raw });
      const pushes = await Promise.all([1, 2, 3].map(() => post(`/${pid}~process@1.0/push`)));
      const bodies = (await Promise.all(pushes.map((r) => r.json()))) as { slot: number; id: string }[];
      expect(pushes.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(new Set(bodies.map((b) => `${b.slot}:${b.id}`))).toEqual(new Set([`1:${item.id}`]));
      expect((await post('/push')).status).toBe(200);
      expect((await post('/')).status).toBe(202);
      const slot = await ao.message({ process: pid, tags: [tag('Action', 'Eval')], data: 'return Runs' });
      expect((await ao.result({ process: pid, slot })).Output.data).toBe('1');
      expect(Number(slot)).toBe(2);
    } finally {
      await node.close();
    }
  });
});

describe('the built aos-ts serve and a runaway message', () => {
  it('honours --cors and --timeout, keeps answering while a message runs Lua no hook can stop, stops it at its time limit, and exits on SIGTERM during one', async () => {
    const dataDir = tempDataDir();
    const child = spawnChild(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--json', '--cors', 'http://app.example:3000', '--timeout', '1', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !out.includes('}'); i++) await new Promise((r) => setTimeout(r, 50));
      const { url } = JSON.parse(out) as { url: string };
      // --cors lets that page's origin in (and only it, besides this machine's).
      const allowed = await fetch(url, { headers: { origin: 'http://app.example:3000' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example:3000');
      expect((await fetch(url, { headers: { origin: 'http://app.example:4000' } })).status).toBe(403);
      const { evalIn } = await client(url);
      // Work inside one C call (a pathological pattern): no instruction budget sees it.
      const runaway = "return ('a'):rep(3e4):find('.-.-.-.-.-b')";
      const first = evalIn(runaway).then(
        (v) => `answered ${v}`,
        (e: Error) => e.message,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect((await fetch(url)).status).toBe(200);
      // The message time limit (--timeout 1: serve's processes take it) stops it; the error says so, and the process goes on.
      await expect(evalIn('1 + 1').catch((e: Error) => e.message)).resolves.toBe('2');
      expect(await first).toMatch(/^Error: .*the 1 s time limit/);
      // SIGTERM while another runs: the program exits cleanly.
      void evalIn(runaway).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
