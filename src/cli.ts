#!/usr/bin/env node
// aos-ts command line (bin/aos-ts.js imports this; `node dist/cli.js` works too).
import { isOneShot, relaunchWithoutBackgroundJit } from './relaunch.js';

// Node can hang at exit (nodejs/node#54918): run under V8 options that avoid it.
await relaunchWithoutBackgroundJit();
if (isOneShot(process.argv.slice(2))) {
  // The engine's thread starts while the rest of the CLI loads.
  const { prestartEngineThread } = await import('./engine/process-engine.js');
  prestartEngineThread();
}
const { runCli } = await import('./cli/program.js');
const code = await runCli(process.argv.slice(2));
if (isOneShot(process.argv.slice(2))) {
  // A one-shot run is over once its output is out: end now, without waiting
  // for engine threads to be torn down or for Node's own exit tasks.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}
process.exitCode = code;
