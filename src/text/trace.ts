// AOS_TS_TRACE=1 prints when each start-up step finished (ms since the program
// started: performance.now() counts from there in every copy of this module).
const on = Boolean(process.env.AOS_TS_TRACE);

export function trace(step: string): void {
  if (on) process.stderr.write(`[trace ${performance.now().toFixed(0).padStart(5)} ms] ${step}\n`);
}
