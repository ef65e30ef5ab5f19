// Issue 15 #9 and #10 in a real terminal: a shell holds a process while
// `aos-ts send` and `aos-ts inbox` use it from another program; reopening a
// cron process in the shell shows every caught-up tick. The other program is
// this test's (the CLI run in-process): the shell runs in its own, in tmux.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

describe.skipIf(!hasTmux)('a process the shell has open, used from another program', () => {
  it('send shows the reply the shell handled; inbox reads without the lock', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir, ['shop']);
    await t.waitFor(/shop@aos-2\.0\.4\[Inbox:\d+\]>/);
    await t.line('Handlers.add("bal", "Balance", function(m) print("balance asked") m.reply({ Action = "Balance-Notice", Data = "7" }) end) return "handler set"');
    await t.waitFor(/\nhandler set\n/);
    const sent = await aos(['send', 'shop', '--action', 'Balance'], { dataDir });
    expect(sent.stderr).not.toMatch(/lock/i);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe('balance asked\n');
    expect(sent.stderr).toMatch(/1 sent to you/);
    // The shell handled it and shows it live.
    await t.waitFor(/balance asked/);
    const inbox = await aos(['inbox', 'shop', '--json'], { dataDir });
    expect(inbox.stderr).toBe('');
    expect(inbox.code).toBe(0);
    expect((JSON.parse(inbox.stdout) as { total: number }).total).toBeGreaterThanOrEqual(1);
  });

  it('reopening a cron process shows each tick missed while it was closed', async () => {
    const dataDir = tempDataDir();
    expect((await aos(['spawn', 'ticker', '--cron', '1-second'], { dataDir })).code).toBe(0);
    const setup = await aos(['ticker', '-q', '--run', 'Handlers.add("cron", "Cron", function(m) Ticks = (Ticks or 0) + 1 print("tick " .. Ticks) end) return Ticks or 0'], { dataDir });
    expect(setup.code).toBe(0);
    const start = Number(setup.stdout.trim());
    await new Promise((r) => setTimeout(r, 4_000));
    const t = open(dataDir, ['ticker']);
    const want = Array.from({ length: 4 }, (_, i) => `tick ${start + i + 1}`);
    const screen = await t.waitFor((s) => want.every((w) => s.includes(w)));
    if (process.env.AOS_TS_SHOW_SCREEN) console.log(screen);
    const shown = [...screen.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    // Consecutive from the first owed tick: none ran silently.
    expect(shown.slice(0, 4)).toEqual([start + 1, start + 2, start + 3, start + 4]);
  });
});
