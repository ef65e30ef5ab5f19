// Starting the Ink shell for a person at a terminal, on a local process (in
// a worker thread, so the screen stays alive during long Evals) or a remote one.
import { existsSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../connection.js';
import type { ProcessRecord } from '../local/records.js';
import type { EvalSource } from '../text/lua-error.js';
import { isId } from '../local/ids.js';
import { resolveDataDir } from '../local/paths.js';
import { trace } from '../text/trace.js';
import { requireCached } from '../engine/code-cache.js';
import type { WorkerConnection } from '../local/worker-connection.js';
import { OpeningConnection, rememberShell, rememberedShell } from './early-shell.js';
import { colorFor, noticeWriter } from './output.js';
import { engineOptions, type MainOptions } from './options.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Shell = typeof import('../repl/start.js');

/**
 * The shell as one bundled CommonJS file (built by scripts/bundle-shell.mjs),
 * compiled with V8's code cache (src/engine/code-cache.ts on Node 20; Node
 * 22+ caches it itself once bin/aos-ts.js turned its cache on), or its
 * modules when running from source. `noFetch`: without fetch while it loads
 * (nothing else of this program may need fetch meanwhile): Ink's layout
 * engine (yoga) finds fetch and loads its wasm through it from a data: URL,
 * which makes Node load its whole HTTP client (undici) first; without, it
 * decodes the same bytes itself, in a fraction of the time.
 */
export async function loadShell(noFetch = false): Promise<Shell> {
  const bundled = fileURLToPath(new URL('../repl/shell.bundle.cjs', import.meta.url));
  if (!existsSync(bundled)) {
    // A computed name: the command line's bundle must not take the shell's modules in.
    const modules = '../repl/start.js';
    return (await import(modules)) as Shell;
  }
  // The descriptor, not the value: reading globalThis.fetch is what loads undici.
  const fetch = noFetch ? Object.getOwnPropertyDescriptor(globalThis, 'fetch') : undefined;
  if (fetch?.configurable) Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    const ownCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function' || process.env.NODE_DISABLE_COMPILE_CACHE;
    const shell = (ownCache ? nodeModule.createRequire(import.meta.url)(bundled) : requireCached(bundled, 'ui')) as Shell;
    // The bundle starts loading Ink's layout engine; the first render needs it.
    await (globalThis as { __aosYogaReady?: Promise<void> }).__aosYogaReady;
    return shell;
  } finally {
    if (fetch?.configurable) Object.defineProperty(globalThis, 'fetch', fetch);
  }
}

/**
 * The lock error for a process another aos-ts holds, with what a newcomer needs: a shell also
 * holds, for a moment, the processes it delivers messages to, and those can still be reached meanwhile.
 */
function heldHint(e: unknown, name: string): unknown {
  if (!(e instanceof Error) || !/is open in another aos-ts \(pid \d+\)/.test(e.message)) return e;
  const hint =
    'A shell also holds a local process it delivers messages to, until it has been quiet for 2 s. ' +
    `Meanwhile \`aos-ts ${name} --run <lua>\`, \`aos-ts send ${name} ...\` and \`aos-ts inbox ${name}\` reach it through that program.`;
  return new Error(`${e.message}\n${hint}`);
}

