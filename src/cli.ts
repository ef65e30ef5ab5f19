#!/usr/bin/env node
// aos-ts command line (bin/aos-ts.js imports this; `node dist/cli.js` works too).
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2));
