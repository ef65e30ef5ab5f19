// Bundles the interactive shell (Ink, React and our components) into one file.
// Loading one file instead of a few hundred modules brings the first prompt
// up several times sooner. wasmoon stays external (it finds its .wasm beside it).
//
// The bundle is CommonJS, so that V8's code cache can hold it on Node 20 too
// (src/engine/code-cache.ts; Node 22+ caches every module itself): compiling
// its megabyte is a good part of the shell's start. Two of Ink's modules
// use top-level await, which CommonJS cannot hold; both are rewritten here:
// - yoga-layout loads its wasm with `await`: the bundle starts that load and
//   leaves the promise in globalThis.__aosYogaReady, which the shell awaits
//   before its first render (src/cli/shell.ts; Ink needs yoga only to lay out);
// - Ink's reconciler awaits its devtools and its package.json only when
//   DEV=true (React devtools, not wired into aos-ts: the devtools package is a stub here).
// A rewrite that no longer finds its text (a new Ink or yoga) stops the build.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPORT_BANNER, importThroughLoader } from './import-through-loader.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const REWRITES = [
  {
    file: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/,
    from: 'const Yoga = wrapAssembly(await loadYoga());\nexport default Yoga;',
    to: 'let Yoga;\nglobalThis.__aosYogaReady = loadYoga().then((m) => { Yoga = wrapAssembly(m); });\nexport { Yoga as default };',
  },
  {
    file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    from: "        await import('./devtools.js');",
    to: '        void 0; // no React devtools in aos-ts',
  },
  {
    file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    from: '    ? await loadPackageJson()',
    to: '    ? { name: undefined, version: undefined }',
  },
];

const noTopLevelAwait = {
  name: 'aos-no-top-level-await',
  setup(b) {
    b.onLoad({ filter: /[\\/](yoga-layout|ink)[\\/].*\.js$/ }, async (args) => {
      const rewrites = REWRITES.filter((r) => r.file.test(args.path));
      if (rewrites.length === 0) return undefined;
      let text = await readFile(args.path, 'utf8');
      for (const r of rewrites) {
        if (!text.includes(r.from)) throw new Error(`bundle-shell: ${args.path} no longer has the text this build rewrites:\n${r.from}`);
        text = text.replace(r.from, r.to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [join(root, 'dist', 'repl', 'start.js')],
  outfile: join(root, 'dist', 'repl', 'shell.bundle.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['wasmoon'],
  alias: { 'react-devtools-core': join(root, 'scripts', 'devtools-stub.mjs') },
  // Its import() calls work from V8's code cache too (scripts/import-through-loader.mjs).
  plugins: [noTopLevelAwait, importThroughLoader(join(root, 'dist'))],
  // The bundle sits in dist/repl/ like the modules it holds: their `../`-style paths still resolve.
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__aosModuleUrl' },
  banner: { js: "const __aosModuleUrl = require('node:url').pathToFileURL(__filename).href;" + IMPORT_BANNER },
  logLevel: 'warning',
});
