// Widths that count wide characters (CJK, emoji) as the terminal does.
import { wrapWords } from './wrap.js';
import stringWidth from 'string-width';
import { paint, stripAnsi } from './ansi.js';

/** Columns a text takes on a terminal (colour codes take none). */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Rows as lines of padded columns; the last column is not padded, so rows never wrap for nothing.
 * Given the terminal's `columns`, a last cell too long for it is broken between words, its
 * continuation lines starting under the cell (a line then holds several).
 */
export function alignColumns(rows: string[][], columns?: number): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, textWidth(cell))));
  return rows.map((row) => {
    const line = row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - textWidth(cell))))
      .join('  ')
      .trimEnd();
    if (columns === undefined || textWidth(line) <= columns || row.length < 2) return line;
    const start = widths.slice(0, row.length - 1).reduce((a, w) => a + w + 2, 0);
    // too little room left for the last column: let the terminal wrap it
    if (columns - start < 20) return line;
    const lead = row.slice(0, -1).map((cell, i) => cell + ' '.repeat(widths[i]! - textWidth(cell))).join('  ') + '  ';
    const wrapped = wrapWords(`${' '.repeat(start)}${row[row.length - 1]!}`, columns, textWidth).split('\n');
    return [lead + wrapped[0]!.slice(start), ...wrapped.slice(1)].join('\n');
  });
}

/** Columns padded to their widest cell; no header styling. */
export function plainTable(rows: string[][]): string {
  return alignColumns(rows).join('\n');
}

/** A table with a gray header row (the last column broken between words to fit `columns`, when given). */
export function table(headers: string[], rows: string[][], columns?: number): string {
  const [head = '', ...body] = alignColumns([headers, ...rows], columns);
  return [paint.gray(head), ...body].join('\n');
}

/** `AbCdEf…wXyZ` for a 43-character id; other text as it is. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

/** First line of `text`, at most `max` columns, control characters made visible. */
export function clip(text: string, max: number): string {
  const flat = stripAnsi(text).replace(/\r?\n/g, '↵').replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (textWidth(flat) <= max) return flat;
  let out = '';
  for (const ch of flat) {
    if (textWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

