#!/usr/bin/env node
// aos-ts command line (bin/aos-ts.js imports this; `node dist/cli.js` works too).
import { relaunchWithoutBackgroundJit } from './relaunch.js';

// Node can hang at exit (nodejs/node#54918): run under V8 options that avoid it.
await relaunchWithoutBackgroundJit();
const { runCli } = await import('./cli/program.js');
process.exitCode = await runCli(process.argv.slice(2));
