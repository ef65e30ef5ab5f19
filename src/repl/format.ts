// How results look in the shell.
import { paint, stripAnsi } from '../text/ansi.js';

const AOS_CHUNK = /\[string "aos"\]:(\d+):/;

/**
 * An Eval error, readable: aos's "error:" banner and the handler-chain prefix
 * are dropped, and the line of the submitted code the error points at is shown
 * under it. `locate` maps a line of a bundle back to its file (for .load).
 */
export function formatError(
  error: string,
  source?: string,
  locate?: (line: number) => { file: string; line: number; text?: string } | undefined,
): string {
  let text = error.replace(/^\s+/, '');
  text = text.replace(/^(\u001b\[[0-9;]*m)*error:\n(\u001b\[[0-9;]*m)*/, '');
  text = text.replace(/\[string "\.handlers"\]:\d+: (?=\[string "aos"\])/g, '');
  const m = AOS_CHUNK.exec(stripAnsi(text));
  if (!m) return text;
  const lineNo = Number(m[1]);
  const mapped = locate?.(lineNo);
  if (mapped) {
    text = text.replace(AOS_CHUNK, `${mapped.file}:${mapped.line}:`);
    return mapped.text !== undefined ? `${text}\n${gutter(mapped.line, mapped.text)}` : text;
  }
  const line = source?.split('\n')[lineNo - 1];
  return line !== undefined && source!.includes('\n') || (line !== undefined && line.trim() !== '')
    ? `${text}\n${gutter(lineNo, line!)}`
    : text;
}

function gutter(n: number, line: string): string {
  return `${paint.blue(`${String(n).padStart(4)} |`)} ${line}`;
}
