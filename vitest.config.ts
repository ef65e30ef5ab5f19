import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.js';

// Three projects:
// - `shared`: in-process tests that leave nothing running behind them (the CLI
//   runner, the shell, Lua libraries, bundling, blueprints). They run with
//   isolate: false, so one worker imports the src graph once instead of once a
//   file (about 0.8 s of CPU a file). A file here must put back what it
//   changes (process.env, cwd, globals) and close what it opens.
// - `fast`: the other in-process tests (engines, local networks, the node,
//   remote, publish), each file in a fresh worker: they run engine threads into
//   their time limits and start background timers, which must not outlive the file.
// - `slow`: SIGKILL crash tests, real subprocesses and tmux.
// Tests that start a program use the built dist/, which the globalSetup
// rebuilds when it is stale. `npx vitest run --project fast --project shared`
// is the quick loop; `npm test` runs all three.
const slow = ['test/local/*-crash.test.ts', 'test/e2e/**/*.test.ts'];
const shared = [
  'test/cli/**/*.test.ts',
  'test/repl/**/*.test.ts',
  'test/repl/**/*.test.tsx',
  'test/lua/**/*.test.ts',
  'test/text/**/*.test.ts',
  'test/bundle/**/*.test.ts',
  'test/blueprints/**/*.test.ts',
  'test/loader/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default on a 2-core machine is one worker; many files wait on
    // child programs, tmux or timers, so two keep both cores busy.
    maxWorkers: 2,
    globalSetup: ['test/helpers/ensure-built.ts', 'test/helpers/temp-root.ts'],
    // Longest files first, the shared project last (see the sequencer).
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'shared', include: shared, exclude: slow, isolate: false } },
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'], exclude: [...slow, ...shared] },
      },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
