// Blueprints: ready-made Lua programs to load into a process. The bundled
// ones live in the package's blueprints/ folder; a user's own folder
// ($AOS_TS_BLUEPRINTS) adds to them and overrides same-named ones.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BlueprintInfo {
  /** File name without .lua, e.g. "token". */
  name: string;
  /** The first comment line, without the dashes. */
  summary: string;
  /** Absolute path. */
  file: string;
  origin: 'bundled' | 'user';
}

/** The package root: the nearest folder above this module holding package.json (src/ under vitest, dist/ when built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('aos-ts cannot find its own package.json, so its blueprints folder is unknown; reinstall aos-ts.');
    dir = up;
  }
  return dir;
}

export function bundledBlueprintsDir(): string {
  return join(packageRoot(), 'blueprints');
}

/** The user's folder from AOS_TS_BLUEPRINTS, if set. */
export function userBlueprintsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.AOS_TS_BLUEPRINTS;
  return dir && dir.trim() !== '' ? dir : undefined;
}

function summaryOf(file: string): string {
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*--+\s*(.*?)\s*$/.exec(line);
    if (m && m[1]) return m[1];
    if (line.trim() !== '' && !m) break;
  }
  return '';
}

function scan(dir: string, origin: BlueprintInfo['origin']): BlueprintInfo[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    if (origin === 'user') {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'there is no such folder' : code === 'ENOTDIR' ? 'it is a file, not a folder' : code === 'EACCES' ? 'you may not read it' : (err as Error).message;
      throw new Error(`cannot read the blueprints folder ${dir} (from AOS_TS_BLUEPRINTS): ${why}. Fix the path or unset AOS_TS_BLUEPRINTS.`);
    }
    throw err;
  }
  return entries
    .filter((f) => f.endsWith('.lua'))
    .map((f) => {
      const file = join(dir, f);
      return { name: basename(f, '.lua'), summary: summaryOf(file), file, origin };
    });
}

/** Every blueprint, by name; the user's folder wins over the bundled one. */
export function listBlueprints(env: NodeJS.ProcessEnv = process.env): BlueprintInfo[] {
  const byName = new Map<string, BlueprintInfo>();
  for (const b of scan(bundledBlueprintsDir(), 'bundled')) byName.set(b.name, b);
  const user = userBlueprintsDir(env);
  if (user) for (const b of scan(user, 'user')) byName.set(b.name, b);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The blueprint called `name` ("token" or "token.lua"); an error listing the known names otherwise. */
export function findBlueprint(name: string, env: NodeJS.ProcessEnv = process.env): BlueprintInfo {
  const all = listBlueprints(env);
  const wanted = name.replace(/\.lua$/, '');
  const found = all.find((b) => b.name === wanted);
  if (!found) {
    throw new Error(`there is no blueprint "${name}"; known blueprints: ${all.map((b) => b.name).join(', ')}.`);
  }
  return found;
}

/** The Lua source of a blueprint, to send as one Eval. */
export function blueprintSource(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return readFileSync(findBlueprint(name, env).file, 'utf8');
}

export interface CopyOptions {
  /** Overwrite files that already exist in the destination. */
  force?: boolean;
  /** Only these blueprints (default: all). */
  names?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Copy blueprints into `destDir` (made if missing), to read and adapt. Refuses,
 * before copying anything, when a file would be overwritten and `force` is not set.
 * Returns the paths written.
 */
export function copyBlueprints(destDir: string, opts: CopyOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const chosen = opts.names ? opts.names.map((n) => findBlueprint(n, env)) : listBlueprints(env);
  const targets = chosen.map((b) => ({ from: b.file, to: join(destDir, `${b.name}.lua`) }));
  if (!opts.force) {
    const clashes = targets.filter((t) => existsSync(t.to)).map((t) => t.to);
    if (clashes.length > 0) {
      throw new Error(`not copying blueprints: ${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''}. Copy into another folder, or use --force to overwrite.`);
    }
  }
  mkdirSync(destDir, { recursive: true });
  for (const t of targets) copyFileSync(t.from, t.to);
  return targets.map((t) => t.to);
}
