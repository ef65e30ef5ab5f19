// aos-ts blueprints [list] | get [dir]
import { copyBlueprints, listBlueprints } from '../blueprints.js';
import { table } from '../text/width.js';
import { error, err, forStream, out } from './output.js';

export function runBlueprintsList(): number {
  const rows = listBlueprints().map((b) => [b.name, b.summary + (b.origin === 'user' ? ' (yours)' : '')]);
  const text = table(['name', 'what it is'], rows);
  out(forStream('stdout', text));
  out('Load one in the shell with .load-blueprint <name>, or copy them out with: aos-ts blueprints get [dir]');
  return 0;
}

export function runBlueprintsGet(dir: string, opts: { force?: boolean }): number {
  try {
    const copied = copyBlueprints(dir, { force: opts.force });
    for (const file of copied) out(file);
    err(`copied ${copied.length} blueprints into ${dir}`);
    return 0;
  } catch (e) {
    error((e as Error).message);
    return 1;
  }
}
