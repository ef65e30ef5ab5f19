// The CLI's one output module: where text goes (stdout, stderr, stdin, env),
// notices, errors (`aos-ts: ...`), JSON, and yes/no prompts (tables: text/width.js,
// kept out of here because measuring text widths loads ICU data, which costs
// every command that prints no table, `--run` included, tens of ms).
// Commands never touch process.stdout directly, so tests can run them in-process.
import { painter, stripAnsi, useColor } from '../text/ansi.js';
import { wrapWords } from '../text/wrap.js';
import { io } from './io.js';

export { io, withIo, type CliIo, type CliStream } from './io.js';

export interface OutputOptions {
  color?: boolean;
  quiet?: boolean;
}

/** Whether the CLI's stdout (or stderr) should carry colours, from --no-color, NO_COLOR, FORCE_COLOR and the TTY. */
export function colorFor(stream: 'stdout' | 'stderr', opts: OutputOptions = {}): boolean {
  const { env } = io();
  return useColor(opts.color, io()[stream], env);
}

/** Text for a stream: ANSI colours kept only when that stream should have them. */
export function forStream(stream: 'stdout' | 'stderr', text: string, opts: OutputOptions = {}): string {
  return colorFor(stream, opts) ? text : stripAnsi(text);
}

export function out(text: string): void {
  io().stdout.write(`${text}\n`);
}

/** On stderr; on a terminal, long lines break between words (notices and errors are prose). */
export function err(text: string): void {
  const { stderr } = io();
  const wrapped = stderr.isTTY === true && stderr.columns !== undefined ? wrapWords(text, stderr.columns) : text;
  stderr.write(`${wrapped}\n`);
}

/** `aos-ts: <message>` on stderr. */
export function error(message: string): void {
  err(`aos-ts: ${message}`);
}

/** Notices for stderr (dimmed on a terminal); silent with --quiet. */
export function noticeWriter(opts: OutputOptions): (text: string) => void {
  return (text: string) => {
    if (opts.quiet) return;
    err(painter(colorFor('stderr', opts)).gray(text));
  };
}

/** JSON on stdout; the colour codes a process put in its strings stay only when stdout shows colours. */
export function printJson(value: unknown, opts: OutputOptions = {}): void {
  const keep = colorFor('stdout', opts);
  out(JSON.stringify(value, keep ? undefined : (_key: string, v: unknown) => (typeof v === 'string' ? stripAnsi(v) : v), 2));
}

/** A mistake in what the user typed: reported as `aos-ts: <message>`, exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Run a command body: errors become `aos-ts: <message>` on stderr and exit code 1. */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

/** Whether a person can answer a question (stdin and stderr are terminals). */
export function canAsk(): boolean {
  const { stdin, stderr } = io();
  return stdin.isTTY === true && stderr.isTTY === true;
}

/** One line typed by the user, the question on stderr. */
export async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io().stdin, output: io().stderr as NodeJS.WritableStream });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** A yes/no question; anything but y or yes is no. */
export async function confirm(question: string): Promise<boolean> {
  const answer = (await ask(question)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}
