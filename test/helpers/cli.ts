// Run the built CLI as a user's shell would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function aosTs(args: string[], opts: { dataDir: string; input?: string; env?: NodeJS.ProcessEnv }): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, AOS_TS_HOME: opts.dataDir, NO_COLOR: '', FORCE_COLOR: '', ...opts.env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
