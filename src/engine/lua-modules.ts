// Finds the Lua files of the process OS. They sit in src/lua (tests, tsx) or
// dist/lua (the built CLI), which is ../lua from this file in both layouts.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LuaModuleSource {
  /** The name `require` knows it by, e.g. ".handlers". */
  name: string;
  source: string;
  /** Also reachable as require(alias), as the same module instance. */
  alias?: string;
}

/** Modules that aos also exposes without the leading dot (require('json')). */
const BARE_ALIASES = new Set(['json', 'base64', 'ao', 'utils']);

let cached: LuaModuleSource[] | undefined;

export function osLuaDir(): string {
  return fileURLToPath(new URL('../lua/', import.meta.url));
}

export function loadOsModules(dir = osLuaDir()): LuaModuleSource[] {
  if (cached && dir === osLuaDir()) return cached;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort();
  const modules: LuaModuleSource[] = [];
  for (const file of files) {
    const bare = basename(file, '.lua');
    const source = readFileSync(join(dir, file), 'utf8');
    modules.push({ name: `.${bare}`, source, alias: BARE_ALIASES.has(bare) ? bare : undefined });
  }
  if (dir === osLuaDir()) cached = modules;
  return modules;
}
