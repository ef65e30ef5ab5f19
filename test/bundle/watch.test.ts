// .load --watch: a change to any bundled file gives a new bundle, debounced;
// a broken edit reports an error and watching goes on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchBundle, type Bundle } from '../../src/bundle/index.js';
import { luaTree, removeLuaTrees } from './helpers.js';

afterEach(() => removeLuaTrees());

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the watcher');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watchBundle', () => {
  it('re-bundles when a required module changes, once per burst, and survives a broken edit', async () => {
    const root = luaTree({ 'main.lua': 'return require("lib.m")', 'lib/m.lua': 'return 1' });
    const bundles: Bundle[] = [];
    const errors: Error[] = [];
    const w = watchBundle(join(root, 'main.lua'), (b) => bundles.push(b), (e) => errors.push(e), { debounceMs: 80 });
    try {
      expect(w.files).toEqual([join(root, 'lib/m.lua'), join(root, 'main.lua')]);
      for (let i = 2; i <= 5; i++) writeFileSync(join(root, 'lib/m.lua'), `return ${i}`);
      await until(() => bundles.length > 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(bundles).toHaveLength(1);
      expect(bundles[0]!.source).toContain('return 5');

      writeFileSync(join(root, 'main.lua'), 'return require("lib.gone")');
      await until(() => errors.length > 0);
      expect(errors[0]!.message).toMatch(/module "lib\.gone" required at main\.lua:1 was not found/);

      // Creating the missing module fixes it.
      writeFileSync(join(root, 'lib/gone.lua'), 'return "back"');
      await until(() => bundles.length > 1);
      expect(bundles[1]!.source).toContain('return "back"');
    } finally {
      w.close();
    }
  });
});
