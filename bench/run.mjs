// Benchmarks: prints one JSON line per figure, {"name", "value", "unit"}.
// Run with `npm run bench` (builds first). Never used as a test.
import { engineBench } from './engine.mjs';
import { localBench } from './local.mjs';
import { replBench } from './repl.mjs';
import { nodeBench } from './node.mjs';

const only = process.argv[2];
const suites = { engine: engineBench, local: localBench, repl: replBench, node: nodeBench };
for (const [name, run] of Object.entries(suites)) {
  if (only && only !== name) continue;
  for await (const figure of run()) console.log(JSON.stringify(figure));
}
