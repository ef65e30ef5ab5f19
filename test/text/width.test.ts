// Widths as a terminal counts them: tables line up with CJK, emoji and colours.
import { describe, expect, it } from 'vitest';
import { painter, stripAnsi, useColor } from '../../src/text/ansi.js';
import { alignColumns, clip, shortId, table, textWidth } from '../../src/text/width.js';

describe('widths', () => {
  it('counts wide characters as two columns and colour codes as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('🚀x')).toBe(3);
    expect(textWidth('\u001b[31mred\u001b[0m')).toBe(3);
  });

  it('aligns columns so the next column starts at the same terminal column on every row', () => {
    const lines = alignColumns([
      ['NAME', 'ID'],
      ['日本', 'a'],
      ['🚀🚀🚀', 'b'],
      ['\u001b[32mplain\u001b[0m', 'c'],
    ]);
    const starts = lines.map((l) => {
      const plain = stripAnsi(l);
      return textWidth(plain.slice(0, plain.lastIndexOf(' ') + 1));
    });
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(8); // the widest first cell (6 columns) and two spaces
  });

  it('a table has a gray header that stripping leaves aligned', () => {
    const text = table(['k', 'v'], [['中', '1']]);
    expect(text.split('\n')[0]).toContain('\u001b[90m');
    expect(stripAnsi(text)).toBe('k   v\n中  1');
  });

  it('clips to a width, never splitting a wide character, and flattens newlines', () => {
    expect(clip('hello\nworld', 20)).toBe('hello↵world');
    expect(clip('日本語のテキスト', 7)).toBe('日本語…');
    expect(textWidth(clip('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
    expect(clip('abcdef', 4)).toBe('abc…');
  });

  it('shortens 43-character ids only', () => {
    expect(shortId('A'.repeat(39) + 'wxyz')).toBe('AAAAAA…wxyz');
    expect(shortId('counter')).toBe('counter');
  });
});

describe('colours', () => {
  it('are decided from the flag, NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(useColor(undefined, { isTTY: true }, {})).toBe(true);
    expect(useColor(undefined, { isTTY: false }, {})).toBe(false);
    expect(useColor(false, { isTTY: true }, {})).toBe(false);
    expect(useColor(undefined, { isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(undefined, { isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(false, { isTTY: false }, { FORCE_COLOR: '1' })).toBe(false);
    expect(useColor(undefined, { isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('a painter without colour leaves text plain', () => {
    expect(painter(false).red('x')).toBe('x');
    expect(painter(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
