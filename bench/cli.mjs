// CLI figures: `aos-ts --run "1 + 1"` from a cold start (a new program each
// time, the process already exists, as a user's second run finds it), run as
// an installed aos-ts runs (bin/aos-ts.js by its #! line, which gives Node
// the V8 options the exit-hang mitigation needs), and as `node dist/cli.js`
// (which has to start Node a second time with those options: src/relaunch.ts);
// bare `node -e 0` beside them. AOS_TS_TRACE=1 on a run shows where its time goes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const BIN = fileURLToPath(new URL('../bin/aos-ts.js', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function timed(file, args, env) {
  const t0 = performance.now();
  const out = execFileSync(file, args, { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ms: performance.now() - t0, out };
}

function runOnce(how, env) {
  const { ms, out } = how === 'bin' ? timed(BIN, ['--run', '1 + 1'], env) : timed(process.execPath, [CLI, '--run', '1 + 1'], env);
  if (out.trim() !== '2') throw new Error(`--run "1 + 1" printed ${JSON.stringify(out)}`);
  return ms;
}

export async function* cliBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-cli-'));
  try {
    const env = { ...process.env, AOS_TS_HOME: dataDir, NO_COLOR: '1' };
    delete env.AOS_TS_NO_RELAUNCH;
    runOnce('bin', env); // creates "default"
    // Interleaved, so that a change in the machine's load hits all three alike.
    const bin = [];
    const dist = [];
    const bare = [];
    for (let i = 0; i < 9; i++) {
      bin.push(runOnce('bin', env));
      dist.push(runOnce('dist', env));
      bare.push(timed(process.execPath, ['-e', '0'], env).ms);
    }
    yield { name: 'cli.run_1_plus_1_cold_median', value: Math.round(median(bin)), unit: 'ms' };
    yield { name: 'cli.run_1_plus_1_cold_node_dist_cli_median', value: Math.round(median(dist)), unit: 'ms' };
    yield { name: 'cli.bare_node_start_median', value: Math.round(median(bare)), unit: 'ms' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
