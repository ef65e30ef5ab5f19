// The main command, send and wallet for processes on AO (mainnet or legacy).
// Only loaded when a remote process is asked for; aoconnect loads later still.
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Tag } from '../engine/types.js';
import { isId } from '../local/ids.js';
import { resolveDataDir } from '../local/paths.js';
import type { RemoteFlags } from '../remote/settings.js';
import { forStream, noticeWriter, printJson, runCommand } from './common.js';
import type { MainOptions } from './options.js';
import { outputText } from './output.js';
import { trace } from './trace.js';

export type RemoteMainOptions = MainOptions & RemoteFlags;

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

async function open(target: string, opts: RemoteMainOptions & { quiet?: boolean; color?: boolean; dataDir?: string }, interactive: boolean) {
  const [{ resolveSettings, describeNetwork }, { loadWallet }, { openRemote }] = await Promise.all([
    import('../remote/settings.js'),
    import('../remote/wallet.js'),
    import('../remote/open.js'),
  ]);
  const notice = noticeWriter(opts);
  const settings = await resolveSettings(opts);
  const wallet = await loadWallet(opts.wallet, (t) => process.stderr.write(`${t}\n`));
  trace('wallet ready');
  const conn = await openRemote({ settings, wallet, target, dataDir: resolveDataDir(opts.dataDir), yes: opts.yes, ask: interactive ? ask : undefined, notice });
  trace('remote process found');
  if (conn.created) notice(`spawned "${target}" on the ${describeNetwork(settings)}: ${conn.info().id}`);
  return conn;
}

/** `aos-ts <name|id> --mainnet/--legacy ...`: --run, piped Lua, or the shell. */
export function runRemoteMain(target: string, opts: RemoteMainOptions): Promise<number> {
  return runCommand(async () => {
    const run = await import('./run.js');
    const tty = opts.run === undefined && process.stdin.isTTY === true;
    const conn = await open(target, opts, process.stdin.isTTY === true && process.stderr.isTTY === true);
    try {
      if (!tty) {
        for (const file of opts.load ?? []) if ((await run.loadFile(conn, file, opts)) !== 0) return 1;
        const code = opts.run ?? (await run.readAll(process.stdin));
        if (opts.run === undefined && code.trim() === '') return 0;
        return await run.evalAndPrint(conn, code, opts);
      }
      // As for local processes: Ink draws only a final frame when it thinks it runs in CI.
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
      const [{ startRepl }, { replServices }, { RemoteStore }, { useColor }] = await Promise.all([
        run.loadShell(),
        import('./repl-services.js'),
        import('../remote/store.js'),
        import('./output.js'),
      ]);
      return await startRepl(conn, {
        color: useColor(opts.color, process.stdout),
        quiet: opts.quiet,
        version: run.packageVersion(),
        historyFile: new RemoteStore(resolveDataDir(opts.dataDir)).historyFile(conn.info().id),
        services: replServices(async (nameOrId) => (isId(nameOrId) ? nameOrId : undefined)),
        load: opts.load,
      });
    } finally {
      await conn.close();
    }
  });
}

/** `aos-ts send <name|id> --mainnet/--legacy ...`: one message, its Output.data. */
export function runRemoteSend(target: string, tags: Tag[], opts: RemoteMainOptions & { data?: string }): Promise<number> {
  return runCommand(async () => {
    const conn = await open(target, opts, false);
    try {
      const result = await conn.send({ Tags: tags, Data: opts.data });
      if (opts.json) printJson({ process: conn.info().id, result });
      else if (result.Error !== undefined) process.stderr.write(`${forStream(process.stderr, String(result.Error).replace(/^\n+/, ''), opts)}\n`);
      else {
        const text = outputText(result);
        if (text !== '') process.stdout.write(`${forStream(process.stdout, text, opts)}\n`);
      }
      return result.Error !== undefined ? 1 : 0;
    } finally {
      await conn.close();
    }
  });
}

/** `aos-ts wallet`: the address and where the key is; never the key. */
export function runWallet(opts: { wallet?: string; json?: boolean }): Promise<number> {
  return runCommand(async () => {
    const { loadWallet } = await import('../remote/wallet.js');
    const w = await loadWallet(opts.wallet, (t) => process.stderr.write(`${t}\n`));
    if (opts.json) printJson({ address: w.address, path: w.path, created: w.created });
    else process.stdout.write(`${w.address}\n${join(w.path)}\n`);
    return 0;
  });
}
