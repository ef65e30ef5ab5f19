// Bundles the interactive shell (Ink, React and our components) into one file.
// Loading one file instead of a few hundred modules brings the first prompt
// up several times sooner. wasmoon stays external (it finds its .wasm beside it).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'dist', 'repl', 'start.js')],
  outfile: join(root, 'dist', 'repl', 'shell.bundle.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['wasmoon'],
  alias: { 'react-devtools-core': join(root, 'scripts', 'devtools-stub.mjs') },
  // Some of Ink's dependencies are CommonJS and call require().
  banner: { js: "import { createRequire as __aosCreateRequire } from 'node:module'; const require = __aosCreateRequire(import.meta.url);" },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
