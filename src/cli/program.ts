// The aos-ts command line: commander, one declaration per command and per
// shared option. Only commander loads up front; every action imports what it
// needs when it runs, so `aos-ts --help` stays fast.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { io } from './io.js';

function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive whole number.`);
    return n;
  };
}
// A process runs in 32-bit WebAssembly, whose memory stops at 2 GiB; the
// engine and a state copy need part of it, so the Lua heap gets less.
const MAX_MEMORY_MIB = 1536;
function memoryMiB(value: string): number {
  const n = positiveInt('--memory')(value);
  if (n > MAX_MEMORY_MIB) {
    throw new InvalidArgumentError(
      `--memory ${n} is more than a process can have: Lua runs in 32-bit WebAssembly, whose memory stops at 2 GiB (2048 MiB) for everything. Use at most ${MAX_MEMORY_MIB}.`,
    );
  }
  return n;
}

/** The limits of a process's messages, for the commands that run processes (the shell, --run, serve). */
const limitOptions = {
  budget: () => new Option('--budget <instructions>', 'Lua instructions one message may run').argParser(positiveInt('--budget')),
  memory: () => new Option('--memory <mib>', `memory limit of a process in MiB (at most ${MAX_MEMORY_MIB})`).argParser(memoryMiB),
  timeout: () => new Option('--timeout <seconds>', 'wall-clock seconds one message may run (default 3)').argParser(positiveInt('--timeout')),
};

/** aos's flags that aos-ts has no equivalent of: what each did in aos, and what to do here. */
export const AOS_ONLY_FLAGS: Record<string, string> = {
  '--monitor': "--monitor is aos's (the MU's cron monitor). A local process's cron ticks run while a shell or `aos-ts serve` has it open; in the shell .monitor/.unmonitor turn them on and off.",
  '--hyper': "--hyper is aos's (a hyper-aos process). aos-ts opens processes on a HyperBEAM node with --mainnet [url]; they run the aos OS, not hyper-aos.",
  '--dev': "--dev is aos's (the ao devnet, which is gone). For another network use --mainnet <url>, or --legacy with --mu-url/--cu-url/--gateway-url.",
  '--topup': "--topup is aos's (buy credit on a mainnet node); aos-ts moves no funds. Use aos --topup for that.",
  '--address': "--address is aos's (find processes another address owns); aos-ts finds the processes your wallet (--wallet) owns.",
  '--sqlite': "--sqlite is aos's (spawn with the SQLite module); aos-ts runs the aos module, locally and on AO. On AO, --module <id> spawns another module.",
};

const collectValues = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Options several commands share, declared once. */
const options = {
  json: (what: string) => new Option('--json', what),
  quiet: (what = 'no notices on stderr') => new Option('-q, --quiet', what),
  noColor: () => new Option('--no-color', 'no colours (NO_COLOR is honoured too)'),
  dataDir: () => new Option('--data-dir <dir>', 'where local processes live (default: $AOS_TS_HOME or the user data folder)'),
  tag: (what: string) => new Option('--tag <name=value>', what).argParser(collectValues),
  wallet: () => new Option('--wallet <file>', 'the Arweave key (JWK) that signs remote messages (default ~/.aos.json, created if missing)'),
};

/** Options that open a process on AO instead of a local one (src/remote; aoconnect loads only then). */
function addRemoteOptions(cmd: Command): Command {
  return cmd
    .option('--mainnet [url]', 'a process on AO mainnet (HyperBEAM); the node URL (default https://push.forward.computer, or the last one used)')
    .option('--url <url>', "aos's name for the mainnet node: the same as --mainnet <url>")
    .addOption(new Option('--legacy', 'a process on the legacy AO network (MU/CU/SU)').conflicts(['mainnet', 'url']))
    .option('--mu-url <url>', 'legacy: the messenger unit ($MU_URL)')
    .option('--cu-url <url>', 'legacy: the compute unit ($CU_URL)')
    .option('--gateway-url <url>', 'the gateway whose GraphQL finds processes by name ($GATEWAY_URL)')
    .option('--scheduler <id>', 'the scheduler for new processes ($SCHEDULER)')
    .option('--authority <id>', 'the authority for new processes ($AUTHORITY)')
    .option('--module <id>', 'the module for new processes ($AOS_MODULE)')
    .addOption(options.wallet())
    .option('-y, --yes', 'spawn the remote process without asking when none has the name');
}

/** The program; `done(code)` receives each action's exit code. */
export function buildProgram(done: (code: number) => void): Command {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command();
  // A subcommand's options, plus those typed before it (`aos-ts --data-dir X list`); its own win.
  const withRootOptions = (cmd: Command): Record<string, unknown> => {
    const merged: Record<string, unknown> = { ...cmd.opts() };
    for (const [key, value] of Object.entries(program.opts())) {
      if (program.getOptionValueSource(key) === 'cli' && cmd.getOptionValueSource(key) !== 'cli') merged[key] = value;
    }
    return merged;
  };

  program
    .name('aos-ts')
    .description('Write, run, test and ship AO processes. Local processes run on this machine; no network or wallet needed.')
    .version(pkg.version, '-V, --version')
    .argument('[process]', 'process name or 43-character id (local unless --mainnet/--legacy, or an id that is not local)', 'default')
    .option('-r, --run <lua>', 'evaluate Lua in the process, print the output, and exit (1 on error)')
    .option('-l, --load <file>', 'load a Lua file (and the modules it requires) first; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(options.json('with --run or piped input: print the whole result as JSON'))
    .addOption(options.quiet('no banner or notices'))
    .addOption(options.noColor())
    .addOption(options.dataDir())
    .addOption(limitOptions.budget())
    .addOption(limitOptions.memory())
    .addOption(limitOptions.timeout())
    .option('--dry-run', 'with --run: evaluate against the current state and keep nothing (as aos --dry-run)')
    .addOption(new Option('--dryrun', "aos's other spelling of --dry-run").hideHelp())
    .addOption(new Option('--tag-name <name>', 'a tag for a process created now (pair each with --tag-value; repeatable)').argParser(collectValues))
    .addOption(new Option('--tag-value <value>', 'the value of the --tag-name before it').argParser(collectValues))
    .option('--cron <interval>', 'a cron interval for a process created now, e.g. 10-seconds, 1-minute')
    .option('--data <file>', 'a file whose contents become the Data of a process created now')
    .option('--list', 'list your processes and exit: local ones, or with --mainnet/--legacy those your wallet owns on AO (as aos --list)')
    .option('--watch <process>', 'print the messages that arrive at a process as they come, with no prompt, until Ctrl-C (local, or remote with --mainnet/--legacy or an id)')
    .option('--get-blueprints [dir]', 'copy the blueprints into a folder (default ./blueprints), as aos does; the same as `aos-ts blueprints get`');
  addRemoteOptions(program)
    .showHelpAfterError('(run aos-ts --help for usage)')
    // Commander's own usage errors read like ours: `aos-ts: <what happened>`.
    .configureOutput({
      writeOut: (text) => io().stdout.write(text),
      writeErr: (text) => io().stderr.write(text),
      outputError: (text, write) => {
        const aosOnly = /^error: unknown option '(--[\w-]+)'/.exec(text)?.[1];
        write(aosOnly !== undefined && AOS_ONLY_FLAGS[aosOnly] ? `aos-ts: ${AOS_ONLY_FLAGS[aosOnly]}\n` : text.replace(/^error: /, 'aos-ts: '));
      },
    })
    // Options before a subcommand belong to aos-ts, after it to the subcommand
    // (so `aos-ts list --json` is list's --json).
    .enablePositionalOptions()
    .exitOverride()
    .action(async (processName: string, _opts, cmd: Command) => {
      const opts = cmd.opts();
      if (opts.dryrun === true) opts.dryRun = true;
      if (processName === 'help') {
        // `aos-ts help` is help, never a process named "help"
        program.outputHelp();
        done(0);
        return;
      }
      if (opts.getBlueprints !== undefined) {
        const { runBlueprintsGet } = await import('./blueprints.js');
        done(runBlueprintsGet(typeof opts.getBlueprints === 'string' ? opts.getBlueprints : 'blueprints', {}));
        return;
      }
      if (opts.list) {
        const { isRemoteRequested } = await import('../remote/settings.js');
        if (isRemoteRequested(opts)) {
          const { runRemoteList } = await import('./list-remote.js');
          done(await runRemoteList(opts));
        } else {
          const { runList } = await import('./list.js');
          done(await runList(opts));
        }
        return;
      }
      if (typeof opts.watch === 'string') {
        const { runWatch } = await import('./watch.js');
        done(await runWatch(opts.watch, opts));
        return;
      }
      if (opts.dryRun && opts.run === undefined) {
        io().stderr.write('aos-ts: --dry-run goes with --run: aos-ts <process> --run <lua> --dry-run evaluates without keeping anything.\n');
        done(1);
        return;
      }
      if (!(await typoAllowed(processName, opts, commandNamesOf(program)))) {
        done(1);
        return;
      }
      const { runMain } = await import('./run.js');
      done(await runMain(processName, opts));
    });

  // Subcommands. A process named like one of them is still reachable by its id.
  // Their options merge with aos-ts's own, so `aos-ts --data-dir X list` works too.
  program
    .command('spawn')
    .description('create a local process and print its id')
    .argument('<name>', 'name of the new process')
    .addOption(options.tag('a tag for the process (repeatable)'))
    .option('--cron <interval>', 'give it a cron interval, e.g. 10-seconds, 1-minute, 5-minutes, 1-hour')
    .option('--data <file>', 'a file whose contents become the process Data')
    .addOption(options.json('print the id, name, tags and boot result as JSON'))
    .addOption(options.quiet())
    .addOption(options.noColor())
    .addOption(options.dataDir())
    .action(async (name: string, _opts, cmd: Command) => {
      const { runSpawn } = await import('./spawn.js');
      done(await runSpawn(name, withRootOptions(cmd), commandNamesOf(program)));
    });

  addRemoteOptions(
    program
      .command('send')
      .description('send a message from you to a process (local, or remote with --mainnet/--legacy), print Output.data')
      .argument('<process>', 'process name or id')
      .option('--action <action>', 'the Action tag')
      .addOption(options.tag('another tag (repeatable)'))
      .option('--data <data>', 'the message Data')
      .addOption(options.json('print {result, cascade, pending} as JSON'))
      .addOption(options.quiet('do not list the cascade on stderr'))
      .addOption(options.noColor())
      .addOption(options.dataDir()),
  ).action(async (target: string, _opts, cmd: Command) => {
    const { runSend } = await import('./send.js');
    done(await runSend(target, withRootOptions(cmd)));
  });

  program
    .command('list')
    .description('list local processes (name, id, messages, last activity, cron)')
    .addOption(options.json('print the list as JSON'))
    .addOption(options.dataDir())
    .action(async (_opts, cmd: Command) => {
      const { runList } = await import('./list.js');
      done(await runList(withRootOptions(cmd)));
    });

  program
    .command('inbox')
    .description("show a local process's Inbox (the newest messages no handler took)")
    .argument('<process>', 'local process name or id')
    .option('-n <count>', 'how many of the newest messages to show (default 20)')
    .addOption(options.json('print the entries as JSON'))
    .addOption(options.dataDir())
    .action(async (target: string, _opts, cmd: Command) => {
      const { runInbox } = await import('./inbox.js');
      done(await runInbox(target, withRootOptions(cmd)));
    });

  const blueprints = program.command('blueprints').description('the blueprints aos-ts ships (token, chatroom, staking, voting, chat, arena, ...)');
  blueprints
    .command('list', { isDefault: true })
    .description('list them, with a line each')
    .action(async () => {
      const { runBlueprintsList } = await import('./blueprints.js');
      done(runBlueprintsList());
    });
  blueprints
    .command('get')
    .description('copy them into a folder (default: ./blueprints) to read or change')
    .argument('[dir]', 'destination folder', 'blueprints')
    .option('--force', 'overwrite files that are already there')
    .action(async (dir: string, opts: { force?: boolean }) => {
      const { runBlueprintsGet } = await import('./blueprints.js');
      done(runBlueprintsGet(dir, opts));
    });

  program
    .command('wallet')
    .description('show the address of the wallet remote processes use, and where its key is (never the key)')
    .addOption(new Option('--wallet <file>', 'the Arweave key (JWK) file (default ~/.aos.json, created if missing)'))
    .addOption(options.json('print {address, path} as JSON'))
    .action(async (_opts, cmd: Command) => {
      const { runWallet } = await import('./wallet.js');
      done(await runWallet(withRootOptions(cmd)));
    });

  // aos-ts serve: the local processes over HTTP (src/node).
  program
    .command('serve')
    .description('serve the local processes over HTTP for aoconnect (legacy and mainnet modes) and web front ends')
    .option('--port <port>', 'port to listen on (default 8734; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, this machine only)')
    .option('--max-body <bytes>', 'largest request body accepted (default 10 MiB)')
    .addOption(new Option('--cors <origin>', 'also answer web pages from this origin (repeatable; loopback origins always are; * for any)').argParser(collectValues))
    .option('--strict', 'unsigned dry-runs may not act as a process owner (no Eval through /dry-run)')
    .option('--deadline <ms>', 'answer 504 to a request still running after this long (default 30000)')
    .option('--log', 'print an access log line per request to stderr (off by default)')
    .addOption(limitOptions.budget())
    .addOption(limitOptions.memory())
    .addOption(limitOptions.timeout())
    .addOption(options.json('print the URL, module and scheduler as JSON'))
    .addOption(options.quiet('print nothing but errors (with --json, only the JSON)'))
    .addOption(options.noColor())
    .addOption(options.dataDir())
    .action(async (_opts, cmd: Command) => {
      const { runServe } = await import('./serve.js');
      done(await runServe(withRootOptions(cmd)));
    });

  // aos-ts publish: a local process goes live on Arweave and AO (src/publish).
  addRemoteOptions(
    program
      .command('publish')
      .description('publish a local process on AO: upload its source to Arweave, spawn it from there, compare answers')
      .argument('<process>', 'local process name or id')
      .option('--with-state', 'also replay the messages you sent it locally (its state is not carried over otherwise)')
      .addOption(new Option('--probe <lua>', 'a Lua expression whose value must be the same locally and on AO (repeatable)').argParser(collectValues))
      .addOption(options.json('print the result as JSON'))
      .addOption(options.quiet())
      .addOption(options.noColor())
      .addOption(options.dataDir()),
  ).action(async (target: string, _opts, cmd: Command) => {
    const { runPublish } = await import('./publish.js');
    done(await runPublish(target, withRootOptions(cmd)));
  });
  program
    .addOption(new Option('--local', 'open the local process even when it is published (the default)').conflicts('remote'))
    .addOption(new Option('--remote', 'open the published copy of a local process on AO (see aos-ts publish)'));
  // `aos-ts help [command]`: help for aos-ts, or for one of its commands.
  program
    .command('help')
    .description('show help for aos-ts, or for one command')
    .argument('[command]', 'the command')
    .action((name: string | undefined) => {
      if (name === undefined) {
        program.outputHelp();
        done(0);
        return;
      }
      const sub = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!sub) {
        io().stderr.write(`aos-ts: there is no command "${name}". Commands: ${program.commands.map((c) => c.name()).join(', ')}.\n`);
        done(1);
        return;
      }
      sub.outputHelp();
      done(0);
    });
  // Subcommands inherit the root's output and exit handling.
  for (const cmd of [...program.commands, ...blueprints.commands]) {
    cmd.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(run aos-ts --help for usage)');
  }
  return program;
}

/** Edit distance (insert, delete, change, or swap two neighbours), stopping early once it passes `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** The command a process name looks like a misspelling of (edit distance 1 or 2), if any. */
export function lookalikeCommand(name: string, commands: readonly string[]): string | undefined {
  if (commands.includes(name) || name.length < 3) return undefined;
  let best: { cmd: string; d: number } | undefined;
  for (const cmd of commands) {
    // two edits for names of five letters or more; one for short ones (`test` is not `list`)
    const allowed = Math.min(name.length, cmd.length) >= 5 ? 2 : 1;
    const d = editDistance(name.toLowerCase(), cmd);
    if (d <= allowed && (!best || d < best.d)) best = { cmd, d };
  }
  return best?.cmd;
}

