// CLI figures: `aos-ts --run "1 + 1"` from a cold start (a new program each
// time, the process already exists, as a user's second run finds it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function runOnce(env) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [CLI, '--run', '1 + 1'], { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (out.trim() !== '2') throw new Error(`--run "1 + 1" printed ${JSON.stringify(out)}`);
  return ms;
}

export async function* cliBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aos-bench-cli-'));
  try {
    const env = { ...process.env, AOS_TS_HOME: dataDir, NO_COLOR: '1' };
    runOnce(env); // creates "default"
    const times = [];
    for (let i = 0; i < 7; i++) times.push(runOnce(env));
    yield { name: 'cli.run_1_plus_1_cold_median', value: Math.round(median(times)), unit: 'ms' };
    const bare = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      bare.push(performance.now() - t0);
    }
    yield { name: 'cli.bare_node_start_median', value: Math.round(median(bare)), unit: 'ms' };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
