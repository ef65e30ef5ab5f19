// The built `aos-ts serve` (dist/cli.js) under stress: a runaway dry-run does
// not keep GET / from answering nor SIGTERM from stopping the program, and
// --log writes an access log.
import { spawn as spawnChild } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { LocalNetwork } from '../../src/local/network.js';

afterAll(() => removeTempDirs());

describe('aos-ts serve, the built CLI, under a runaway process', () => {
  it('answers GET / during a runaway dry-run, logs requests, and stops on SIGTERM', async () => {
    const dir = tempDataDir();
    const net = new LocalNetwork(dir);
    const { process: proc } = await net.spawn('spinner');
    const owner = proc.meta.owner;
    await net.close();
    const child = spawnChild(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--json', '--log', '--deadline', '20000', '--data-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 300 && !out.includes('}'); i++) await new Promise((r) => setTimeout(r, 50));
    const { url } = JSON.parse(out) as { url: string };
    // Runs until the deadline (20 s) unless stopped: the test ends long before.
    const runaway = fetch(`${url}/dry-run?process-id=${proc.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Tags: [{ name: 'Action', value: 'Eval' }], Data: 'while true do end', Owner: owner }),
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const root = await fetch(url);
    expect(root.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await runaway;
    expect(err).toMatch(/GET \/ 200/);
  });
});
