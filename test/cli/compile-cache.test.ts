// The code cache bin/aos-ts.js loads the CLI bundle with on Node 20
// (src/engine/code-cache.ts): written once, used by the next run, never used
// for a changed bundle, and a bundle loaded through it behaves as under require().
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const LOADER = fileURLToPath(new URL('../../dist/engine/code-cache.cjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'aos-code-cache-'));
  dirs.push(d);
  return d;
}

/** Load `file` through the loader in a new Node; what it printed, and whether V8 refused a cache it was given. */
function load(file: string, cacheHome: string): { out: string; err: string; status: number | null } {
  const script = `const l = require(${JSON.stringify(LOADER)}); const m = l.requireCached(${JSON.stringify(file)}, 'test'); console.log(JSON.stringify(m));`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8', timeout: 30_000 });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

describe('requireCached', () => {
  it('runs a CommonJS file as require() does (its exports, __dirname, require), with an import() that works from the cache too', async () => {
    const dir = scratch();
    const cache = scratch();
    const file = join(dir, 'b.cjs');
    writeFileSync(join(dir, 'dep.mjs'), 'export const answer = 42;\n');
    // As the CLI bundle is built: its import() calls go through the function the loader hands it.
    const source = [
      '#!/usr/bin/env node',
      "const p = require('node:path');",
      `module.exports = { base: p.basename(__dirname) === ${JSON.stringify(basename(dir))}, sum: [1, 2, 3].reduce((a, b) => a + b) };`,
      "const imp = typeof __aosDynamicImport === 'function' ? __aosDynamicImport : (s) => import(s);",
      "Promise.all([imp('node:os'), imp('./dep.mjs')]).then(([os, dep]) => console.log('import', typeof os.tmpdir, dep.answer), (e) => console.log('import failed', e.message));",
    ].join('\n');
    writeFileSync(file, source);
    const lines = ['{"base":true,"sum":6}', 'import function 42'];
    const first = load(file, cache);
    expect(first.status).toBe(0);
    expect(first.out.split('\n')).toEqual(lines);
    expect(first.err).toBe('');
    const written = readdirSync(join(cache, 'aos-ts', 'code'));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^b\.cjs\.test\..*\.v8$/);
    // The second run finds it and keeps it, and its import() still works (Node 20 loses a cached script's own).
    const second = load(file, cache);
    expect(second.out.split('\n')).toEqual(lines);
    expect(second.err).toBe('');
    expect(readdirSync(join(cache, 'aos-ts', 'code'))).toEqual(written);
  });

  it('never runs the cache of an earlier build: a changed file of the same length gets its own, and the old one goes', () => {
    const dir = scratch();
    const cache = scratch();
    const file = join(dir, 'b.cjs');
    writeFileSync(file, 'module.exports = { v: "one" };\n');
    expect(load(file, cache).out).toBe('{"v":"one"}');
    const before = readdirSync(join(cache, 'aos-ts', 'code'));
    writeFileSync(file, 'module.exports = { v: "two" };\n');
    // A later modification time, as a rebuild leaves.
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(load(file, cache).out).toBe('{"v":"two"}');
    const after = readdirSync(join(cache, 'aos-ts', 'code'));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('runs without a cache when its folder cannot be made', () => {
    const dir = scratch();
    const file = join(dir, 'b.cjs');
    writeFileSync(file, 'module.exports = 7;\n');
    // A file where the cache folder should be.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, '');
    const r = load(file, blocked);
    expect(r.status).toBe(0);
    expect(r.out).toBe('7');
  });
});
