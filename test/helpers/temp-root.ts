// globalSetup: every test file, and every program a test starts, makes its
// temporary files under one folder for the run (TMPDIR, which os.tmpdir()
// and child programs read), removed when the run ends; so what a test leaves
// behind (a failed test skipping its cleanup, a killed child, the shell's .pad
// files) does not pile up in /tmp. The test wallet, made once a machine, stays in
// the real temporary folder (AOS_TS_TEST_CACHE_DIR names it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // vitest runs a global setup once for each project: the first one makes the folder.
  if (process.env.AOS_TS_TEST_RUN_DIR !== undefined) return () => undefined;
  const saved = { TMPDIR: process.env.TMPDIR, AOS_TS_TEST_CACHE_DIR: process.env.AOS_TS_TEST_CACHE_DIR, AOS_TS_TEST_RUN_DIR: undefined };
  const real = tmpdir();
  const root = mkdtempSync(join(real, 'aos-ts-run-'));
  process.env.AOS_TS_TEST_CACHE_DIR ??= real;
  process.env.TMPDIR = root;
  process.env.AOS_TS_TEST_RUN_DIR = root;
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
}
