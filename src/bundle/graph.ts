// Walks the require graph from the entry file: every local module once, in
// the order they must run (dependencies first), with every name each one is
// required by. A cycle is an error: modules run once, eagerly, so one of the
// two would see the other half-made (aos recurses until the stack overflows).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { BundleError } from './bundle-error.js';
import { findRequires, type RequireSite } from './find-requires.js';
import { LuaSyntaxError } from './lua-lexer.js';
import { resolveModule } from './resolve.js';

export interface ModuleNode {
  /** Absolute path. */
  path: string;
  /** Source with newlines normalised to \n. */
  source: string;
  /** The names it was required by (empty for the entry). */
  names: string[];
}

export interface Graph {
  /** Load order: dependencies first, the entry last. */
  modules: ModuleNode[];
  /** Requires left to the process: built-in modules, by name. */
  builtins: string[];
}

/** Paths as the user knows them: relative to the entry's folder when inside it. */
export function displayPath(path: string, baseDir: string): string {
  const rel = relative(baseDir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function readLua(path: string, show: string, requiredAt?: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r\n|\n\r|\r/g, '\n');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    const where = requiredAt ? ` (required at ${requiredAt})` : '';
    throw new BundleError('missing-file', `cannot read ${show}${where}: ${why}. Check the path; relative paths start at the current folder.`);
  }
}

export function buildGraph(entryPath: string): Graph {
  const entryDir = dirname(entryPath);
  const show = (p: string) => displayPath(p, entryDir);
  const nodes = new Map<string, ModuleNode>();
  const order: ModuleNode[] = [];
  const builtins = new Set<string>();
  /** Who first claimed each module name, to catch one name meaning two files. */
  const nameOwner = new Map<string, { path: string; at: string }>();
  const stack: string[] = [];

  const visit = (path: string, requiredAt?: string): ModuleNode => {
    const seen = nodes.get(path);
    if (seen) return seen;
    const cycleStart = stack.indexOf(path);
    if (cycleStart >= 0) {
      const loop = [...stack.slice(cycleStart), path].map(show).join(' → ');
      throw new BundleError(
        'cycle',
        `circular require: ${loop}. A module runs once, before the files that require it, so a cycle cannot be bundled: move what they share into a third module.`,
      );
    }
    stack.push(path);
    const source = readLua(path, show(path), requiredAt);
    let sites: RequireSite[];
    try {
      sites = findRequires(source);
    } catch (err) {
      if (!(err instanceof LuaSyntaxError)) throw err;
      throw new BundleError('syntax', `${show(path)}:${err.line}: ${err.reason}. Fix the file and load it again.`);
    }
    const node: ModuleNode = { path, source, names: [] };
    for (const site of sites) {
      const at = `${show(path)}:${site.line}`;
      const r = resolveModule(site.name, path, entryDir);
      if (r.kind === 'builtin') {
        builtins.add(site.name);
        continue;
      }
      if (r.kind === 'missing') {
        throw new BundleError(
          'missing-module',
          `module "${site.name}" required at ${at} was not found: no ${r.tried.map(show).join(', ')}, and it is not an aos module (such as .json or .utils). Create the file or fix the name.`,
        );
      }
      const owner = nameOwner.get(site.name);
      if (owner && owner.path !== r.path) {
        throw new BundleError(
          'name-clash',
          `the module name "${site.name}" means ${show(owner.path)} at ${owner.at} but ${show(r.path)} at ${at}; a process has one module per name, so rename one of them.`,
        );
      }
      nameOwner.set(site.name, { path: r.path, at });
      const dep = visit(r.path, at);
      if (!dep.names.includes(site.name)) dep.names.push(site.name);
    }
    stack.pop();
    nodes.set(path, node);
    order.push(node);
    return node;
  };

  visit(entryPath);
  return { modules: order, builtins: [...builtins] };
}
