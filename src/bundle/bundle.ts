// bundleLua: the entry file and the local modules it requires as one chunk
// (to send as one Eval), with a map back to the original files and lines.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { BundleError } from './bundle-error.js';
import { displayPath, buildGraph } from './graph.js';
import { emitBundle } from './emit.js';
import { expandPath } from './resolve.js';
import type { LineMap } from './line-map.js';

export interface BundleOptions {
  /** Where relative entry paths start (default: process.cwd()). */
  cwd?: string;
}

export interface Bundle {
  /** One Lua chunk: the modules, then the entry file. */
  source: string;
  /** Absolute paths of every bundled file, in load order (the entry last). */
  files: string[];
  /** Bundle line → original file (as shown to the user) and line. */
  map: LineMap;
  /** Modules required by name that the process OS provides (left to `require`). */
  builtins: string[];
  /** Each bundled file's own text, by the name shown to the user (load order, the entry last). */
  modules: { file: string; source: string }[];
}

/** Bundle `entryFile` (`~`, relative or absolute). Throws BundleError with a message fit for the user. */
export function bundleLua(entryFile: string, opts: BundleOptions = {}): Bundle {
  const entry = expandPath(entryFile, opts.cwd);
  if (!existsSync(entry)) {
    throw new BundleError('missing-file', `cannot load ${entryFile}: there is no file ${entry}. Check the path; relative paths start at ${opts.cwd ?? process.cwd()}.`);
  }
  const graph = buildGraph(entry);
  const show = (p: string): string => displayPath(p, dirname(entry));
  const { source, map } = emitBundle(graph.modules, show);
  const modules = graph.modules.map((m) => ({ file: show(m.path), source: m.source }));
  return { source, files: graph.modules.map((m) => m.path), map, builtins: graph.builtins, modules };
}
