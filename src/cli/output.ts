// How results reach a terminal or a script.
import type { AoResult } from '../engine/types.js';

// CSI sequences (colours, cursor moves) and OSC sequences.
const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Colours only for a terminal, and never when NO_COLOR or --no-color say so. */
export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream, env = process.env): boolean {
  if (flag === false || (env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR ?? '';
  if (force !== '' && force !== '0' && force !== 'false') return true;
  return Boolean(stream.isTTY);
}

/** The text a result shows: Output.data, whatever shape the process gave it. */
export function outputText(result: AoResult): string {
  const out = result.Output;
  if (out === undefined || out === null) return '';
  if (typeof out === 'string') return out;
  const data = (out as { data?: unknown }).data;
  if (data === undefined || data === null) return '';
  if (typeof data === 'string') return data;
  if (typeof data === 'object' && data !== null && typeof (data as { output?: unknown }).output === 'string') {
    return (data as { output: string }).output;
  }
  return JSON.stringify(data);
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`aos-ts: ${message}\n`);
  process.exit(code);
}

/** Rows as lines of padded columns (widths count visible characters); the last column is not padded, so rows never wrap for nothing. */
export function alignColumns(rows: string[][]): string[] {
  const width = (cell: string) => Array.from(stripAnsi(cell)).length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}

/** `AbCdEf…wXyZ` for a 43-character id; other text as it is. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}
