// Child programs for the storage tests (crash and lock tests); temp dirs come from test/helpers/temp.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export { tempDir } from '../helpers/temp.js';

// Fixtures are bundled once to plain JS: starting a child under tsx costs
// ~0.5 s of CPU, which would dominate the crash tests.
const bundles = new Map<string, string>();
const children = new Set<ChildProcess>();

/** Call from afterAll in files that run fixtures: kills leftovers (a failed test may skip its kill) and removes bundles. */
export function cleanupFixtures(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  for (const file of bundles.values()) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  bundles.clear();
}
function bundled(name: string): string {
  let out = bundles.get(name);
  if (!out) {
    out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aos-fixture-')), name.replace(/\.ts$/, '.mjs'));
    buildSync({ entryPoints: [path.join(here, 'fixtures', name)], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
    bundles.set(name, out);
  }
  return out;
}

/** The bundled JS of a fixture, to start some other way than runFixture. */
export function fixtureScript(name: string): string {
  return bundled(name);
}

/** Start a fixture from test/local/fixtures as a separate Node program. */
export function runFixture(name: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const child = spawn(process.execPath, [bundled(name), ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  return child;
}

/** Resolve once the child printed a line matching `re`. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} from child within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => re.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before printing ${re}; stderr: ${err}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}
