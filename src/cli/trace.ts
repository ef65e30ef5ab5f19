// AOS_TS_TRACE=1 prints how long each start-up step took, for finding what is slow.
const t0 = performance.now();
const on = Boolean(process.env.AOS_TS_TRACE);

export function trace(step: string): void {
  if (on) process.stderr.write(`[trace ${(performance.now() - t0).toFixed(0).padStart(5)} ms] ${step}\n`);
}
