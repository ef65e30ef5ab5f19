// What a newcomer tripped over with a shell open (issue 15's walk-through, in a real terminal):
// `--run` on the process the shell holds hands the Eval to the shell and prints its result,
// instead of the lock error.
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { hasTmux, Terminal } from '../helpers/tmux.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
});

function open(dataDir: string, args: string[]): Terminal {
  const t = new Terminal(dataDir, args);
  terminals.push(t);
  return t;
}

describe.skipIf(!hasTmux)('--run on a process a shell has open', () => {
  it('is handled by the shell, and its result (or error) shows in the script', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir, ['shop']);
    await t.waitFor(/shop@aos-2\.0\.4\[Inbox:\d+\]>/);
    await t.line('Counter = 40 return "ready"');
    await t.waitFor(/\nready\n/);

    const run = await aos(['shop', '--run', 'Counter = Counter + 2 return Counter'], { dataDir });
    expect(run.stderr).not.toMatch(/lock|delete/i);
    expect(run.stderr).toMatch(/"shop" is open in another aos-ts \(pid \d+\): it handles this there/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('42\n');

    // the shell kept it: its own read sees the new value
    await t.line('return Counter');
    await t.waitFor(/> return Counter\n42\n/);

    const bad = await aos(['shop', '-q', '--run', 'local t = nil\nreturn t.x'], { dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^input:2: attempt to index a nil value \(local 't'\)\n {3}2 \| return t\.x\n$/);

    const dry = await aos(['shop', '-q', '--dry-run', '--run', 'Counter = 0 return Counter'], { dataDir });
    expect(dry.stdout).toBe('0\n');
    const after = await aos(['shop', '-q', '--run', 'return Counter'], { dataDir });
    expect(after.stdout).toBe('42\n');
  });
});
