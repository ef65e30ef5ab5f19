// Which file of a bundle a compile error is in. Lua compiles the bundle as one
// chunk, so a missing `end` in a module is reported where the chunk ran out
// (in the entry file, past its end). Compiling each file's text alone names
// the file and line that are wrong.
import type { Bundle } from './bundle.js';

/** Compiles Lua text under a chunk name; resolves to the compile error, or undefined when it compiles. */
export type CompileCheck = (source: string, chunkName: string) => Promise<string | undefined>;

/** A Lua long string holding `text` exactly (the leading newline Lua drops is added). */
export function luaLongString(text: string): string {
  let level = 0;
  while (text.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  return `[${eq}[\n${text}]${eq}]`;
}

/** Lua that compiles `source` (without running it) and returns the error, or nil. `=name` makes errors read `name:line:`. */
export function compileCheckLua(source: string, chunkName: string): string {
  const src = source.startsWith('#') ? `--${source}` : source;
  return `local _, e = load(${luaLongString(src)}, ${luaLongString(`=${chunkName}`)}, "t", {}) return e`;
}

/**
 * The first file (in load order) that does not compile alone, as
 * `file:line: message`; undefined when every file compiles (then the bundle's
 * own error stands).
 */
export async function findSyntaxError(bundle: Pick<Bundle, 'modules'>, compile: CompileCheck): Promise<string | undefined> {
  for (const m of bundle.modules) {
    const error = await compile(m.source, m.file);
    if (error !== undefined) return error;
  }
  return undefined;
}

/** Whether an Eval's Error is a compile error of the chunk (no runtime banner, a position in the chunk). */
export function isCompileError(error: string): boolean {
  return /^\[string "[^"]*"\]:\d+: /.test(error) && !error.includes('error:\n');
}
