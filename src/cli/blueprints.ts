// aos-ts blueprints [list] | get [dir]
import { copyBlueprints, listBlueprints } from '../blueprints.js';
import { table } from '../repl/format.js';
import { stripAnsi, useColor } from './output.js';

export function runBlueprintsList(): number {
  const rows = listBlueprints().map((b) => [b.name, b.summary + (b.origin === 'user' ? ' (yours)' : '')]);
  const text = table(['name', 'what it is'], rows);
  process.stdout.write(`${useColor(undefined, process.stdout) ? text : stripAnsi(text)}\n`);
  process.stdout.write('Load one in the shell with .load-blueprint <name>, or copy them out with: aos-ts blueprints get [dir]\n');
  return 0;
}

export function runBlueprintsGet(dir: string, opts: { force?: boolean }): number {
  try {
    const copied = copyBlueprints(dir, { force: opts.force });
    for (const file of copied) process.stdout.write(`${file}\n`);
    process.stderr.write(`copied ${copied.length} blueprints into ${dir}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`aos-ts: ${(err as Error).message}\n`);
    return 1;
  }
}
