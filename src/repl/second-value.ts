// aos evaluates an Eval as `return <input>` when that compiles, and keeps only
// the first value returned: a second one becomes the result's Error (and the
// Eval is rolled back). `return 1, 2` and a bare `a, b` both end that way, with
// the second value shown as if it were an error message. This says when an
// Error is most likely that second value, so the shell and --run can explain it.
import { LuaSyntaxError, tokenize, type Token } from '../bundle/lua-lexer.js';

const STATEMENT_START = new Set(['local', 'function', 'if', 'for', 'while', 'repeat', 'do', 'return', 'goto', 'break']);

/** Whether the Lua is a list of two or more expressions (`a, b`), which aos runs as `return a, b`. */
function isExpressionList(source: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    if (e instanceof LuaSyntaxError) return false;
    throw e;
  }
  const first = tokens[0];
  if (!first || (first.kind === 'name' && STATEMENT_START.has(first.value))) return false;
  let depth = 0;
  let comma = false;
  for (const t of tokens) {
    if (t.kind !== 'symbol') continue;
    if (t.value === '(' || t.value === '{' || t.value === '[') depth++;
    else if (t.value === ')' || t.value === '}' || t.value === ']') depth--;
    else if (depth === 0 && (t.value === '=' || t.value === ';' || t.value === '::')) return false;
    else if (depth === 0 && t.value === ',') comma = true;
  }
  return comma;
}

/** Whether `error` is probably the second value of a `return` (the Error has no position in any chunk). */
export function secondReturnValue(source: string, error: string): boolean {
  if (error.includes('[string "')) return false;
  return /(^|[\s;])return\s[^\n;]*,/.test(source) || isExpressionList(source);
}

export const SECOND_VALUE_NOTE =
  'aos keeps only the first value of `return`; the second became the Error, so the Eval was rolled back, as on AO. Return one value (a table for several).';
