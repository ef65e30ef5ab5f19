import { defineConfig } from 'vitest/config';

// Two projects: `fast` (everything in-process) and `slow` (SIGKILL crash
// tests, real subprocesses and tmux). Tests that start a program use the
// built dist/, which the globalSetup rebuilds when it is stale. `npx vitest run --project fast` is the
// quick loop; `npm test` runs both.
const slow = ['test/local/*-crash.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default on a 2-core machine is one worker; many files wait on
    // child programs, tmux or timers, so two keep both cores busy.
    maxWorkers: 2,
    globalSetup: ['test/helpers/ensure-built.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'], exclude: slow },
      },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
