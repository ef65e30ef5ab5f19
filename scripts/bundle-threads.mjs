// Bundles the entries of aos-ts's worker threads into one CommonJS file each,
// beside the compiled module: dist/engine/engine-worker.cjs (a process's
// engine) and dist/local/worker-host.cjs (the shell's local network). The
// code that starts a thread takes the .cjs when it exists: the thread then
// loads one file instead of tens of ES modules and skips the ES module loader
// (measured for the engine thread: ~15-20 ms less CPU per start on the 2-core
// test machine). Packages stay external. import.meta.url becomes the bundle's
// own URL: each bundle sits one folder under dist/, like the modules it
// holds, so their `../lua/`-style paths still resolve.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI_EXTERNAL = ['wasmoon', 'ink', 'ink-spinner', 'react', '@permaweb/aoconnect', 'arweave', 'conf', 'graphql', 'wrap-ansi', 'esbuild', 'react-devtools-core'];
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/**
 * The command line's import() calls go through __aosImport: on Node 20,
 * bin/aos-ts.js compiles the bundle with V8's code cache (src/cli/compile-cache.ts),
 * and code compiled from a cache has no import() of its own there (Node 20
 * loses the import callback: "A dynamic import callback was not specified").
 * The loader hands the bundle one; required plainly, the bundle uses its own.
 * Only our modules, and only the import() of a package or of a computed
 * name: esbuild puts the modules imported by relative name in the bundle
 * (a template string that holds another thread's code keeps its import()).
 */
const IMPORT_CALL = /(?<![\w$.`'"])import\((?=["'][^./]|[A-Za-z_])/g;
const importThroughLoader = {
  name: 'aos-import-through-loader',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replace(IMPORT_CALL, '__aosImport('), loader: 'js' };
    });
  },
};
const IMPORT_BANNER = "const __aosImport = typeof __aosDynamicImport === 'function' ? __aosDynamicImport : (specifier) => import(specifier);";
for (const [entry, out] of [
  ['engine/engine-worker', 'engine/engine-worker'],
  ['local/worker-host', 'local/worker-host'],
  // The command line itself (bin/aos-ts.js runs it): the main thread too.
  ['cli', 'cli/aos-ts'],
  // bin/aos-ts.js loads the command line through it on Node 20 (V8's code cache).
  ['cli/compile-cache', 'cli/compile-cache'],
]) {
  await build({
    entryPoints: [join(dist, `${entry}.js`)],
    outfile: join(dist, `${out}.cjs`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Packages stay outside, except the few small ES-only ones the command
    // line loads up front (CommonJS cannot require them on every Node 20).
    ...(out === 'cli/aos-ts' ? { external: CLI_EXTERNAL } : { packages: 'external' }),
    // import() stays import(): packages loaded later (Ink, aoconnect) are ES modules.
    supported: { 'dynamic-import': true },
    define: { 'import.meta.url': '__aosModuleUrl' },
    banner: { js: "const __aosModuleUrl = require('node:url').pathToFileURL(__filename).href;" + (out === 'cli/aos-ts' ? IMPORT_BANNER : '') },
    plugins: out === 'cli/aos-ts' ? [importThroughLoader] : [],
    logLevel: 'warning',
  });
}