/** Ink draws only a final frame when it thinks it runs in CI; a person at a terminal needs the live screen. */
function notCi(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

/**
 * The shell on a local process. The process runs in a worker thread; Ink
 * (the slowest import) loads while the process opens, and the shell shows
 * its prompt before the process is open when it can (early-shell.ts).
 */
export async function localShell(name: string, opts: MainOptions): Promise<number> {
  trace('interactive start');
  notCi();
  const notice = noticeWriter(opts);
  const dataDir = resolveDataDir(opts.dataDir);
  // Start the worker first: evaluating the shell bundle keeps this thread
  // busy for a moment, and the process should be opening meanwhile.
  const { WorkerConnection } = await import('../local/worker-connection.js');
  const opening = WorkerConnection.open({ dataDir, name, options: { engine: engineOptions(opts) } }, notice).catch((e: unknown) => {
    throw heldHint(e, name);
  });
  opening.catch(() => undefined);
  const shell = loadShell(true).then((m) => (trace('shell loaded'), m));
  shell.catch(() => undefined);
  const remembered = rememberedShell(dataDir, name);
  const { releaseLocksOnSignal } = await import('../local/lock.js');
  // A closed terminal (SIGHUP) or SIGTERM: stop the worker and release its locks at once.
  const unhook = releaseLocksOnSignal(join(dataDir, 'processes'), () => opening.then((c) => c.terminate()));
  let conn: OpeningConnection;
  if (remembered) {
    conn = new OpeningConnection(remembered, remembered.prompt, opening);
  } else {
    // Nothing to show yet (a new process, or one held elsewhere): open it first, so its notices and errors come first.
    let real: WorkerConnection;
    try {
      real = await opening;
    } catch (e) {
      unhook();
      throw e;
    }
    if (real.created) notice(`created local process "${real.info().name}" (${real.info().id})`);
    conn = new OpeningConnection(real.info(), await real.prompt(), opening);
  }
  void conn.opened.then((prompt) => {
    trace('process open (worker)');
    if (prompt !== undefined) rememberShell(dataDir, name, conn.info(), prompt);
  });
  const dir = conn.info().location!;
  let failed: unknown;
  let shownLast: string | undefined;
  try {
    const [{ startRepl }, { replServices }] = await Promise.all([shell, import('./repl-services.js')]);
    const code = await startRepl(conn, {
      color: colorFor('stdout', opts),
      quiet: opts.quiet,
      version: packageVersion(),
      historyFile: join(dir, 'history.json'),
      services: { ...replServices((nameOrId) => conn.resolve(nameOrId)), monitor: (on) => conn.monitor(on), earlierEval: await earlierEvals(dir) },
      load: opts.load,
      // Shown before the process opened: if it cannot open, the shell ends and says why.
      lastPrompt: (prompt) => (shownLast = prompt),
      stop: opening.then(
        () => new Promise<void>(() => {}),
        (e: unknown) => {
          failed = e;
        },
      ),
    });
    if (failed !== undefined) throw failed;
    return code;
  } finally {
    await conn.close();
    unhook();
    // What the next shell shows first: the prompt this one showed last (the process was open).
    if ((await conn.opened) !== undefined && shownLast !== undefined) rememberShell(dataDir, name, conn.info(), shownLast);
  }
}

/** Evals of earlier shells and runs, read from the process's log (without its lock: the worker holds it). */
async function earlierEvals(dir: string): Promise<(chunk: string) => EvalSource | undefined> {
  const [{ LogReader }, { sourcesFromLog, loadBundleMaps }] = await Promise.all([import('../local/log-reader.js'), import('./eval-sources.js')]);
  // the bundler is loaded for .load anyway; its maps place lines of an earlier .load in their files
  await loadBundleMaps();
  const find = sourcesFromLog(() => new LogReader(join(dir, 'log')).read() as Iterable<ProcessRecord>);
  return (chunk) => {
    const src = find(chunk);
    // `input 3 @02:51:07`: input 3 of the shell started at 02:51:07
    return src && { ...src, label: chunk.replace(/^(.*) @(\d\d:\d\d:\d\d)$/, '$1 (shell of $2)') };
  };
}

/** The shell on a process on AO (the connection is already open; the caller closes it). */
export async function remoteShell(conn: Connection, opts: MainOptions): Promise<number> {
  notCi();
  const [{ startRepl }, { replServices }, { RemoteStore }] = await Promise.all([loadShell(), import('./repl-services.js'), import('../remote/store.js')]);
  return startRepl(conn, {
    color: colorFor('stdout', opts),
    quiet: opts.quiet,
    version: packageVersion(),
    historyFile: new RemoteStore(resolveDataDir(opts.dataDir)).historyFile(conn.info().id),
    services: replServices(async (nameOrId) => (isId(nameOrId) ? nameOrId : undefined)),
    load: opts.load,
  });
}
