// The I/O of a script run: --load files, --run code or Lua piped on stdin,
// printed as a script wants (data on stdout, Error on stderr, exit 1 on Error).
import { once } from 'node:events';
import type { Connection } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import { explainError, type EvalSource } from '../text/lua-error.js';
import { outputText } from '../text/result.js';
import { err, forStream, io, out, printJson } from './output.js';
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
  return evalAndPrint(conn, code, opts);
}

/** --load: bundle a file and its modules, send it as one Eval, report errors mapped to the files. */
export async function loadFile(conn: Connection, file: string, opts: MainOptions): Promise<number> {
  const [{ bundleLua, expandPath }, { loaded }] = await Promise.all([import('../bundle/index.js'), import('./repl-services.js')]);
  const bundle = loaded(bundleLua(expandPath(file)));
  const result = await conn.eval(bundle.source);
  if (result.Error !== undefined) {
    const text = explainError(result.Error, { current: { chunk: 'aos', source: bundle.source, locate: bundle.locate } });
    err(`aos-ts: loading ${file} failed:\n${forStream('stderr', text, opts)}`);
    return 1;
  }
  if (!opts.quiet) err(`loaded ${bundle.files.join(', ')}`);
  return 0;
}

/** Evaluate once and print; exit 1 on Error. */
export async function evalAndPrint(conn: Connection, code: string, opts: MainOptions): Promise<number> {
  const result = await conn.eval(code);
  printResult(result, opts, { chunk: 'aos', source: code });
  return result.Error !== undefined ? 1 : 0;
}

/** A result as a script wants it: JSON, or Output.data on stdout, or the Error on stderr. */
export function printResult(result: AoResult, opts: { json?: boolean; color?: boolean }, current?: EvalSource): void {
  if (opts.json) {
    printJson(result, opts);
    return;
  }
  if (result.Error !== undefined) {
    err(forStream('stderr', explainError(String(result.Error), { current }), opts));
    return;
  }
  const text = outputText(result);
  if (text !== '') out(forStream('stdout', text, opts));
}

