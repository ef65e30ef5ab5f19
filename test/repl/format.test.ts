// formatError: an Eval error made readable, pointing at the line it came from.
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/text/ansi.js';
import { formatError } from '../../src/repl/format.js';

describe('formatError', () => {
  it('drops aos\'s "error:" banner and shows the line of the submitted code under the message', () => {
    const text = formatError('\n\u001b[31merror:\n\u001b[0m[string "aos"]:2: attempt to call a nil value', 'local a = 1\nmissing()\n');
    expect(stripAnsi(text)).toBe('[string "aos"]:2: attempt to call a nil value\n   2 | missing()');
  });

  it('drops the handler-chain prefix', () => {
    const text = formatError('[string ".handlers"]:612: [string "aos"]:1: boom', 'error("boom")');
    expect(stripAnsi(text)).toBe('[string "aos"]:1: boom\n   1 | error("boom")');
  });

  it('maps a bundle line back to its file with locate', () => {
    const locate = (line: number) => (line === 7 ? { file: 'lib/m.lua', line: 3, text: 'return nil .. "x"' } : undefined);
    const text = formatError('[string "aos"]:7: attempt to concatenate a nil value', 'x', locate);
    expect(stripAnsi(text)).toBe('lib/m.lua:3: attempt to concatenate a nil value\n   3 | return nil .. "x"');
  });

  it('leaves an error without a position as it is', () => {
    expect(formatError('Stopped: too many instructions', 'while true do end')).toBe('Stopped: too many instructions');
  });
});
