// globalSetup: tests that start a program run the built one (dist/), so
// build it when it is missing or older than what it is built from (src/, the
// build scripts, package.json, the tsconfigs). `npm install` builds (prepare);
// `npm test` relies on this check instead of building every time.
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
  const inputs = Math.max(
    newestMtime(path.join(repo, 'src')),
    newestMtime(path.join(repo, 'scripts')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => fs.statSync(path.join(repo, f)).mtimeMs),
  );
  if (fs.existsSync(cli) && newestMtime(path.join(repo, 'dist')) >= inputs) return;
  execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
}
