// .undo skips Evals that changed nothing. Comparing the state before and
// after every Eval would cost a digest of the whole Lua state per message, so
// the signal is the code itself: an Eval that is a single expression with no
// call and no assignment (`Counter`, `return #Inbox`, `Balances[id] or 0`)
// cannot change the state, except through a metamethod such as __index, which
// a user reading a value does not expect to undo. Anything else counts as a
// change (a call may or may not have changed something: undo keeps it).

const KEYWORDS = /\b(function|local|for|while|repeat|until|do|end|if|then|else|elseif|goto|break|in)\b/;

export function isReadOnlyEval(code: string): boolean {
  // Strings become one marker character, comments go (their content cannot change anything).
  let text = '';
  for (let i = 0; i < code.length; ) {
    const rest = code.slice(i);
    const long = /^\[(=*)\[/.exec(rest);
    if (rest.startsWith('--')) {
      const lc = /^--\[(=*)\[/.exec(rest);
      const close = lc ? rest.indexOf(`]${lc[1]}]`) : rest.indexOf('\n');
      if (close === -1) break;
      i += close + (lc ? lc[1]!.length + 2 : 1);
      text += ' ';
    } else if (long) {
      const close = rest.indexOf(`]${long[1]}]`);
      if (close === -1) return false;
      i += close + long[1]!.length + 2;
      text += '\u0001';
    } else if (rest[0] === '"' || rest[0] === "'") {
      let j = 1;
      while (j < rest.length && rest[j] !== rest[0] && rest[j] !== '\n') j += rest[j] === '\\' ? 2 : 1;
      if (j >= rest.length || rest[j] !== rest[0]) return false;
      i += j + 1;
      text += '\u0001';
    } else {
      text += rest[0];
      i += 1;
    }
  }
  const body = text.trim().replace(/;\s*$/, '').replace(/^return\b/, '').trim();
  if (body === '') return false;
  if (KEYWORDS.test(body) || /\breturn\b/.test(body)) return false;
  // Any `=` that is not part of ==, ~=, <= or >= is an assignment.
  if (/(^|[^=~<>])=(?!=)/.test(body.replace(/[=~<>]=/g, '  '))) return false;
  // A call: a name, `)` or `]` followed by `(`, `{` or a string; or a method call.
  if (/[A-Za-z0-9_)\]]\s*[({\u0001]/.test(body) || /[A-Za-z0-9_)\]]\s*:\s*[A-Za-z_]/.test(body)) return false;
  // Several statements (a `;` inside, or a newline between two expressions) may hide a call.
  return !body.includes(';');
}
