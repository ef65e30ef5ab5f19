import { defineConfig } from 'vitest/config';
import LongestFirst from './test/helpers/sequencer.js';

// Three projects:
// - `shared`: in-process tests of the CLI runner, the shell, Lua libraries,
//   bundling, blueprints.
// - `fast`: the other in-process tests (engines, local networks, the node,
//   remote, publish).
// - `slow`: SIGKILL crash tests, real subprocesses and tmux.
// All three run with isolate: false: a worker imports the src graph
// once and keeps it from file to file instead of importing it again for each
// file (about 0.8 s of CPU a file). So a file there must put back what it
// changes (process.env, cwd, globals) and close what it opens (networks,
// engines, nodes, timers) before it ends.
// Tests that start a program use the built dist/, which the globalSetup
// rebuilds when it is stale. `npx vitest run --project fast --project shared`
// is the quick loop; `npm test` runs all three. The order files start in is
// test/helpers/sequencer.ts's: longest first, so both workers end together.
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
    // Longest files first, each non-isolated project in one run (see the sequencer).
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'shared', include: shared, exclude: slow, isolate: false } },
      {
        extends: true,
        test: { name: 'fast', isolate: false, include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'], exclude: [...slow, ...shared] },
      },
      { extends: true, test: { name: 'slow', isolate: false, include: slow } },
    ],
  },
});
