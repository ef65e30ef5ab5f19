// Helpers for the CLI tests: they run the built program (dist/cli.js) as a
// user would, each against its own temporary data folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(repo, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Build dist/ when it is missing or older than src/. Test files run in
 * parallel, so a mkdir mutex keeps two of them from running tsc at once.
 */
export function ensureBuilt(): void {
  const fresh = () => fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= newestMtime(path.join(repo, 'src'));
  if (fresh()) return;
  const mutex = path.join(os.tmpdir(), `aos-ts-build-${Buffer.from(repo).toString('hex').slice(-24)}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(mutex);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited too long for another test's build (${mutex})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!fresh()) {
      execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'pipe' });
      // tsc keeps the mtime of unchanged outputs; mark the build as done.
      const now = new Date();
      fs.utimesSync(cli, now, now);
    }
  } finally {
    fs.rmdirSync(mutex);
  }
}

const dirs: string[] = [];

export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aos-ts-cli-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no colour forcing, no AOS_TS_HOME unless given. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'AOS_TS_HOME']) if (!(key in extra)) delete env[key];
  return env;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: cliEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Start the CLI and leave it running (stdin open), e.g. to hold a process open. */
export function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Spawn a process through the CLI and return its id. */
export async function spawnProcess(dataDir: string, name: string, ...args: string[]): Promise<string> {
  const r = await runCli(['spawn', name, '--data-dir', dataDir, ...args]);
  if (r.code !== 0) throw new Error(`spawn ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Evaluate Lua in a process through the main --run. */
export async function runLua(dataDir: string, name: string, lua: string): Promise<string> {
  const r = await runCli([name, '--data-dir', dataDir, '-q', '--run', lua]);
  if (r.code !== 0) throw new Error(`--run in ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export const ID = /^[A-Za-z0-9_-]{43}$/;
