// A program killed while one process is stuck on a message and the rest of
// its cascade went on: reopening delivers the stuck message once, and what
// was delivered is not delivered again (outbox cursors never pass a message
// still in flight).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { tagValue } from '../../src/engine/types.js';
import type { LocalProcess } from '../../src/local/local-process.js';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';

const fixture = fileURLToPath(new URL('./fixtures/stuck-cascade.mjs', import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  removeTempDirs();
});

function actions(p: LocalProcess): string[] {
  return [...p.records(1)].flatMap((r) => (r.kind === 'message' ? [tagValue(r.msg.Tags, 'Action') ?? ''] : []));
}

it('after a kill during a stuck lane, the stuck message is delivered once on reopen and nothing twice', async () => {
  const dataDir = tempDataDir();
  const child = spawn(process.execPath, [fixture, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 1200 && !out.includes('ready'); i++) {
    await Promise.race([new Promise((r) => setTimeout(r, 50)), exit]);
    if (child.exitCode !== null) throw new Error(`fixture exited: ${err}`);
  }
  expect(out).toContain('ready');
  child.kill('SIGKILL');
  await exit;
  children.delete(child);

  // Reopen with a short limit: the stuck message runs (and stops) here.
  const net = network(dataDir, { engine: { timeLimitMs: 1500 } });
  await net.get(net.resolve('hub')!);
  await net.idle();
  const slow = await net.get(net.resolve('slow')!);
  const quick = await net.get(net.resolve('quick')!);
  await net.idle();
  expect(actions(slow).filter((a) => a === 'Stuck')).toHaveLength(1);
  expect(actions(quick).filter((a) => a === 'Ping')).toHaveLength(1);
  expect(outputData(await evalIn(net, quick, 'return tostring(Pings) .. " " .. tostring(Pokes)'))).toBe('1 4');
  await net.close();
}, 180_000);
