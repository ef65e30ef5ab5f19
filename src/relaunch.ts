// Node can deadlock at exit (nodejs/node#54918, still open): a V8 compile job
// running on a background thread waits for a garbage collection that only the
// main thread can run, while the main thread, already exiting, waits for that
// job. The program has printed everything and never ends. V8 options turning
// the background JIT off avoid it, but they are read only when Node starts
// (v8.setFlagsFromString is too late: measured with --trace-opt, compiles
// stay concurrent), and NODE_OPTIONS refuses them. The installed executable
// (bin/aos-ts.js) passes them in its #! line; started any other way (`node
// dist/cli.js`), the CLI starts itself once more with them: this first
// program only waits for the second and passes its exit code (or signal) on.

/**
 * No JavaScript compile job on a background thread: TurboFan compiles (and
 * on-stack replacement) on the thread that wants the code, Maglev is off
 * (Node 22+ has it on; it only compiles in the background) and so are
 * background Sparkplug compiles. No compile job can then be left waiting at
 * exit. TurboFan itself stays: the engine calls into JavaScript on every Lua
 * allocation, and turning TurboFan off (--no-turbofan, the options used
 * before) made bench/engine.mjs's Transfer throughput about a third lower
 * (measured side by side: ~1,000 against ~1,600 msgs/s) for the shell and
 * `serve`, which run under these options too; a one-shot run costs the same
 * CPU either way (~370 ms under load here).
 */
export const NO_BACKGROUND_JIT = ['--no-concurrent-recompilation', '--no-concurrent-osr', '--no-maglev', '--no-concurrent-sparkplug'];
const MARK = 'AOS_TS_RELAUNCHED';

/**
 * Run this CLI again under NO_BACKGROUND_JIT unless it already runs so (or
 * AOS_TS_NO_RELAUNCH=1). When it relaunches, the returned promise never
 * settles: the program exits with the child's code. Resolves when this
 * program should do the work itself.
 */
export async function relaunchWithoutBackgroundJit(): Promise<void> {
  if (process.env[MARK] === '1') return watchLauncher();
  if (process.env.AOS_TS_NO_RELAUNCH === '1') return;
  // Only one-shot runs for now: they are what scripts and CI wait on. (The
  // shell and other commands keep their own pid and signal handling.)
  if (!isOneShot(process.argv.slice(2))) return;
  if (NO_BACKGROUND_JIT.every((f) => process.execArgv.includes(f))) return;
  const script = process.argv[1];
  if (!script) return;
  const started = Date.now();
  // Loaded only now: the installed executable never relaunches, and child_process costs a few ms to load.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...NO_BACKGROUND_JIT, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: '1' },
  });
  // A terminal sends Ctrl-C (and a hang-up) to both programs: pass a signal on
  // only when it cannot have reached the child already.
  const fromTerminal = process.stdin.isTTY === true;
  const forward = (signal: NodeJS.Signals) => () => {
    if (!fromTerminal || signal === 'SIGTERM') child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'failed'>((resolve) => {
    child.once('error', () => resolve('failed'));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  for (const [s, h] of handlers) process.off(s, h);
  // This Node refuses one of the options (exit code 9, at once): do the work here.
  if (outcome === 'failed' || (outcome.code === 9 && Date.now() - started < 5000)) return;
  if (outcome.signal) {
    process.kill(process.pid, outcome.signal);
    return new Promise(() => {});
  }
  process.exit(outcome.code ?? 1);
}

/** A one-shot run (`--run`): the program ends once its output is out. */
export function isOneShot(args: readonly string[]): boolean {
  return args.some((a) => a === '--run' || a === '-r' || a.startsWith('--run='));
}

/**
 * In the relaunched program: if the launcher is killed outright (SIGKILL),
 * end too, as the single program would have. (An orphan gets a new parent.)
 */
function watchLauncher(): void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== launcher) process.kill(process.pid, 'SIGKILL');
  }, 500);
  timer.unref();
}
