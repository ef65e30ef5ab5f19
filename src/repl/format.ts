// How results look in the shell.
import { paint } from '../text/ansi.js';
import { explainError, type ExplainOptions } from '../text/lua-error.js';

/**
 * An Eval error, readable: where the user's code failed (the input and its
 * line, or the file and line of a .load), that line under it, and nothing of
 * the OS (explainError); the line number gutter is coloured as in the editor.
 */
export function formatError(error: string, where: ExplainOptions = {}): string {
  return explainError(error, where).replace(/^( *\d+ \|)(?= )/m, (g) => paint.blue(g));
}
