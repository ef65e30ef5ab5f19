// The shell in a real terminal (tmux, 100x30): an error in a function from an earlier input shows that
// input's line (issue 15 item 1), and Ctrl-C stops a .load --watch and gives the prompt back (polish).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';
import { hasTmux, lastLine, Terminal } from '../helpers/tmux.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
});

const PROMPT = />\s*$/;

describe.skipIf(!hasTmux)('the shell in a terminal', () => {
  it('points an error at the earlier input whose function failed, in this shell and the next', async () => {
    const dataDir = tempDataDir();
    let t = new Terminal(dataDir, ['errs']);
    terminals.push(t);
    await t.waitFor((s) => PROMPT.test(lastLine(s)));
    t.paste('function firstField(t)\n  local seen = 0\n  seen = seen + 1\n  return t.first\nend');
    t.key('Enter');
    await t.waitFor(/\.\.\. end\n.*>\s*$/m);
    t.paste('local a = 1\nlocal b = 2\nlocal c = 3\nlocal d = "this is line four"\nreturn firstField(nil)');
    t.key('Enter');
    const screen = await t.waitFor(/attempt to index a nil value/);
    expect(screen).toMatch(/input 1:4: attempt to index a nil value \(local 't'\)\n {3}4 \| {3}return t\.first/);
    expect(screen).not.toMatch(/\[string "/);
    t.key('C-d');
    await t.waitFor(/EXITED 0/);
    t.close();
    // a later shell finds the input in the process's log
    t = new Terminal(dataDir, ['errs']);
    terminals.push(t);
    await t.waitFor((s) => PROMPT.test(lastLine(s)));
    await t.line('firstField(nil)');
    const later = await t.waitFor(/attempt to index/);
    expect(later).toMatch(/input 1 \(shell of \d\d:\d\d:\d\d\):4: attempt to index a nil value \(local 't'\)\n {3}4 \| {3}return t\.first/);
  });

  it('Ctrl-C stops .load --watch: the prompt is back and a save reloads nothing', async () => {
    const dataDir = tempDataDir();
    const dir = join(dataDir, 'proj');
    mkdirSync(dir);
    const file = join(dir, 'w.lua');
    writeFileSync(file, 'Loads = (Loads or 0) + 1\n');
    const t = new Terminal(dataDir, ['watcher']);
    terminals.push(t);
    await t.waitFor((s) => PROMPT.test(lastLine(s)));
    await t.line(`.load --watch ${file}`);
    await t.waitFor(/Ctrl-C stops watching\.\n.*>\s*$/m);
    // a save while watching reloads (the watch is live)
    appendFileSync(file, '-- one\n');
    await t.waitFor(/Changed on disk: reloading w\.lua/);
    await t.waitFor((s) => PROMPT.test(lastLine(s)));
    t.key('C-c');
    const stopped = await t.waitFor(/Stopped watching .*w\.lua\.\n.*>\s*$/m);
    expect(stopped).not.toMatch(/press Ctrl-C again/);
    appendFileSync(file, '-- two\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.screen().match(/Changed on disk/g)?.length).toBe(1);
    await t.line('return Loads');
    await t.waitFor(/return Loads\n2\n/);
  });
});
