// A process must replay byte for byte in any program: the engine's memory may
// not depend on the host (script path, environment, language).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

it('gives the same state whatever the host program is called and whatever its environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aos-host-'));
  try {
    const fixture = fileURLToPath(new URL('./fixtures/digest.mjs', import.meta.url));
    const short = join(dir, 'a.mjs');
    const long = join(dir, 'a-host-program-with-a-much-longer-file-name-than-the-other.mjs');
    copyFileSync(fixture, short);
    copyFileSync(fixture, long);
    const mods = [
      pathToFileURL(fileURLToPath(new URL('../../dist/engine/process-engine.js', import.meta.url))).href,
      pathToFileURL(fileURLToPath(new URL('../../dist/engine/memory-image.js', import.meta.url))).href,
    ];
    const run = (file: string, env: NodeJS.ProcessEnv) => execFileSync(process.execPath, [file, ...mods], { env: { ...process.env, ...env }, encoding: 'utf8' });
    const a = run(short, { LANG: 'C' });
    const b = run(long, { LANG: 'de_DE.UTF-8', EXTRA_VARIABLE: 'x'.repeat(300) });
    expect(JSON.parse(a).state).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
