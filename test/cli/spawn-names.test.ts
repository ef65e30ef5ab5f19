// A process may not take the name of an aos-ts command: `aos-ts <name>` would
// run the command instead of opening it. The names come from the commands the
// CLI registers, so every command is covered, not a list kept by hand.
import { afterAll, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';

afterAll(() => removeTempDirs());

describe('aos-ts spawn <command name>', () => {
  it('refuses every registered command name, and still spawns an ordinary name', async () => {
    const dataDir = tempDataDir();
    for (const name of ['serve', 'publish', 'wallet', 'blueprints', 'spawn', 'send', 'list', 'inbox', 'help']) {
      const r = await aos(['spawn', name], { dataDir });
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(new RegExp(`^aos-ts: "${name}" is an aos-ts command`));
    }
    const ok = await aos(['spawn', 'server'], { dataDir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
