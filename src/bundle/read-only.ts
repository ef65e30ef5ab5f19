// Whether an Eval only reads: `return Counter`, `Balances[Owner]`, `#Inbox`.
// Such an Eval changed nothing, so it is not a change to undo or to publish.
// The rule is on the text, and conservative: an expression with no function
// call (no `f(...)`, `f{...}`, `f"..."`, `o:m()`) and no statement can only
// read (metamethods aside). Anything else counts as a change.
import { LuaSyntaxError, tokenize, type Token } from './lua-lexer.js';

const STATEMENT_WORDS = new Set(['local', 'function', 'if', 'for', 'while', 'repeat', 'do', 'goto', 'break', 'end', 'until', 'then', 'else', 'elseif', 'in']);

function isCallAfter(prev: Token | undefined): boolean {
  if (!prev) return false;
  if (prev.kind === 'name') return !['and', 'or', 'not', 'return', 'nil', 'true', 'false'].includes(prev.value);
  return prev.kind === 'symbol' && (prev.value === ')' || prev.value === ']');
}

export function isReadOnlyEval(code: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(code);
  } catch (e) {
    if (e instanceof LuaSyntaxError) return false;
    throw e;
  }
  if (tokens.length === 0) return true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'name' && t.value === 'return' && i !== 0) return false;
    if (t.kind === 'name' && STATEMENT_WORDS.has(t.value)) return false;
    if (t.kind === 'symbol' && (t.value === '=' || t.value === ';' || t.value === '::' || t.value === ':')) return false;
    if ((t.kind === 'string' || (t.kind === 'symbol' && (t.value === '(' || t.value === '{'))) && isCallAfter(tokens[i - 1])) return false;
  }
  return true;
}
