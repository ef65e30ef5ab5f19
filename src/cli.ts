#!/usr/bin/env node
// aos-ts command line (bin/aos-ts.js runs this, as the one-file bundle
// dist/cli/aos-ts.cjs when the build made it; `node dist/cli.js` works too).
import { isOneShot, relaunchWithoutBackgroundJit } from './relaunch.js';
import { prestartEngineThread } from './engine/engine-thread-start.js';
import { traceStep } from './engine/startup-trace.js';

async function main(): Promise<void> {
  traceStep('cli start');
  const args = process.argv.slice(2);
  const oneShot = isOneShot(args);

  // Node can hang at exit (nodejs/node#54918): run under V8 options that avoid it.
  await relaunchWithoutBackgroundJit();
  if (oneShot) {
    // The engine's thread starts first, and what a local `--run` needs loads at
    // the same time as the command line's parser: nothing waits in series.
    prestartEngineThread();
    for (const m of [import('./cli/run.js'), import('./local/network.js'), import('./local/local-connection.js'), import('./publish/published.js')]) {
      m.catch(() => {}); // a failure shows where the module is really imported
    }
  }
  const { runCli } = await import('./cli/program.js');
  traceStep('program loaded');
  const code = await runCli(args);
  traceStep('command done');
  if (oneShot) {
    // A one-shot run is over once its output is out: end now, without waiting
    // for engine threads to be torn down or for Node's own exit tasks.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
    process.exit(code);
  }
  process.exitCode = code;
}

void main();