/**
 * `aos-ts spwan`: a name within edit distance 2 of a command, which is not a
 * process yet, is asked about on a terminal and refused in scripts (--yes creates it).
 */
async function typoAllowed(name: string, opts: Record<string, unknown>, commands: string[]): Promise<boolean> {
  const like = lookalikeCommand(name, commands);
  if (like === undefined || opts.yes === true || opts.url !== undefined || opts.mainnet !== undefined || opts.legacy === true || opts.remote === true) return true;
  const [{ resolveDataDir }, { ProcessRegistry }, { canAsk, confirm, error }] = await Promise.all([
    import('../local/paths.js'),
    import('../local/registry.js'),
    import('./output.js'),
  ]);
  try {
    if (new ProcessRegistry(resolveDataDir(opts.dataDir as string | undefined)).resolve(name) !== undefined) return true;
  } catch {
    return true; // an ambiguous or damaged process of that name exists: the main action explains it
  }
  if (canAsk()) {
    if (await confirm(`Did you mean \`aos-ts ${like}\`? [y/N] creates process '${name}' only if you say y: `)) return true;
    error(`nothing was created. For the command, run \`aos-ts ${like} ...\`.`);
    return false;
  }
  error(`"${name}" is not a command; did you mean \`aos-ts ${like}\`? To create a process named "${name}", add --yes.`);
  return false;
}

function commandNamesOf(program: Command): string[] {
  return [...new Set([...program.commands.flatMap((c) => [c.name(), ...c.aliases()]), 'help'])];
}

/** Names a process may not take: `aos-ts <name>` would run the command instead. */
export function commandNames(): string[] {
  return commandNamesOf(buildProgram(() => undefined));
}

/** Run the CLI on `args` (without node and the script); resolves to the exit code. */
export async function runCli(args: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    // Commands report their own errors; anything that still escapes is one line, never a stack trace.
    io().stderr.write(`aos-ts: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return code;
}
