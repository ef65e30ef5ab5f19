// aos-ts serve figures: requests/s over loopback with plain fetch (bounded
// count, fixed number in flight). Data items are signed before the clock starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Arweave from 'arweave';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { startNode } from '../dist/node/server.js';

const MESSAGES = 600;
const READS = 2000;
const IN_FLIGHT = 32;

async function pool(count, inFlight, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - t) / 1000;
}

async function signed(signer, data, opts) {
  const item = createData(data, signer, opts);
  await item.sign(signer);
  return { id: item.id, raw: Buffer.from(item.getRaw()) };
}

export async function* nodeBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-node-'));
  const node = await startNode({ dataDir, port: 0 });
  try {
    const jwk = await Arweave.init({}).wallets.generate();
    const signer = new ArweaveSigner(jwk);
    const root = await (await fetch(node.url)).json();
    const spawn = await signed(signer, `Count = 0
Handlers.add("bump", "Bump", function(msg)
  Count = Count + 1
  Send({ device = "patch@1.0", count = tostring(Count) })
end)`, {
      tags: [
        { name: 'Data-Protocol', value: 'ao' }, { name: 'Variant', value: 'ao.TN.1' }, { name: 'Type', value: 'Process' },
        { name: 'Module', value: root.module }, { name: 'Scheduler', value: root.scheduler }, { name: 'Name', value: 'bench' },
        { name: 'On-Boot', value: 'Data' },
      ],
    });
    const res = await fetch(node.url, { method: 'POST', body: spawn.raw });
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`spawn failed: ${res.status} ${answer}`);
    const pid = spawn.id;
    const items = [];
    for (let i = 0; i < MESSAGES; i++) {
      items.push(await signed(signer, String(i), { target: pid, tags: [{ name: 'Data-Protocol', value: 'ao' }, { name: 'Type', value: 'Message' }, { name: 'Action', value: 'Bump' }] }));
    }
    const msgSecs = await pool(MESSAGES, IN_FLIGHT, async (i) => {
      const r = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: items[i].raw });
      if (r.status !== 202) throw new Error(`message failed: ${r.status}`);
      await r.arrayBuffer();
      const result = await (await fetch(`${node.url}/result/${items[i].id}?process-id=${pid}`)).json();
      if (result.Error) throw new Error(result.Error);
    });
    yield { name: 'node.message_and_result', value: Math.round(MESSAGES / msgSecs), unit: 'req pairs/s' };
    const readSecs = await pool(READS, IN_FLIGHT, async () => {
      const r = await fetch(`${node.url}/${pid}~process@1.0/now/count`);
      const text = await r.text();
      if (text !== String(MESSAGES)) throw new Error(`state read gave ${text}`);
    });
    yield { name: 'node.state_reads', value: Math.round(READS / readSecs), unit: 'req/s' };
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const figure of nodeBench()) console.log(JSON.stringify(figure));
}
