// Loading a CommonJS bundle with V8's code cache, for Node 20 (Node 22+ has
// module.enableCompileCache, which bin/aos-ts.js turns on instead). Compiling
// the CLI bundle is a good part of every start; with the cache, V8 takes the
// compiled code of the last run from disk, functions compiled lazily while it
// ran included. The cache is written once per build (at exit, by the first
// run that finds none or one V8 refuses), beside the others in the user's
// cache folder, under a name made of the bundle's size and time and Node's
// version: V8 itself only checks the source's length and its own flags, so a
// rebuilt bundle must never meet an older cache. One cache per kind of run
// (`--run`, the shell, the rest): each holds the functions its runs compile.
// A cache that cannot be read or written is simply not used. The bundle's
// import() calls must go through the __aosDynamicImport it is given (see
// importFor): the command line's bundle is built so.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { isMainThread, Worker, type WorkerOptions } from 'node:worker_threads';

/** The user's cache folder for aos-ts's compiled code ($XDG_CACHE_HOME or ~/.cache). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aos-ts', 'code');
}

interface ModuleLike {
  exports: unknown;
  filename: string;
  loaded: boolean;
}
type ModuleConstructor = new (id: string) => ModuleLike;

/**
 * require(file) for a CommonJS bundle, compiled with the code cache of `kind`
 * runs when there is one. Its own require() resolves from the bundle's folder,
 * and import() inside it works as in any CommonJS module.
 */
export function requireCached(file: string, kind: string): unknown {
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  const prefix = `${basename(file)}.${kind}.`;
  const key = `${prefix}${process.version}-${process.arch}-${st.size}-${Math.round(st.mtimeMs)}.v8`;
  const dir = codeCacheDir();
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(join(dir, key));
  } catch {
    cached = undefined;
  }
  // A #! line is not JavaScript inside the wrapper: a comment keeps the line numbers.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const wrapped = `(function (exports, require, module, __filename, __dirname, __aosDynamicImport) { ${body}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData: cached });
  if (cached === undefined || script.cachedDataRejected === true) {
    // At exit, or a few seconds in for a program that ends on a signal (a shell whose terminal closed).
    const save = (): void => {
      clearTimeout(timer);
      process.off('exit', save);
      saveCache(script, dir, prefix, key);
    };
    const timer = setTimeout(save, 3000);
    timer.unref();
    process.once('exit', save);
    // A thread may be ended before either (the program exits): it says when its code is worth keeping.
    if (!isMainThread) (globalThis as { [SAVE]?: () => void })[SAVE] = save;
  }
  const Module = nodeModule.Module as unknown as ModuleConstructor;
  const mod = new Module(file);
  mod.filename = file;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, nodeModule.createRequire(file), mod, file, dirname(file), importFor(file));
  mod.loaded = true;
  return mod.exports;
}

/**
 * import() for code compiled from a cache. Node 20 loses the import callback
 * of a script compiled from cached data ("A dynamic import callback was not
 * specified"), so the bundle calls this one (scripts/bundle-threads.mjs makes
 * its import() calls __aosImport). It imports from this module: a relative
 * specifier is made relative to the bundle; a package is found from here,
 * which finds the packages the bundle would (both sit one folder under dist/).
 */
function importFor(file: string): (specifier: string) => Promise<unknown> {
  const base = pathToFileURL(file);
  return (specifier) => import(specifier.startsWith('.') ? new URL(specifier, base).href : specifier);
}

/** Write the code compiled so far (atomically), and drop the caches of earlier builds. */
function saveCache(script: Script, dir: string, prefix: string, key: string): void {
  try {
    const data = script.createCachedData();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const old of readdirSync(dir)) {
      if (old.startsWith(prefix) && old !== key) rmSync(join(dir, old), { force: true });
    }
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, key));
  } catch {
    // a cache is only an optimization
  }
}


const SAVE = Symbol.for('aos-ts.save-code-cache');

/**
 * In a thread started by startThread(): write its code cache now, if it has
 * none yet (once its start-up code has run, so that the cache holds it). A
 * thread is often ended with the program, before a timer or its 'exit'.
 */
export function saveThreadCodeCache(): void {
  const slot = globalThis as { [SAVE]?: () => void };
  const save = slot[SAVE];
  delete slot[SAVE];
  save?.();
}

/** Whether compiled code is kept by requireCached (Node 20): Node 22+ keeps it itself (module.enableCompileCache). */
export function ownCodeCache(): boolean {
  return typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function' && !process.env.NODE_DISABLE_COMPILE_CACHE;
}

/**
 * A worker thread running `file`; a built CommonJS bundle is loaded with
 * V8's code cache on Node 20 (through this module, built beside the engine's
 * bundle as dist/engine/code-cache.cjs). The thread's code is the same either way.
 */
export function startThread(file: string | URL, options: WorkerOptions): Worker {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const loader = fileURLToPath(new URL('../engine/code-cache.cjs', import.meta.url));
  if (!ownCodeCache() || !path.endsWith('.cjs') || !existsSync(loader)) return new Worker(file, options);
  const code = `require(${JSON.stringify(loader)}).requireCached(${JSON.stringify(path)}, 'thread');`;
  return new Worker(code, { ...options, eval: true });
}
