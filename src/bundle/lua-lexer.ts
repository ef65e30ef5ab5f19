// A Lua 5.4 tokenizer, just deep enough to find `require` calls: it knows
// comments, every string form and long brackets, so a `require` inside a
// comment or a string is never mistaken for code (aos's .load uses a regex
// and gets exactly that wrong).

export type TokenKind = 'name' | 'string' | 'number' | 'symbol';

export interface Token {
  kind: TokenKind;
  /** The name or symbol as written; for strings, the decoded value. */
  value: string;
  /** 1-based line where the token starts. */
  line: number;
}

export class LuaSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const SYMBOLS = ['...', '..', '::', '<<', '>>', '//', '==', '~=', '<=', '>='];

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isNameChar(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Tokens of `source`, comments dropped. Throws LuaSyntaxError on an unfinished string or comment. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const src = source;
  let i = 0;
  let line = 1;
  // Skip a first-line "#!" as Lua's loader does.
  if (src.startsWith('#')) while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;

  /** Consume one newline sequence (\n, \r, \r\n or \n\r count once, as in Lua) at i. */
  const newline = (): void => {
    const c = src[i];
    i++;
    if ((src[i] === '\n' || src[i] === '\r') && src[i] !== c) i++;
    line++;
  };

  /** At `[`: the level of a long bracket `[==[`, or -1 when it is not one. */
  const longLevel = (at: number): number => {
    let j = at + 1;
    while (src[j] === '=') j++;
    return src[j] === '[' ? j - at - 1 : -1;
  };

  /** Read a long bracket body starting at `[`; returns its text (first newline dropped, as Lua does). */
  const readLong = (level: number, what: string): string => {
    const startLine = line;
    i += level + 2;
    if (src[i] === '\r' || src[i] === '\n') newline();
    const close = ']' + '='.repeat(level) + ']';
    let out = '';
    while (i < src.length) {
      if (src.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      if (src[i] === '\n' || src[i] === '\r') {
        newline();
        out += '\n';
      } else out += src[i++];
    }
    throw new LuaSyntaxError(`unfinished long ${what} (starting at line ${startLine})`, startLine);
  };

  const readQuoted = (quote: string): string => {
    const startLine = line;
    i++;
    let out = '';
    while (true) {
      const c = src[i];
      if (c === undefined || c === '\n' || c === '\r') throw new LuaSyntaxError('unfinished string', startLine);
      if (c === quote) {
        i++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      i++;
      const e = src[i];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };
      if (e === undefined) throw new LuaSyntaxError('unfinished string', startLine);
      if (e in simple) {
        out += simple[e];
        i++;
      } else if (e === '\n' || e === '\r') {
        newline();
        out += '\n';
      } else if (e === 'x') {
        out += String.fromCharCode(parseInt(src.slice(i + 1, i + 3), 16));
        i += 3;
      } else if (e === 'z') {
        i++;
        while (i < src.length && /\s/.test(src[i]!)) {
          if (src[i] === '\n' || src[i] === '\r') newline();
          else i++;
        }
      } else if (e === 'u') {
        const m = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(i + 1, i + 12));
        if (!m) throw new LuaSyntaxError('bad \\u escape in string', line);
        out += String.fromCodePoint(parseInt(m[1]!, 16));
        i += 1 + m[0].length;
      } else if (isDigit(e)) {
        const m = /^\d{1,3}/.exec(src.slice(i, i + 3))!;
        out += String.fromCharCode(Number(m[0]));
        i += m[0].length;
      } else {
        throw new LuaSyntaxError(`invalid escape \\${e} in string`, line);
      }
    }
  };

  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n' || c === '\r') {
      newline();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '-' && src[i + 1] === '-') {
      i += 2;
      const level = src[i] === '[' ? longLevel(i) : -1;
      if (level >= 0) readLong(level, 'comment');
      else while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    const startLine = line;
    if (isNameStart(c)) {
      const start = i;
      while (i < src.length && isNameChar(src[i]!)) i++;
      tokens.push({ kind: 'name', value: src.slice(start, i), line: startLine });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      const start = i;
      while (i < src.length) {
        const d = src[i]!;
        if ((d === '+' || d === '-') && /[eEpP]/.test(src[i - 1]!)) i++;
        else if (isNameChar(d) || d === '.') i++;
        else break;
      }
      tokens.push({ kind: 'number', value: src.slice(start, i), line: startLine });
      continue;
    }
    if (c === '"' || c === "'") {
      tokens.push({ kind: 'string', value: readQuoted(c), line: startLine });
      continue;
    }
    if (c === '[') {
      const level = longLevel(i);
      if (level >= 0) {
        tokens.push({ kind: 'string', value: readLong(level, 'string'), line: startLine });
        continue;
      }
    }
    const sym = SYMBOLS.find((s) => src.startsWith(s, i)) ?? c;
    tokens.push({ kind: 'symbol', value: sym, line: startLine });
    i += sym.length;
  }
  return tokens;
}
