// The I/O of a script run: --load files, --run code or Lua piped on stdin,
// printed as a script wants (data on stdout, Error on stderr, exit 1 on Error).
import { once } from 'node:events';
import type { Connection } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import { explainError, type EvalSource } from '../text/lua-error.js';
import { outputText } from '../text/result.js';
import { err, forStream, io, out, printJson } from './output.js';
import { evalNamed, loadBundleMaps, runChunkName, sourcesFromLog } from './eval-sources.js';
import type { MainOptions } from './options.js';

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
  await once(stream, 'end');
  return Buffer.concat(chunks).toString('utf8');
}

/** --load files, then --run or stdin; the exit code. */
export async function runScript(conn: Connection, opts: MainOptions): Promise<number> {
  for (const file of opts.load ?? []) {
    if ((await loadFile(conn, file, opts)) !== 0) return 1;
  }
  const code = opts.run ?? (await readAll(io().stdin));
  if (opts.run === undefined && code.trim() === '') return 0;
  // Piped input with dot-commands (.help, .load x.lua, ...) runs as the shell would run it.
  if (opts.run === undefined) {
    const { hasDotCommand, runShellScript } = await import('../repl/script-lines.js');
    if (hasDotCommand(code)) {
      const { replServices } = await import('./repl-services.js');
      const network = (conn as { network?: { resolve(nameOrId: string): string | undefined } }).network;
      const services = replServices(async (nameOrId) => network?.resolve(nameOrId));
      return runShellScript(conn, code, { services, color: opts.color !== false && io().stdout.isTTY === true, print: (t, e) => (e ? err(t) : out(t)) });
    }
  }
  return evalAndPrint(conn, code, opts);
}

/** --load: bundle a file and its modules, send it as one Eval, report errors mapped to the files. */
export async function loadFile(conn: Connection, file: string, opts: MainOptions): Promise<number> {
  const [{ bundleLua, expandPath, findSyntaxError, isCompileError }, { loaded }] = await Promise.all([
    import('../bundle/index.js'),
    import('./repl-services.js'),
  ]);
  const raw = bundleLua(expandPath(file));
  const bundle = loaded(raw);
  const chunk = `load ${raw.modules[raw.modules.length - 1]?.file ?? 'file'}`.slice(0, 48);
  const result = await evalNamed(conn, bundle.source, chunk);
  if (result.Error !== undefined) {
    // A compile error of the whole bundle may be a module's (a missing `end`): compile each file alone to name it.
    const own = isCompileError(result.Error) ? await findSyntaxError(raw, compileIn(conn)) : undefined;
    const text = own ?? explainError(result.Error, { current: { chunk, source: bundle.source, locate: bundle.locate }, lookup: lookupFor(conn) });
    err(`aos-ts: loading ${file} failed:\n${forStream('stderr', text, opts)}`);
    return 1;
  }
  if (!opts.quiet) err(`loaded ${bundle.files.join(', ')}`);
  return 0;
}

/** Evaluate once and print; exit 1 on Error. */
export async function evalAndPrint(conn: Connection, code: string, opts: MainOptions): Promise<number> {
  const chunk = runChunkName();
  const result = opts.dryRun
    ? await conn.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: code })
    : await evalNamed(conn, code, chunk);
  if (result.Error !== undefined && !opts.json) await loadBundleMaps();
  printResult(result, opts, { chunk, source: code }, lookupFor(conn));
  if (result.Error !== undefined && !opts.json && !opts.quiet) {
    const { secondReturnValue, SECOND_VALUE_NOTE } = await import('../repl/second-value.js');
    if (secondReturnValue(code, String(result.Error))) err(SECOND_VALUE_NOTE);
  }
  return result.Error !== undefined ? 1 : 0;
}

/** A result as a script wants it: JSON, or Output.data on stdout, or the Error on stderr. */
export function printResult(
  result: AoResult,
  opts: { json?: boolean; color?: boolean },
  current?: EvalSource,
  lookup?: (chunk: string) => EvalSource | undefined,
): void {
  if (opts.json) {
    printJson(result, opts);
    return;
  }
  if (result.Error !== undefined) {
    err(forStream('stderr', explainError(String(result.Error), { current, lookup }), opts));
    return;
  }
  const text = outputText(result);
  if (text !== '') out(forStream('stdout', text, opts));
}


/** Compile Lua text in the process without running it or changing anything (a read). */
function compileIn(conn: Connection): (source: string, name: string) => Promise<string | undefined> {
  return async (source, name) => {
    const { compileCheckLua } = await import('../bundle/check.js');
    const e = await conn.inspect(compileCheckLua(source, name));
    return typeof e === 'string' ? e : undefined;
  };
}

/** Earlier Evals of a local process, by chunk name, from its log. */
export function lookupFor(conn: Connection): ((chunk: string) => EvalSource | undefined) | undefined {
  const proc = (conn as { process?: { records?: () => Iterable<import('../local/records.js').ProcessRecord> } }).process;
  if (conn.info().network !== 'local' || typeof proc?.records !== 'function') return undefined;
  return sourcesFromLog(() => proc.records!());
}
