#!/usr/bin/env node
// Checks the shape of src/: no import cycles between files, and no folder
// importing from a folder above it (the layers in the README's Architecture).
// Prints each problem and exits 1; silent (one summary line) when all is well.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

// Higher numbers may import lower ones, never the reverse. Same-rank folders
// may not import each other unless listed in `allowed`.
const rank = {
  'cli.ts': 9,
  cli: 8,
  repl: 7,
  publish: 6,
  node: 5,
  remote: 5,
  'index.ts': 5,
  'blueprints.ts': 4,
  local: 3,
  'connection.ts': 2.5,
  bundle: 2,
  text: 2,
  engine: 1,
  lua: 0,
};
// Packages a layer may not load (what keeps the engine and store free of UI and network code).
const bannedPackages = {
  engine: ['ink', 'react', 'commander', '@permaweb/aoconnect', 'arweave'],
  local: ['ink', 'react', 'commander', '@permaweb/aoconnect'],
  text: ['ink', 'react', 'commander'],
  repl: ['commander'],
};

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (/\.(ts|tsx)$/.test(name) && !/\.d\.ts$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

function layerOf(file) {
  const top = relative(src, file).split('/')[0];
  return top in rank ? top : undefined;
}

// import/export ... from '...', and import('...') with a literal. Type-only imports count too: a
// cycle of types is still two files that cannot be read one without the other.
const STATIC = /^\s*(import|export)\s+[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  for (const m of text.matchAll(STATIC)) found.push(m[2] ?? m[3]);
  for (const m of text.matchAll(DYNAMIC)) found.push(m[1]);
  return found;
}

function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base.replace(/\.mjs$/, '.mts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  return undefined;
}

const problems = [];
const graph = new Map();
for (const file of files(src)) {
  const edges = [];
  const layer = layerOf(file);
  for (const spec of importsOf(file)) {
    if (!spec.startsWith('.')) {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (layer && bannedPackages[layer]?.includes(pkg)) problems.push(`${relative(root, file)} imports ${pkg} (not allowed in src/${layer})`);
      continue;
    }
    const target = resolveLocal(file, spec);
    if (!target) continue; // generated at build time (e.g. the shell bundle)
    edges.push(target);
    const to = layerOf(target);
    if (layer && to && layer !== to && rank[to] >= rank[layer]) {
      problems.push(`${relative(root, file)} imports ${relative(root, target)} (src/${to} is not below src/${layer})`);
    }
  }
  graph.set(file, edges);
}

// Cycles: depth-first search, each cycle reported once by its members.
const state = new Map();
const seen = new Set();
function visit(file, stack) {
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(root, f));
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
      }
    } else if (!state.has(next)) visit(next, stack);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, []);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`layers: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`layers: ${graph.size} files, no cycles, no upward imports`);
