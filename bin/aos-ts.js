#!/usr/bin/env -S node --no-concurrent-recompilation --no-concurrent-osr --no-maglev --no-concurrent-sparkplug
// The aos-ts executable: the built CLI does the work. The V8 options above
// are the ones src/relaunch.ts would otherwise start a second Node for (the
// exit hang of nodejs/node#54918): given here, the CLI runs in this Node.
import '../dist/cli.js';
