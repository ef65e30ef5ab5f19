// Where a required module comes from: a local file, or a module the process
// OS already has. Local files are looked for next to the requiring file
// first, then next to the entry file (aos only tries the entry's folder).
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadOsModules } from '../engine/lua-modules.js';

/** `~` and `~/x` mean the home folder; relative paths are taken from `cwd`. */
export function expandPath(path: string, cwd = process.cwd()): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

let builtins: Set<string> | undefined;

/** Libraries that sit in package.loaded of every process (bit32 comes with AO's Lua 5.3 dialect). */
const LUA_LIBRARIES = ['_G', 'bit32', 'coroutine', 'debug', 'math', 'os', 'package', 'string', 'table', 'utf8'];

/** Names `require` finds in every process without bundling: `.json`, `json`, `.utils`, `bit32`, ... */
export function builtinModules(): Set<string> {
  if (!builtins) {
    builtins = new Set(LUA_LIBRARIES);
    for (const m of loadOsModules()) {
      builtins.add(m.name);
      if (m.alias) builtins.add(m.alias);
    }
  }
  return builtins;
}

/** The relative paths a module name may live at: `a.b` → `a/b.lua`, `a/b/init.lua`. */
export function candidatePaths(name: string): string[] {
  const rel = name.replace(/^\./, '').split('.').join('/');
  if (rel === '' || rel.split('/').some((p) => p === '')) return [];
  return [`${rel}.lua`, `${rel}/init.lua`];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export type Resolution = { kind: 'file'; path: string } | { kind: 'builtin' } | { kind: 'missing'; tried: string[] };

/** Resolve `name` required from `fromFile`, in a bundle whose entry folder is `entryDir`. */
export function resolveModule(name: string, fromFile: string, entryDir: string): Resolution {
  const dirs = [...new Set([dirname(fromFile), entryDir])];
  const tried: string[] = [];
  for (const dir of dirs) {
    for (const rel of candidatePaths(name)) {
      const p = join(dir, rel);
      tried.push(p);
      if (isFile(p)) return { kind: 'file', path: p };
    }
  }
  if (builtinModules().has(name)) return { kind: 'builtin' };
  return { kind: 'missing', tried };
}

