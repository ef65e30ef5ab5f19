// What a newcomer tripped over with a shell open (issue 15's walk-through, in a real terminal):
// `--run` on the process the shell holds hands the Eval to the shell and prints its result,
// instead of the lock error; long table cells, the Tab list and a .load error's coloured
// source line are broken between words at the terminal's width.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aos } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { hasTmux, Terminal } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
});

function open(dataDir: string, args: string[], size?: { cols: number; rows: number }): Terminal {
  const t = new Terminal(dataDir, args, size);
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

describe.skipIf(!hasTmux)('what the shell prints fits the terminal', () => {
  it('.blueprints, the Tab list and a .load syntax error break between words, under their column', async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'lib'));
    writeFileSync(join(dataDir, 'lib', 'store.lua'), 'local M = {}\nfunction M.put(k, v)\n  do\n    M[k] = v\nend\nreturn M\n');
    writeFileSync(join(dataDir, 'main.lua'), `-- ${'a long comment line that makes the bundle wider than the terminal '.repeat(2)}\nlocal store = require("lib.store")\n`);
    const t = open(dataDir, ['fit'], { cols: 80, rows: 40 });
    await t.waitFor(/fit@aos-2\.0\.4\[Inbox:\d+\]>/);
    await t.line('.blueprints');
    let screen = await t.waitFor(/\nvoting +Voting: [\s\S]*\nfit@/);
    const table = screen.slice(screen.indexOf('name '), screen.lastIndexOf('fit@')).trimEnd().split('\n');
    const cell = table[0]!.indexOf('what it is');
    for (const line of table) {
      expect(line.length).toBeLessThanOrEqual(80);
      // a row starts with a name at column 0; its continuation starts under the second column
      if (!/^[a-z]/.test(line)) expect(line.slice(0, cell).trim()).toBe('');
    }
    await t.line('.clear');
    await t.waitFor((s) => !s.includes('Voting:'));
    t.type('ao.');
    t.key('Tab');
    t.key('Tab');
    screen = await t.waitFor(/removeAssignable/);
    for (const line of screen.split('\n')) expect(line.startsWith(' ')).toBe(false);
    t.key('C-u');
    await t.line(`.load ${join(dataDir, 'main.lua')}`);
    screen = await t.waitFor(/'end' expected/);
    expect(screen).toMatch(/lib\/store\.lua:7: 'end' expected \(to close 'function' at line 2\) near <eof>/);
    expect(screen).not.toMatch(/\d+m +\d+ \|/);
    expect(screen).not.toContain('bundle map');
  });
});

describe.skipIf(!hasTmux)('a process another shell delivered to', () => {
  it('is let go by that shell once quiet, then opens in a second shell, which a --run reaches', async () => {
    const dataDir = tempDataDir();
    const spawned = await aos(['spawn', 'bob'], { dataDir });
    const bob = spawned.stdout.trim();
    const alice = open(dataDir, ['alice']);
    await alice.waitFor(/alice@aos-2\.0\.4\[Inbox:\d+\]>/);
    // bob is not open anywhere: alice's shell delivers the message itself, and holds bob for the delivery
    await alice.line(`Send({ Target = "${bob}", Action = "Hello" }) return "sent"`);
    await alice.waitFor(/\nsent\n/);
    const bobLock = join(dataDir, 'processes', bob, 'aos.lock');
    // once quiet, alice's shell lets bob go: a second shell opens it and sees the message
    await waitFor(() => !existsSync(bobLock), 'alice\'s shell to let go of bob');
    const second = open(dataDir, ['bob']);
    await second.waitFor(/bob@aos-2\.0\.4\[Inbox:2\]>/);
    // and while bob's shell has it, a --run from elsewhere goes through that shell
    const run = await aos(['bob', '-q', '--run', 'return #Inbox'], { dataDir });
    expect(run.stdout).toBe('2\n');
  });
});
