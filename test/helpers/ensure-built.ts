// globalSetup of the slow project: its tests run the built program (dist/),
// so build it when it is missing or older than src/. `npm test` builds first
// (pretest), which makes this a quick check there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const cli = path.join(repo, 'dist', 'cli.js');
  if (fs.existsSync(cli) && newestMtime(path.join(repo, 'dist')) >= newestMtime(path.join(repo, 'src'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
}
