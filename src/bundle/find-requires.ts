// The modules a Lua file requires by literal name: `require "x"`,
// `require('x')`, `require [[x]]`, with any spacing or newlines between.
// A computed name (`require(name)`, `require("a" .. b)`) cannot be known
// before the code runs, so it is left for the process to resolve.
import { tokenize, type Token } from './lua-lexer.js';

export interface RequireSite {
  name: string;
  line: number;
}

/** Literal-name requires in `source`, in the order written. */
export function findRequires(source: string): RequireSite[] {
  return requiresIn(tokenize(source));
}

export function requiresIn(tokens: Token[]): RequireSite[] {
  const found: RequireSite[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'name' || t.value !== 'require') continue;
    // `obj.require "x"` / `obj:require "x"` is someone else's function.
    const prev = tokens[k - 1];
    if (prev && prev.kind === 'symbol' && (prev.value === '.' || prev.value === ':')) continue;
    const next = tokens[k + 1];
    if (next?.kind === 'string') {
      found.push({ name: next.value, line: t.line });
    } else if (next?.kind === 'symbol' && next.value === '(') {
      const arg = tokens[k + 2];
      const close = tokens[k + 3];
      if (arg?.kind === 'string' && close?.kind === 'symbol' && close.value === ')') found.push({ name: arg.value, line: t.line });
    }
  }
  return found;
}
