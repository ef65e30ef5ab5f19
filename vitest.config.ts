import { defineConfig } from 'vitest/config';

// Two projects: `fast` (everything in-process, seconds) and `slow` (SIGKILL
// crash tests, real subprocesses and tmux). `npx vitest run --project fast`
// is the quick loop; `npm test` runs both.
const slow = ['test/local/*-crash.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'], exclude: slow },
      },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
