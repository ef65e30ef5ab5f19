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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPORT_BANNER, importThroughLoader } from './import-through-loader.mjs';

const CLI_EXTERNAL = ['wasmoon', 'ink', 'ink-spinner', 'react', '@permaweb/aoconnect', 'arweave', 'conf', 'graphql', 'wrap-ansi', 'esbuild', 'react-devtools-core'];
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/**
 * commander loads node:child_process up front (and with it net, dgram and
 * their streams: a few ms of every start) for executable subcommands, which
 * aos-ts has none of: it gets child_process when it first spawns. A rewrite
 * that no longer finds its text (a new commander) stops the build.
 */
const lazyChildProcess = {
  name: 'aos-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const from = "const childProcess = require('node:child_process');";
      if (!text.includes(from)) throw new Error(`bundle-threads: ${args.path} no longer has the line this build rewrites: ${from}`);
      return { contents: text.replace(from, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};

for (const [entry, out] of [
  ['engine/engine-worker', 'engine/engine-worker'],
  ['local/worker-host', 'local/worker-host'],
  // The command line itself (bin/aos-ts.js runs it): the main thread too.
  ['cli', 'cli/aos-ts'],
  // bin/aos-ts.js loads the command line through it on Node 20 (V8's code cache).
  ['engine/code-cache', 'engine/code-cache'],
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
    // Their import() calls work from V8's code cache (scripts/import-through-loader.mjs); the loader's own stay.
    banner: { js: "const __aosModuleUrl = require('node:url').pathToFileURL(__filename).href;" + (out === 'engine/code-cache' ? '' : IMPORT_BANNER) },
    plugins: out === 'engine/code-cache' ? [] : [importThroughLoader(dist), ...(out === 'cli/aos-ts' ? [lazyChildProcess] : [])],
    logLevel: 'warning',
  });
}
