#!/usr/bin/env -S node --no-concurrent-recompilation --no-concurrent-osr --no-maglev --no-concurrent-sparkplug
// The aos-ts executable: the built CLI does the work. The V8 options above
// are the ones src/relaunch.ts would otherwise start a second Node for (the
// exit hang of nodejs/node#54918): given here, the CLI runs in this Node.
// The CLI loads as one CommonJS bundle when the build made it (tens of ES
// modules cost the ES module loader noticeably more at every start), unless
// dist/cli.js is newer (compiled again without bundling).
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/aos-ts.cjs', import.meta.url));
const modules = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;
if ((mtime(bundle) ?? -1) >= (mtime(modules) ?? Infinity)) createRequire(import.meta.url)(bundle);
else await import('../dist/cli.js');
