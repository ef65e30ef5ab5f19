// Temp folders of Lua files for the bundler tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const dirs: string[] = [];

/** A fresh temp folder holding `files` (relative path → content). */
export function luaTree(files: Record<string, string>, prefix = 'aos-ts-bundle-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

export function removeLuaTrees(): void {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
}
