// What the shell's dot-commands need from the host: the .load bundler (and
// its watcher), blueprints, and local names for .send.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { bundleLua, watchBundle, type Bundle } from '../bundle/index.js';
import { blueprintSource, listBlueprints } from '../blueprints.js';
import type { LoadedBundle, SessionServices } from '../repl/context.js';

export function replServices(resolveTarget: (nameOrId: string) => Promise<string | undefined>): SessionServices {
  return {
    resolveTarget: (nameOrId) => resolveTarget(nameOrId).catch(() => undefined),
    bundle: async (path) => loaded(bundleLua(path)),
    watch: (path, onBundle, onError) => watchBundle(path, (b) => onBundle(loaded(b)), onError),
    blueprints: () => listBlueprints().map((b) => ({ name: b.name, summary: b.summary })),
    blueprintSource: (name) => blueprintSource(name),
  };
}

/** A bundle as the shell uses it: errors map back to the file, line and source text. */
export function loaded(b: Bundle): LoadedBundle {
  // The map names files relative to the entry file's folder (the entry comes last).
  const base = dirname(b.files[b.files.length - 1] ?? process.cwd());
  const lines = new Map<string, string[]>();
  const textOf = (file: string, line: number) => {
    const path = resolve(base, file);
    if (!lines.has(path)) {
      try {
        lines.set(path, readFileSync(path, 'utf8').split('\n'));
      } catch {
        lines.set(path, []);
      }
    }
    return lines.get(path)![line - 1];
  };
  return {
    source: b.source,
    files: b.files.map((f) => relative(base, f) || f),
    modules: b.modules,
    locate: (bundleLine) => {
      const at = b.map.locate(bundleLine);
      return at && { file: at.file, line: at.line, text: textOf(at.file, at.line) };
    },
  };
}
