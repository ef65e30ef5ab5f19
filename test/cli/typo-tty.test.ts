// A mistyped command in a real terminal (issue 15 item 6): asked about, and the
// process is created only on y.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';
import { hasTmux, Terminal } from '../helpers/tmux.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
});

const count = (dataDir: string): number => (existsSync(join(dataDir, 'processes')) ? readdirSync(join(dataDir, 'processes')).length : 0);

describe.skipIf(!hasTmux)('aos-ts spwan in a terminal', () => {
  it('asks "Did you mean `aos-ts spawn`?"; no creates nothing', async () => {
    const dataDir = tempDataDir();
    const t = new Terminal(dataDir, ['spwan', '--run', 'return 1']);
    terminals.push(t);
    await t.waitFor(/Did you mean `aos-ts spawn`\? \[y\/N\] creates process 'spwan' only if you say y:/);
    await t.line('n');
    await t.waitFor(/aos-ts: nothing was created\. For the command, run `aos-ts spawn \.\.\.`\.\s+EXITED 1/);
    expect(count(dataDir)).toBe(0);
  });

  it('y creates the process and runs', async () => {
    const dataDir = tempDataDir();
    const t = new Terminal(dataDir, ['spwan', '--run', 'return 6 * 7']);
    terminals.push(t);
    await t.waitFor(/Did you mean/);
    await t.line('y');
    const screen = await t.waitFor(/EXITED 0/);
    expect(screen).toMatch(/\n42\n/);
    expect(count(dataDir)).toBe(1);
  });
});
