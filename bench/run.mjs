// Benchmarks: prints one JSON line per figure, {"name", "value", "unit"}.
// Run with `npm run bench` (builds first), or `node bench/run.mjs <suite>`
// for one suite. Never used as a test.
import { cliBench } from './cli.mjs';
import { engineBench } from './engine.mjs';
import { libraryBench } from './library.mjs';
import { limitsBench } from './limits.mjs';
import { localBench } from './local.mjs';
import { replBench } from './repl.mjs';
import { nodeBench } from './node.mjs';

const only = process.argv[2];
const suites = { repl: replBench, cli: cliBench, engine: engineBench, local: localBench, library: libraryBench, node: nodeBench, limits: limitsBench };
if (only && !(only in suites)) {
  console.error(`no bench suite "${only}"; the suites are ${Object.keys(suites).join(', ')}`);
  process.exit(1);
}
for (const [name, run] of Object.entries(suites)) {
  if (only && only !== name) continue;
  for await (const figure of run()) console.log(JSON.stringify(figure));
}
