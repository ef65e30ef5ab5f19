// How results look in the shell.
import { paint } from '../text/ansi.js';
import { compileCheckLua } from '../bundle/check.js';
import { explainError, type ExplainOptions } from '../text/lua-error.js';

/**
 * An Eval error, readable: where the user's code failed (the input and its
 * line, or the file and line of a .load), that line under it, and nothing of
 * the OS (explainError); the line number gutter is coloured as in the editor.
 */
export function formatError(error: string, where: ExplainOptions = {}): string {
  return explainError(error, where).replace(/^( *\d+ \|)(?= )/m, (g) => paint.blue(g));
}

/**
 * The first file of a .load (in load order) that does not compile alone, as
 * `file:line: message` with that line under it; undefined when each compiles.
 * `inspect` runs Lua against the process without changing it.
 */
export async function moduleSyntaxError(modules: { file: string; source: string }[], inspect: (lua: string) => Promise<unknown>): Promise<string | undefined> {
  for (const m of modules) {
    const e = await inspect(compileCheckLua(m.source, m.file));
    if (typeof e !== 'string') continue;
    const at = /^(.*?):(\d+): /.exec(e);
    const text = at ? m.source.split('\n')[Number(at[2]) - 1] : undefined;
    return text !== undefined && text.trim() !== '' ? `${e}\n${paint.blue(`${at![2]!.padStart(4)} |`)} ${text}` : e;
  }
  return undefined;
}
