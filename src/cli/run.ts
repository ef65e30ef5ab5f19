// The main action: open a local process, then --run, piped Lua, or the shell.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { LocalConnection } from '../local/local-connection.js';
import { resolveDataDir } from '../local/paths.js';
import { engineOptions, type MainOptions } from './options.js';
import { isId } from '../local/ids.js';
import { isRemoteRequested, type RemoteFlags } from '../remote/settings.js';
import { trace } from './trace.js';
import { forStream, noticeWriter } from './common.js';
import { outputText, useColor } from './output.js';

/**
 * Remote when --mainnet/--legacy is given, or for a 43-character id that is
 * not a local process. Everything else stays local (the default).
 */
export function wantsRemote(name: string, opts: MainOptions & RemoteFlags): boolean {
  if (isRemoteRequested(opts)) return true;
  return isId(name) && !existsSync(join(resolveDataDir(opts.dataDir), 'processes', name));
}

export async function openLocal(name: string, opts: MainOptions, notice: (text: string) => void): Promise<LocalConnection> {
  const [{ LocalNetwork }, { LocalConnection }] = await Promise.all([import('../local/network.js'), import('../local/local-connection.js')]);
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
  const side = opts as MainOptions & RemoteFlags & { local?: boolean; remote?: boolean };
  if (side.local && side.remote) {
    process.stderr.write('aos-ts: --local and --remote were both given; choose one.\n');
    return 1;
  }
  if (side.remote || (!side.local && !isRemoteRequested(side) && !isId(name))) {
    // A published local process: --remote opens it on AO; otherwise say that it is published.
    const { findPublished, flagsFor, publishedNotice } = await import('../publish/published.js');
    const published = findPublished(resolveDataDir(opts.dataDir), name);
    if (side.remote) {
      if (!published) {
        process.stderr.write(`aos-ts: "${name}" has not been published, so there is no remote copy to open. Run \`aos-ts publish ${name}\` first.\n`);
        return 1;
      }
      const { runRemoteMain } = await import('./remote.js');
      return runRemoteMain(published.id, { ...opts, ...(isRemoteRequested(side) ? {} : flagsFor(published)) });
    }
    if (published && !opts.quiet) process.stderr.write(`${publishedNotice(name, published)}\n`);
  }
  if (wantsRemote(name, opts)) {
    const { runRemoteMain } = await import('./remote.js');
    return runRemoteMain(name, opts);
  }
  const notice = noticeWriter(opts);
  const fail = (err: unknown) => {
    process.stderr.write(`aos-ts: ${(err as Error).message}\n`);
    return 1;
  };
  if (opts.run === undefined && process.stdin.isTTY) return interactive(name, opts, notice).catch(fail);
  let conn: LocalConnection;
  try {
    conn = await openLocal(name, opts, notice);
  } catch (err) {
    return fail(err);
  }
  try {
    for (const file of opts.load ?? []) {
      if ((await loadFile(conn, file, opts)) !== 0) return 1;
    }
    const code = opts.run ?? (await readAll(process.stdin));
    if (opts.run === undefined && code.trim() === '') return 0;
    return await evalAndPrint(conn, code, opts);
  } catch (err) {
    return fail(err);
  } finally {
    await conn.close();
  }
}

/**
 * The Ink shell, for a person at a terminal. The process runs in a worker
 * thread so the screen stays alive during long Evals; Ink (the slowest
 * import) loads while the process opens.
 */
async function interactive(name: string, opts: MainOptions, notice: (text: string) => void): Promise<number> {
  trace('interactive start');
  // Ink draws only a final frame when it thinks it runs in CI; a person at a
  // terminal needs the live screen whatever CI variables the shell carries.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Start the worker first: evaluating the shell bundle keeps this thread
  // busy for a moment, and the process should be opening meanwhile.
  const { WorkerConnection } = await import('../local/worker-connection.js');
  const opening = WorkerConnection.open({ dataDir: resolveDataDir(opts.dataDir), name, options: { engine: engineOptions(opts) } }, notice);
  opening.catch(() => undefined);
  const shell = loadShell().then((m) => (trace('shell loaded'), m));
  shell.catch(() => undefined);
  const conn = await opening;
  trace('process open (worker)');
  // A closed terminal (SIGHUP) or SIGTERM: stop the worker and release its locks at once.
  const { releaseLocksOnSignal } = await import('../local/lock.js');
  const unhook = releaseLocksOnSignal(join(resolveDataDir(opts.dataDir), 'processes'), () => conn.terminate());
  try {
    if (conn.created) notice(`created local process "${conn.info().name}" (${conn.info().id})`);
    const { startRepl } = await shell;
    const { replServices } = await import('./repl-services.js');
    return await startRepl(conn, {
      color: useColor(opts.color, process.stdout),
      quiet: opts.quiet,
      version: packageVersion(),
      historyFile: join(conn.dir, 'history.json'),
      services: replServices((nameOrId) => conn.resolve(nameOrId)),
      load: opts.load,
    });
  } finally {
    await conn.close();
    unhook();
  }
}

export async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await once(stream, 'end');
  return Buffer.concat(chunks).toString('utf8');
}

/** --load: bundle a file and its modules, send it as one Eval, report errors mapped to the files. */
export async function loadFile(conn: Connection, file: string, opts: MainOptions): Promise<number> {
  const [{ bundleLua, expandPath }, { loaded }, { formatError }] = await Promise.all([
    import('../bundle/index.js'),
    import('./repl-services.js'),
    import('../repl/format.js'),
  ]);
  const bundle = loaded(bundleLua(expandPath(file)));
  const result = await conn.eval(bundle.source);
  if (result.Error !== undefined) {
    const text = formatError(result.Error, bundle.source, bundle.locate);
    process.stderr.write(`aos-ts: loading ${file} failed:\n${forStream(process.stderr, text, opts)}\n`);
    return 1;
  }
  if (!opts.quiet) process.stderr.write(`loaded ${bundle.files.join(', ')}\n`);
  return 0;
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
    const text = forStream(process.stderr, result.Error, opts);
    process.stderr.write(`${text.replace(/^\n+/, '')}\n`);
    return;
  }
  const text = outputText(result);
  if (text !== '') process.stdout.write(`${forStream(process.stdout, text, opts)}\n`);
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Shell = typeof import('../repl/start.js');

/** The shell as one bundled file (built by scripts/bundle-shell.mjs), or its modules when running from source. */
export async function loadShell(): Promise<Shell> {
  const bundled = '../repl/shell.bundle.mjs';
  try {
    return (await import(bundled)) as Shell;
  } catch {
    return import('../repl/start.js');
  }
}
