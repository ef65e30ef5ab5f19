// Colours: decided once per stream (flag, NO_COLOR, FORCE_COLOR, TTY), painted through chalk.
import { Chalk, type ChalkInstance } from 'chalk';

// CSI sequences (colours, cursor moves) and OSC sequences.
const ANSI_PATTERN = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Colours only for a terminal, and never when NO_COLOR or --no-color say so. */
export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false || (env.NO_COLOR ?? '') !== '') return false;
  const force = env.FORCE_COLOR ?? '';
  if (force !== '' && force !== '0' && force !== 'false') return true;
  return Boolean(stream.isTTY);
}

/** A chalk that paints (basic 16 colours) or leaves text plain. */
export function painter(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/**
 * Always paints: for text that is coloured once and stripped at the edge
 * (the shell's transcript, the CLI's forStream) when colour is off.
 */
export const paint: ChalkInstance = painter(true);
