// The text a result shows, the same in the CLI and the shell.
import type { AoResult } from '../engine/types.js';

/** Output.data, whatever shape the process gave it. */
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
