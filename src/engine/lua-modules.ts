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
  const modules: LuaModuleSource[] = [];
  collect(dir, '', modules);
  if (dir === osLuaDir()) cached = modules;
  return modules;
}

// Files in sub-folders get dotted names, as aos's module build makes them:
// crypto/digest/md5.lua is ".crypto.digest.md5". A folder's init.lua is also
// the folder itself (".crypto" as well as ".crypto.init"), a separate
// instance, as aos's loader (which tries name, then name .. ".init") gives.
function collect(dir: string, prefix: string, out: LuaModuleSource[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isDirectory()) {
      collect(join(dir, entry.name), `${prefix}.${entry.name}`, out);
      continue;
    }
    if (!entry.name.endsWith('.lua')) continue;
    const bare = basename(entry.name, '.lua');
    const source = readFileSync(join(dir, entry.name), 'utf8');
    const name = `${prefix}.${bare}`;
    out.push({ name, source, alias: prefix === '' && BARE_ALIASES.has(bare) ? bare : undefined });
    if (prefix !== '' && bare === 'init') out.push({ name: prefix, source });
  }
}
