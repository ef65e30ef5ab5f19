// Prose broken between words for a terminal. Kept apart from width.ts
// (string-width loads ICU data, tens of ms) so that the CLI's notices can wrap
// without that cost; the shell passes the exact width function.
import { stripAnsi } from './ansi.js';

/**
 * Columns a text takes, without string-width: East Asian wide characters and
 * emoji count two, colour codes and combining marks none. Close enough for
 * breaking prose; tables use width.ts's exact count.
 */
export function roughWidth(text: string): number {
  let n = 0;
  for (const ch of stripAnsi(text)) {
    const c = ch.codePointAt(0)!;
    if (c < 0x300) n += 1;
    else if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) continue;
    else if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd)
    )
      n += 2;
    else n += 1;
  }
  return n;
}

/**
 * Lines wider than `columns` broken at spaces, so a terminal never splits a
 * word; a broken line's continuation keeps its indentation. A word wider than
 * the terminal is left whole (the terminal wraps it).
 */
export function wrapWords(text: string, columns: number, textWidth: (text: string) => number = roughWidth): string {
  if (!(columns >= 20)) return text;
  return text
    .split('\n')
    .map((line) => {
      if (textWidth(line) <= columns) return line;
      // the indentation as it shows (colour codes may come first), and as it is written
      const indent = /^\s*/.exec(stripAnsi(line))![0];
      const written = /^\s*/.exec(line)![0];
      const words = line.slice(written.length).split(' ');
      const lines: string[] = [];
      let current = written;
      for (const word of words) {
        const candidate = current.trim() === '' ? current + word : `${current} ${word}`;
        if (textWidth(candidate) > columns && current.trim() !== '') {
          lines.push(current);
          current = indent + word;
        } else current = candidate;
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}
