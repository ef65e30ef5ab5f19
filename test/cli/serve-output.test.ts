// `aos-ts serve -q` prints nothing but errors; `--log` adds an access log on stderr (off by default).
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { waitFor } from '../helpers/wait.js';

afterAll(() => removeTempDirs());

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Start serve with `args`, make two requests, stop it; what it printed. */
async function serveAndAsk(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const port = await freePort();
  const child: ChildProcess = startCli(['serve', '--port', String(port), '--data-dir', tempDataDir(), ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(url).catch(() => undefined))?.ok, `serve to answer on ${url}`, 30_000, 100);
  const missing = await fetch(`${url}/nothing-here-${port}`);
  expect(missing.status).toBe(404);
  await missing.text();
  // the access log line is written when the response has gone out
  if (args.includes('--log')) await waitFor(() => stderr.includes('nothing-here'), 'the access log line of the 404', 10_000, 50).catch(() => undefined);
  child.kill('SIGTERM');
  return { stdout, stderr, code: await exited };
}

describe('serve output', () => {
  it('-q prints nothing at all when nothing goes wrong', async () => {
    const r = await serveAndAsk(['-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it('logs no requests by default; --log writes one line per request to stderr', async () => {
    const plain = await serveAndAsk([]);
    expect(plain.stdout).toMatch(/aos-ts serve: http:\/\/127\.0\.0\.1:\d+/);
    expect(plain.stderr).not.toMatch(/GET/);
    const logged = await serveAndAsk(['-q', '--log']);
    expect(logged.stdout).toBe('');
    expect(logged.stderr).toMatch(/^\S+ GET \/ 200 \d+ms$/m);
    expect(logged.stderr, logged.stderr).toMatch(/GET \/nothing-here-\d+ 404/);
  });
});
