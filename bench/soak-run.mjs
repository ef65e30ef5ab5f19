// Soak for the exit hang (nodejs/node#54918): many one-shot `aos-ts --run`
// calls, several at a time, beside a CPU-burning child, each with a time
// limit. A run that printed its result but did not exit in time is a hang.
//
//   node bench/soak-run.mjs [--n 1000] [--parallel 4] [--timeout 30000]
//                           [--burners 1] [--node-arg <flag>]...
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile, round } from './stats.mjs';

const args = process.argv.slice(2);
const opt = { n: 1000, parallel: 4, timeout: 30_000, burners: 1, nodeArgs: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const next = () => {
    if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
    return args[++i];
  };
  if (a === '--n') opt.n = Number(next());
  else if (a === '--parallel') opt.parallel = Number(next());
  else if (a === '--timeout') opt.timeout = Number(next());
  else if (a === '--burners') opt.burners = Number(next());
  else if (a === '--node-arg') opt.nodeArgs.push(next());
  else throw new Error(`unknown option ${a}`);
}

const cli = process.env.AOS_SOAK_CLI ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'aos-soak-'));
const burners = [];
for (let i = 0; i < opt.burners; i++) {
  burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

function runOnce(slot) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...opt.nodeArgs, cli, '--run', '1 + 1'], {
      env: { ...process.env, AOS_TS_HOME: join(root, `slot${slot}`), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let printedAt;
    child.stdout.on('data', (d) => {
      out += d;
      if (printedAt === undefined && out.includes('2')) printedAt = performance.now();
    });
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opt.timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      resolve({ ms, code, signal, out, err, printed: printedAt !== undefined, tailMs: printedAt === undefined ? undefined : performance.now() - printedAt });
    });
  });
}

const results = [];
let next = 0;
const t0 = performance.now();
async function lane(slot) {
  while (next < opt.n) {
    next++;
    const r = await runOnce(slot);
    results.push(r);
    if (r.signal === 'SIGKILL') {
      console.log(`run ${results.length}: ${r.printed ? 'HANG after printing' : 'timed out before printing'} (${Math.round(r.ms)} ms)`);
    } else if (r.code !== 0) {
      console.log(`run ${results.length}: exit ${r.code}: ${(r.err || r.out).trim().split('\n')[0]}`);
    }
    if (results.length % 50 === 0) console.log(`${results.length}/${opt.n} done`);
  }
}
try {
  await Promise.all(Array.from({ length: opt.parallel }, (_, i) => lane(i)));
} finally {
  for (const b of burners) b.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}

const hangs = results.filter((r) => r.signal === 'SIGKILL' && r.printed).length;
const timeouts = results.filter((r) => r.signal === 'SIGKILL').length;
const failures = results.filter((r) => r.signal !== 'SIGKILL' && r.code !== 0).length;
const ok = results.filter((r) => r.code === 0).map((r) => r.ms);
const tails = results.filter((r) => r.code === 0 && r.tailMs !== undefined).map((r) => r.tailMs);
console.log(`node ${process.version} ${opt.nodeArgs.join(' ')}`.trim());
console.log(`runs = ${results.length}, parallel = ${opt.parallel}, burners = ${opt.burners}, timeout = ${opt.timeout} ms`);
console.log(`hangs = ${hangs}`);
console.log(`other timeouts = ${timeouts - hangs}, failures = ${failures}`);
if (ok.length) {
  console.log(`run ms: median ${round(median(ok), 0)}, p99 ${round(percentile(ok, 99), 0)}, max ${round(Math.max(...ok), 0)}`);
  console.log(`print-to-exit ms: median ${round(median(tails), 0)}, p99 ${round(percentile(tails, 99), 0)}`);
}
console.log(`wall s: ${round((performance.now() - t0) / 1000, 1)}`);
process.exitCode = hangs > 0 ? 1 : 0;
