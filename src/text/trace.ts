// AOS_TS_TRACE=1 prints when each start-up step finished (ms since the program
// started, on any thread: see engine/startup-trace.ts).
export { traceStep as trace } from '../engine/startup-trace.js';
