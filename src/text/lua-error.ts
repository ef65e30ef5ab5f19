// An Error from a process, as a person should read it: where the user's code
// failed (the file and line, or the Eval and its line), that source line, and
// nothing of the OS that ran it. This is display only: the Error a process
// returns (what aoconnect and other processes read) keeps aos's text.
import { stripAnsi } from './ansi.js';

/** Where a line of an Eval came from (a .load bundle maps its lines to files). */
export type Locate = (line: number) => { file: string; line: number; text?: string } | undefined;

/** The source of one Eval, kept so an error can show the line it points at. */
export interface EvalSource {
  /** The chunk name the Eval ran under (`aos`, or the name the shell gave it). */
  chunk: string;
  source: string;
  locate?: Locate;
  /** How to name it on screen (`input 3`); without it, `input` for the current Eval, else the chunk name. */
  label?: string;
}

export interface ExplainOptions {
  /** The Eval the error came from (its chunk is also the default `aos`). */
  current?: EvalSource;
  /** Earlier Evals whose functions may be on the stack. */
  earlier?: readonly EvalSource[];
  /** Finds an earlier Eval by its chunk name (the shell's memory, or the process's log). */
  lookup?: (chunk: string) => EvalSource | undefined;
}

const ANSI = '(?:\\u001b\\[[0-9;]*m)*';
/** aos's banner between the print logs and the error: `\n\n<red>error:\n<reset>`. */
const BANNER = new RegExp(`\\n?\\n?${ANSI}error:\\n${ANSI}`, 'g');
/** A position inside the OS (`[string ".handlers"]:170: `), or a frame of the C side or the sandbox. */
const OS_PREFIX = /^(?:\[string "\.[^"]*"\]:\d+: )+/;
const OS_FRAME = /^\s*(?:\[C\]:|\[string "\.[^"]*"\]:|\[string "\.\.\."\]:|\(\.\.\.tail calls\.\.\.\))/;
/** A chunk position in user code: `[string "name"]:N`. */
const CHUNK_AT = /\[string "([^"]*)"\]:(\d+)/g;

/** The memory-limit notice the engine puts before the error Lua raised (the error adds nothing). */
function memoryStop(text: string): string | undefined {
  const first = text.split('\n', 1)[0]!;
  if (!first.startsWith('Stopped:')) return undefined;
  const rest = stripAnsi(text.slice(first.length)).trim();
  return rest === '' || /not enough memory\s*$/.test(rest) ? first : undefined;
}

/** Remove the block aos prints for a failed handler (`Error handling message…`, the error, its traceback). */
function dropHandlerReport(logs: string): string {
  const lines = logs.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^Error handling message/.test(stripAnsi(lines[i]!))) {
      // the error line, blank lines and the traceback that follow belong to it
      i++;
      while (i + 1 < lines.length && (stripAnsi(lines[i + 1]!).trim() === '' || /^\s*(stack traceback:|\t|\s{2,}\[|\[C\])/.test(stripAnsi(lines[i + 1]!)))) i++;
      continue;
    }
    kept.push(lines[i]!);
  }
  while (kept.length > 0 && stripAnsi(kept[kept.length - 1]!).trim() === '') kept.pop();
  return kept.join('\n');
}

function sourceOf(chunk: string, line: number, opts: ExplainOptions): EvalSource | undefined {
  if (opts.current && opts.current.chunk === chunk) return opts.current;
  const earlier = opts.earlier ?? [];
  for (let i = earlier.length - 1; i >= 0; i--) if (earlier[i]!.chunk === chunk) return earlier[i];
  const found = opts.lookup?.(chunk);
  if (found) return found;
  // a process that names every chunk "aos" (aos itself, on AO): the current input is the best guess
  // (unless the line is past its end: then the error is in an earlier input, unknown which)
  if (chunk === 'aos' && opts.current && (opts.current.chunk === 'aos' || line <= opts.current.source.split('\n').length)) return opts.current;
  return undefined;
}

/** `[string "name"]:N` as the user knows it: a file of a .load, the Eval's name, and the line. */
function place(chunk: string, line: number, opts: ExplainOptions): { label: string; text?: string; line: number } {
  const src = sourceOf(chunk, line, opts);
  const mapped = src?.locate?.(line);
  if (mapped) return { label: `${mapped.file}:${mapped.line}`, text: mapped.text, line: mapped.line };
  const text = src?.source.split('\n')[line - 1];
  const isCurrent = src !== undefined && src === opts.current;
  const label =
    src?.label !== undefined ? `${src.label}:${line}` : isCurrent ? `input:${line}` : chunk === 'aos' ? `[string "aos"]:${line}` : `${chunk} line ${line}`;
  return { label, text, line };
}

/**
 * The error text to show. Colours are kept where the process put them
 * (callers strip them for streams that are not terminals).
 */
export function explainError(error: string, opts: ExplainOptions = {}): string {
  const stop = memoryStop(error);
  if (stop !== undefined) return stop;
  // print logs, then the banner, then the error (a compile error has neither)
  const parts = error.split(BANNER);
  let logs = parts.length > 1 ? parts.slice(0, -1).join('\n') : '';
  let err = parts[parts.length - 1]!;
  logs = dropHandlerReport(logs.replace(/^\n+/, ''));

  const errLines = err.replace(/^\s+/, '').split('\n');
  const message = errLines[0]!.replace(OS_PREFIX, '');
  // the traceback, if any: frames of the user's code only
  const frames = errLines
    .slice(1)
    .filter((l) => !OS_FRAME.test(stripAnsi(l)) && !/^\s*stack traceback:\s*$/.test(stripAnsi(l)) && l.trim() !== '');

  let shown: { text?: string; line: number } | undefined;
  const rewrite = (line: string, first: boolean): string =>
    line.replace(CHUNK_AT, (_whole, chunk: string, n: string) => {
      const at = place(chunk, Number(n), opts);
      if (first && shown === undefined) shown = at;
      return at.label;
    });

  const out: string[] = [];
  if (logs !== '') out.push(logs);
  out.push(rewrite(message, true));
  if (shown?.text !== undefined && shown.text.trim() !== '') out.push(`${String(shown.line).padStart(4)} | ${shown.text}`);
  if (frames.length > 0) out.push('stack traceback:', ...frames.map((f) => rewrite(f, false)));
  err = out.join('\n');
  return err;
}
