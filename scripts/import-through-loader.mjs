// An esbuild plugin for the CommonJS bundles that bin/aos-ts.js may load with
// V8's code cache (src/engine/code-cache.ts): their import() calls go through
// __aosImport. Node 20 loses the import callback of code compiled from cached
// data ("A dynamic import callback was not specified"), so the loader hands
// the bundle an import function of its own; required plainly, the bundle uses
// its own import(). Only our modules (under dist/) are rewritten, and only
// the import() of a package or of a computed name: esbuild puts the modules
// imported by relative name in the bundle (and a template string holding
// another thread's code, `import(${...})`, keeps its import()).
import { readFile } from 'node:fs/promises';
import { sep } from 'node:path';

const IMPORT_CALL = /(?<![\w$.`'"])import\((?=["'][^./]|[A-Za-z_])/g;

/** The banner line that defines __aosImport (before the bundle's code). */
export const IMPORT_BANNER = "const __aosImport = typeof __aosDynamicImport === 'function' ? __aosDynamicImport : (specifier) => import(specifier);";

/** The plugin, for the modules under `dist`. */
export function importThroughLoader(dist) {
  return {
    name: 'aos-import-through-loader',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!args.path.startsWith(dist + sep)) return undefined;
        const text = await readFile(args.path, 'utf8');
        return { contents: text.replace(IMPORT_CALL, '__aosImport('), loader: 'js' };
      });
    },
  };
}
