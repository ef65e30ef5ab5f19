// AOS_TS_BLUEPRINTS naming a missing folder: one clear line, exit 1, no stack trace (issue 15 item 5).
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';

afterEach(() => removeTempDirs());

it('`blueprints` with AOS_TS_BLUEPRINTS at a missing folder names the folder and the fix', async () => {
  const missing = join(tempDir(), 'no-such-folder');
  for (const args of [['blueprints'], ['blueprints', 'list']]) {
    const r = await aos(args, { env: { AOS_TS_BLUEPRINTS: missing } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the blueprints folder ${missing} (from AOS_TS_BLUEPRINTS)`);
    expect(r.stderr).toContain('unset AOS_TS_BLUEPRINTS');
    // in words, not Node's `ENOENT: no such file or directory, scandir '...'`
    expect(r.stderr).toContain(': there is no such folder.');
    expect(r.stderr).not.toMatch(/ENOENT|scandir/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }
});
