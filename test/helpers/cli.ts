// Running the CLI in tests. `aos` calls the command functions in this
// process with captured stdout/stderr (no Node start-up per call); `aosChild`
// runs the built program (dist/cli.js) as a user's shell would, for the few
// smoke tests that must see a real process (exit codes, stdin, signals).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { withIo } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/program.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/aos-ts.js', import.meta.url));
export const ID = /^[A-Za-z0-9_-]{43}$/;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliCall {
  /** Sets AOS_TS_HOME (where local processes live). */
  dataDir?: string;
  /** What stdin carries (it is never a terminal here). */
  input?: string;
  /** Extra environment; FORCE_COLOR, NO_COLOR and AOS_TS_HOME are unset unless given here. */
  env?: Record<string, string>;
}

const CLEARED = ['FORCE_COLOR', 'NO_COLOR', 'AOS_TS_HOME'];

/** The environment a call sees: the test's, without colour forcing or AOS_TS_HOME unless asked. */
export function cliEnv(call: CliCall = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CLEARED) delete env[key];
  if (call.dataDir !== undefined) env.AOS_TS_HOME = call.dataDir;
  return { ...env, ...call.env };
}

let running = false;

/** `aos-ts <args>` in this process; resolves when the command finished. Calls must not overlap. */
export async function aos(args: string[], call: CliCall = {}): Promise<CliRun> {
  if (running) throw new Error('aos(): one in-process CLI call at a time (await the previous one)');
  running = true;
  const saved = { ...process.env };
  const env = cliEnv(call);
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  try {
    const code = await withIo(
      {
        stdin: Readable.from([call.input ?? '']),
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: process.env,
      },
      () => runCli(args),
    );
    return { code, stdout, stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    running = false;
  }
}

/** `aos-ts <args>` as a separate Node program (the built dist/cli.js, or bin/aos-ts.js with `bin`). */
export function aosChild(args: string[], call: CliCall & { bin?: boolean } = {}): CliRun {
  const r = spawnSync(process.execPath, [call.bin ? BIN : CLI, ...args], {
    input: call.input ?? '',
    encoding: 'utf8',
    env: cliEnv(call),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the built CLI and leave it running (stdin open), e.g. to hold a process open. */
export function startCli(args: string[], call: CliCall = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: cliEnv(call), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Spawn a process through the CLI and return its id. */
export async function spawnProcess(dataDir: string, name: string, ...args: string[]): Promise<string> {
  const r = await aos(['spawn', name, '--data-dir', dataDir, ...args]);
  if (r.code !== 0) throw new Error(`spawn ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Evaluate Lua in a process through the main --run. */
export async function runLua(dataDir: string, name: string, lua: string): Promise<string> {
  const r = await aos([name, '--data-dir', dataDir, '-q', '--run', lua]);
  if (r.code !== 0) throw new Error(`--run in ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}
