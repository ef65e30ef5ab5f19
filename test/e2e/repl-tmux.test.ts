// The built CLI in a real terminal (tmux): start, eval, multi-line, paste,
// live messages while typing, .undo, history across runs, Ctrl-C and Ctrl-D.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aosChild } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { hasTmux, lastLine, Terminal } from '../helpers/tmux.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
});

function open(dataDir: string, args: string[] = []): Terminal {
  const t = new Terminal(dataDir, args);
  terminals.push(t);
  return t;
}

const PROMPT = /default@aos-2\.0\.4\[Inbox:\d+\]>/;

describe.skipIf(!hasTmux)('the shell in a terminal', () => {
  it('evaluates, continues blocks, takes pastes, undoes, and exits on Ctrl-D', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir);
    await t.waitFor(PROMPT);
    expect(t.screen()).toMatch(/aos-ts \d+\.\d+\.\d+ · process default/);
    await t.line('1 + 1');
    await t.waitFor(/> 1 \+ 1\n2\n/);
    await t.line('function triple(x)');
    await t.line('  return x * 3');
    await t.line('end');
    await t.line('triple(14)');
    await t.waitFor(/\n42\n/);
    t.paste('local a = 100\nlocal b = 23\nreturn a + b');
    await t.waitFor((s) => lastLine(s).includes('return a + b'));
    t.key('Enter');
    await t.waitFor(/\n123\n/);
    await t.line('Score = 1');
    await t.line('Score = 2');
    await t.line('.undo');
    await t.waitFor(/Undone: Eval: Score = 2/);
    await t.line('Score');
    await t.waitFor(/> Score\n1\n/);
    await t.line('.nope');
    await t.waitFor(/Unknown command \.nope/);
    t.key('C-d');
    await t.waitFor(/EXITED 0/);
  });

  it('shows messages from other programs above the line being typed', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir);
    await t.waitFor(PROMPT);
    const me = /[A-Za-z0-9_-]{43}/.exec(t.screen())![0];
    t.type('still typing');
    await t.waitFor((s) => lastLine(s).includes('still typing'));
    const sent = aosChild(['other', '--run', `for i = 1, 3 do Send({ Target = "${me}", Action = "Knock", Data = "k" .. i }) end`], { dataDir });
    expect(sent.code).toBe(0);
    const screen = await t.waitFor(/Action = Knock[\s\S]*Action = Knock[\s\S]*Action = Knock/);
    expect(lastLine(screen)).toMatch(/still typing$/);
    t.key('Enter');
    await t.waitFor(/still typing\n/);
  });

  it('keeps history across runs; Ctrl-C clears the line and twice exits', async () => {
    const dataDir = tempDataDir();
    let t = open(dataDir);
    await t.waitFor(PROMPT);
    await t.line('Remembered = "yes"');
    await t.waitFor((s) => (s.match(/default@aos/g) ?? []).length >= 2);
    t.key('C-d');
    await t.waitFor(/EXITED 0/);
    t = open(dataDir);
    await t.waitFor(PROMPT);
    t.key('Up');
    await t.waitFor((s) => lastLine(s).includes('Remembered = "yes"'));
    t.key('C-c');
    await t.waitFor((s) => !lastLine(s).includes('Remembered'));
    t.key('C-c');
    await t.waitFor(/press Ctrl-C again/);
    t.key('C-c');
    await t.waitFor(/EXITED 0/);
  });

  it('.load sends a file with its modules, maps errors to the file, and loads blueprints', async () => {
    const dataDir = tempDataDir();
    const project = join(tempDataDir(), 'my project');
    mkdirSync(join(project, 'lib'), { recursive: true });
    writeFileSync(join(project, 'lib', 'greet.lua'), 'local M = {}\nfunction M.hello(n) return "hello " .. n end\nfunction M.oops() return nil .. "x" end\nreturn M\n');
    writeFileSync(join(project, 'app.lua'), 'local greet = require("lib.greet")\nGreeting = greet.hello("ao")\nreturn Greeting\n');
    writeFileSync(join(project, 'bad.lua'), 'local greet = require("lib.greet")\nreturn greet.oops()\n');
    const t = open(dataDir);
    await t.waitFor(PROMPT);
    await t.line(`.load "${join(project, 'app.lua')}"`);
    await t.waitFor(/hello ao/);
    await t.line(`.load "${join(project, 'bad.lua')}"`);
    const screen = await t.waitFor(/greet\.lua:3: attempt to concatenate a nil value/);
    expect(screen).toMatch(/3 \| function M\.oops\(\) return nil \.\. "x" end/);
    await t.line('.load-blueprint token');
    await t.waitFor((s) => (s.match(/default@aos/g) ?? []).length >= 4);
    await t.line('Ticker');
    await t.waitFor(/> Ticker\nPNTS\n/);
  });

  it('shows a spinner while a long Eval runs; Ctrl-C stops waiting and the result still arrives', async () => {
    // A long message on purpose: the time limit is raised so a loaded machine does not stop it.
    const t = open(tempDataDir(), ['--timeout', '60']);
    await t.waitFor(PROMPT);
    // About 80M instructions: long enough to wait for, within the default budget (100M).
    await t.line('local s = 0 for i = 1, 4e7 do s = s + 1 end return s');
    await t.waitFor(/evaluating \d+\.\ds · Ctrl-C stops waiting/);
    t.key('C-c');
    await t.waitFor(/Stopped waiting/);
    t.type('typed meanwhile');
    await t.waitFor(/Result of an input you stopped waiting for[\s\S]*\n40000000\n/, 30_000);
    expect(lastLine(t.screen())).toMatch(/typed meanwhile$/);
  });
});
