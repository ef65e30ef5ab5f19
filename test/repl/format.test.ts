// formatError: an Eval error made readable, pointing at the line it came from.
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/text/ansi.js';
import { formatError } from '../../src/repl/format.js';

describe('formatError', () => {
  it('drops aos\'s "error:" banner and shows the line of the submitted code under the message', () => {
    const current = { chunk: 'input 2 @10:00:00', label: 'input 2', source: 'local a = 1\nmissing()\n' };
    const text = formatError('\n\u001b[31merror:\n\u001b[0m[string "input 2 @10:00:00"]:2: attempt to call a nil value', { current });
    expect(stripAnsi(text)).toBe('input 2:2: attempt to call a nil value\n   2 | missing()');
  });

  it('drops the handler-chain prefix', () => {
    const text = formatError('[string ".handlers"]:612: [string "aos"]:1: boom', { current: { chunk: 'aos', label: 'input 1', source: 'error("boom")' } });
    expect(stripAnsi(text)).toBe('input 1:1: boom\n   1 | error("boom")');
  });

  it('points at the earlier input that defined the failing function, not at the current one', () => {
    const earlier = { chunk: 'input 1 @10:00:00', label: 'input 1', source: 'function f(t)\n  local a = 1\n  local b = 2\n  return t.x\nend' };
    const current = { chunk: 'input 2 @10:00:00', label: 'input 2', source: 'local a\nlocal b\nlocal c\nlocal d = "this is line four"\nf(nil)' };
    const err = '[string "input 1 @10:00:00"]:4: attempt to index a nil value (local \'t\')';
    const text = stripAnsi(formatError(err, { current, lookup: (c) => (c === earlier.chunk ? earlier : undefined) }));
    expect(text).toBe("input 1:4: attempt to index a nil value (local 't')\n   4 |   return t.x");
  });

  it('maps a bundle line back to its file with locate', () => {
    const locate = (line: number) => (line === 7 ? { file: 'lib/m.lua', line: 3, text: 'return nil .. "x"' } : undefined);
    const text = formatError('[string "m.lua @10:00:00"]:7: attempt to concatenate a nil value', { current: { chunk: 'm.lua @10:00:00', source: 'x', locate } });
    expect(stripAnsi(text)).toBe('lib/m.lua:3: attempt to concatenate a nil value\n   3 | return nil .. "x"');
  });

  it('leaves an error without a position as it is', () => {
    expect(formatError('Stopped: too many instructions', { current: { chunk: 'aos', source: 'while true do end' } })).toBe('Stopped: too many instructions');
  });
});

describe('formatError on a process that names every chunk "aos" (aos on AO)', () => {
  const current = { chunk: 'input 2 @10:00:00', label: 'input 2', source: 'f()' };
  it('takes the current input as the best guess when the line is in it', () => {
    expect(stripAnsi(formatError('[string "aos"]:1: boom', { current }))).toBe('input 2:1: boom\n   1 | f()');
  });
  it('does not show a line of the current input past its end: the error is in an earlier one', () => {
    expect(stripAnsi(formatError('[string "aos"]:4: boom', { current }))).toBe('[string "aos"]:4: boom');
  });
});
