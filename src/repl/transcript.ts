// What the shell's transcript holds: typed items, not pre-coloured strings.
// One renderer (App's TranscriptLine) draws them; `itemText` gives the same
// item as text (ANSI where the process or a table header put it), for tests
// and for anything that prints without Ink.
import { paint } from '../text/ansi.js';
import { table } from '../text/width.js';

export type ItemBody =
  /** The welcome lines. */
  | { type: 'banner'; text: string }
  /** What the user sent, after the prompt it was typed at. */
  | { type: 'input'; prompt: string; lines: string[] }
  /** A result's Output.data (may carry the process's own colours); `note` is a dim line under it. */
  | { type: 'result'; text: string; note?: string }
  /** An Error, already made readable (formatError). */
  | { type: 'error'; text: string }
  /** Something the process printed for a message you did not send. */
  | { type: 'live'; text: string; from?: string }
  /** The shell speaking (dim). */
  | { type: 'notice'; text: string }
  /** Rows under a header; `after` is dim text below; `dim` draws it all as a notice. */
  | { type: 'table'; headers: string[]; rows: string[][]; after?: string; dim?: boolean };

export type TranscriptItem = ItemBody & { id: number };
export type ItemType = ItemBody['type'];

/** The item as text; colours only where they carry meaning (strip them when colour is off). */
export function itemText(item: ItemBody, columns?: number): string {
  switch (item.type) {
    case 'banner':
    case 'error':
    case 'live':
    case 'notice':
      return item.text;
    case 'input': {
      const [first = '', ...rest] = item.lines;
      return [`${item.prompt}${first}`, ...rest.map((l) => `${paint.gray('...')} ${l}`)].join('\n');
    }
    case 'result':
      return item.note === undefined ? item.text : `${item.text}\n${paint.gray(item.note)}`;
    case 'table':
      return item.after === undefined ? table(item.headers, item.rows, columns) : `${table(item.headers, item.rows, columns)}\n${item.after}`;
  }
}
