#!/usr/bin/env -S node --no-concurrent-recompilation --no-concurrent-osr --no-maglev --no-concurrent-sparkplug
// The aos-ts executable: the built CLI does the work. The V8 options above
// are the ones src/relaunch.ts would otherwise start a second Node for (the
// exit hang of nodejs/node#54918): given here, the CLI runs in this Node.
// The CLI loads as one CommonJS bundle when the build made it (tens of ES
// modules cost the ES module loader noticeably more at every start).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/aos-ts.cjs', import.meta.url));
if (existsSync(bundle)) createRequire(import.meta.url)(bundle);
else await import('../dist/cli.js');
