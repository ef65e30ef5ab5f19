// AOS_TS_TRACE=1: when each start-up step finished, in ms since the program
// started, from any thread (an engine thread's clock starts later than the
// program's: the program's start travels to it in the environment).
import { writeSync } from 'node:fs';

const on = Boolean(process.env.AOS_TS_TRACE);
const origin = on ? Number((process.env.AOS_TS_TRACE_ORIGIN ??= String(performance.timeOrigin))) : 0;

export function traceStep(step: string): void {
  if (!on) return;
  const ms = performance.timeOrigin + performance.now() - origin;
  // Written at once, also from an engine thread (whose process.stderr goes through the main thread).
  writeSync(2, `[trace ${ms.toFixed(0).padStart(5)} ms] ${step}\n`);
}
