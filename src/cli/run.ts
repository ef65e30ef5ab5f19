// The main action: open a local process, then --run, piped Lua, or the shell.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import { LocalConnection } from '../local/local-connection.js';
import { LocalNetwork } from '../local/network.js';
import { resolveDataDir } from '../local/paths.js';
import { engineOptions, type MainOptions } from './options.js';
import { outputText, stripAnsi, useColor } from './output.js';

export async function openLocal(name: string, opts: MainOptions, notice: (text: string) => void): Promise<LocalConnection> {
  const network = new LocalNetwork(resolveDataDir(opts.dataDir), { engine: engineOptions(opts), onNotice: notice });
  try {
    const { process, created } = await network.openOrSpawn(name);
    if (created) notice(`created local process "${process.name}" (${process.id})`);
    return new LocalConnection(network, process);
  } catch (err) {
    await network.close();
    throw err;
  }
}

export async function runMain(name: string, opts: MainOptions): Promise<number> {
  const stderrColor = useColor(opts.color, process.stderr);
  const notice = (text: string) => {
    if (!opts.quiet) process.stderr.write(`${stderrColor ? `\u001b[90m${text}\u001b[0m` : text}\n`);
  };
  let conn: LocalConnection;
  try {
    conn = await openLocal(name, opts, notice);
  } catch (err) {
    process.stderr.write(`aos-ts: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (opts.run !== undefined) return await evalAndPrint(conn, opts.run, opts);
    if (!process.stdin.isTTY) return await evalAndPrint(conn, await readAll(process.stdin), opts);
    return await interactive(conn, opts);
  } catch (err) {
    process.stderr.write(`aos-ts: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await conn.close();
  }
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await once(stream, 'end');
  return Buffer.concat(chunks).toString('utf8');
}

/** Evaluate once and print like a script wants: data on stdout, Error on stderr, exit 1 on Error. */
export async function evalAndPrint(conn: Connection, code: string, opts: MainOptions): Promise<number> {
  const result = await conn.eval(code);
  printResult(result, opts);
  return result.Error !== undefined ? 1 : 0;
}

export function printResult(result: AoResult, opts: MainOptions): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (result.Error !== undefined) {
    const text = useColor(opts.color, process.stderr) ? result.Error : stripAnsi(result.Error);
    process.stderr.write(`${text.replace(/^\n+/, '')}\n`);
    return;
  }
  const text = outputText(result);
  if (text !== '') process.stdout.write(`${useColor(opts.color, process.stdout) ? text : stripAnsi(text)}\n`);
}

/** The Ink shell, loaded only when a person is at the terminal. */
async function interactive(conn: LocalConnection, opts: MainOptions): Promise<number> {
  const { startRepl } = await import('../repl/start.js');
  const { replServices } = await import('./repl-services.js');
  return startRepl(conn, {
    color: useColor(opts.color, process.stdout),
    quiet: opts.quiet,
    version: packageVersion(),
    historyFile: join(conn.process.dir, 'history.json'),
    services: replServices(conn.network),
  });
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
