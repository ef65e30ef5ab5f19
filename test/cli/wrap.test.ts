// Notices and errors on a terminal break between words, never inside one (issue 15 polish:
// the wallet notice and the serve banner wrapped mid-word).
import { describe, expect, it } from 'vitest';
import { err, withIo } from '../../src/cli/output.js';
import { Readable } from 'node:stream';
import { roughWidth, wrapWords } from '../../src/text/wrap.js';
import { textWidth } from '../../src/text/width.js';

const NOTICE = 'no wallet yet: creating one at /home/someone/.aos.json (readable by you only; keep a copy, it owns your processes)';

describe('wrapWords', () => {
  it('breaks a long line between words, every piece within the width, nothing lost', () => {
    const out = wrapWords(NOTICE, 40);
    const lines = out.split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.join(' ')).toBe(NOTICE);
  });

  it('keeps the indentation on continuation lines and leaves short lines alone', () => {
    expect(wrapWords('  one two three four five six seven eight nine ten eleven', 24)).toBe('  one two three four\n  five six seven eight\n  nine ten eleven');
    expect(wrapWords('short\nlines', 20)).toBe('short\nlines');
  });

  it('leaves a word wider than the terminal whole', () => {
    const id = 'x'.repeat(50);
    expect(wrapWords(`id ${id} end`, 30)).toBe(`id\n${id}\nend`);
  });
});

describe('err() on a terminal', () => {
  async function written(stderr: { isTTY?: boolean; columns?: number }): Promise<string> {
    let text = '';
    await withIo({ stdin: Readable.from(['']), stdout: { write: () => true }, stderr: { ...stderr, write: (t: string) => (text += t) }, env: {} }, async () => err(NOTICE));
    return text;
  }

  it('wraps at word boundaries to the terminal width, and not at all when stderr is not a terminal', async () => {
    const tty = await written({ isTTY: true, columns: 50 });
    for (const l of tty.trimEnd().split('\n')) expect(l.length).toBeLessThanOrEqual(50);
    expect(tty).toContain('\n');
    expect(await written({})).toBe(`${NOTICE}\n`);
  });
});

describe('roughWidth (the CLI notices measure without loading string-width)', () => {
  it('agrees with the exact width on ASCII, colour codes, CJK, Hangul, full-width forms and emoji', () => {
    for (const s of ['plain ascii', '\u001b[31mred\u001b[39m text', '日本語のプロセス', '한국어', 'ＡＢＣ', 'rocket 🚀 launch', 'café', 'e\u0301']) {
      expect(roughWidth(s), s).toBe(textWidth(s));
    }
  });

  it('breaks CJK prose by its terminal width', () => {
    const line = Array.from({ length: 12 }, () => '日本語').join(' ');
    for (const l of wrapWords(line, 24).split('\n')) expect(textWidth(l)).toBeLessThanOrEqual(24);
  });
});
