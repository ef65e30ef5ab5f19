#!/usr/bin/env node
// aos-ts command line. Only commander loads up front; every action imports
// what it needs when it runs, so `aos-ts --help` stays fast.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { MainOptions } from './cli/options.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive whole number.`);
    return n;
  };
}

const program = new Command();
program
  .name('aos-ts')
  .description('Write, run, test and ship AO processes. Local processes run on this machine; no network or wallet needed.')
  .version(pkg.version, '-V, --version')
  .argument('[process]', 'local process name or 43-character id', 'default')
  .option('-r, --run <lua>', 'evaluate Lua in the process, print the output, and exit (1 on error)')
  .option('--json', 'with --run or piped input: print the whole result as JSON')
  .option('-q, --quiet', 'no banner or notices')
  .option('--no-color', 'no colours (NO_COLOR is honoured too)')
  .option('--data-dir <dir>', 'where local processes live (default: $AOS_TS_HOME or the user data folder)')
  .addOption(new Option('--budget <instructions>', 'Lua instructions one message may run').argParser(positiveInt('--budget')))
  .addOption(new Option('--memory <mib>', 'memory limit of a process in MiB').argParser(positiveInt('--memory')))
  .showHelpAfterError('(run aos-ts --help for usage)')
  .action(async (processName: string, opts: MainOptions) => {
    const { runMain } = await import('./cli/run.js');
    process.exitCode = await runMain(processName, opts);
  });

await program.parseAsync(process.argv);
