// Issue 15 in a real terminal (tmux): input stays live after Ctrl-C stops
// waiting, an unbracketed multi-line paste runs once, .pad sends what $EDITOR
// saved, .send names, .help fits the screen, .load --watch stops.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDataDir } from '../helpers/local.js';
import { hasTmux, lastLine, Terminal } from '../helpers/tmux.js';

const terminals: Terminal[] = [];
const editorBefore = process.env.EDITOR;
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
  removeTempDirs();
  if (editorBefore === undefined) delete process.env.EDITOR;
  else process.env.EDITOR = editorBefore;
});

function open(dataDir: string, args: string[] = [], size?: { cols: number; rows: number }): Terminal {
  const t = new Terminal(dataDir, args, size);
  terminals.push(t);
  return t;
}

const PROMPT = /default@aos-2\.0\.4\[Inbox:\d+\]>/;
const prompts = (s: string) => (s.match(/default@aos-2\.0\.4/g) ?? []).length;

describe.skipIf(!hasTmux)('the shell in a terminal (issue 15)', () => {
  it('after Ctrl-C stops waiting, what you type shows at once, while the Eval still runs', async () => {
    // A long message on purpose: the time limit is raised so a loaded machine does not stop it.
    const t = open(tempDataDir(), ['--timeout', '60']);
    await t.waitFor(PROMPT);
    await t.line('local s = 0 for i = 1, 4e7 do s = s + 1 end return s');
    await t.waitFor(/evaluating \d+\.\ds · Ctrl-C stops waiting/);
    t.key('C-c');
    await t.waitFor(/Stopped waiting/);
    t.type('typed meanwhile');
    const during = await t.waitFor((s) => lastLine(s).includes('typed meanwhile'));
    // The runaway has not finished: its result is not on the screen yet.
    expect(during).not.toMatch(/Result of an input you stopped waiting for/);
    const after = await t.waitFor(/Result of an input you stopped waiting for[\s\S]*\n40000000\n/, 30_000);
    expect(lastLine(after)).toMatch(/typed meanwhile$/);
  });

  it('a paste without bracketed-paste markers runs as one Eval, not line by line', async () => {
    const t = open(tempDataDir());
    await t.waitFor(PROMPT);
    await t.line('Evals = 0 Handlers.prepend("count", function(m) return m.Action == "Eval" and "continue" or false end, function() Evals = Evals + 1 end)');
    await t.waitFor((s) => prompts(s) >= 2);
    // One write of three lines, as a terminal without bracketed paste sends a paste.
    t.type('local a = 100\nlocal b = 23\nreturn a + b\n');
    await t.waitFor(/\n123\n/);
    await t.line('Evals');
    // The paste was one Eval (the count includes the one reading it).
    await t.waitFor(/> Evals\n2\n/);
  });

  it('.pad sends what the editor saved as one Eval', async () => {
    const dir = tempDataDir();
    const editor = join(dir, 'fake-editor.sh');
    writeFileSync(editor, '#!/bin/sh\nprintf \'Padded = "from the pad"\\nreturn Padded .. "!"\\n\' > "$1"\n');
    chmodSync(editor, 0o755);
    process.env.EDITOR = editor;
    const t = open(dir);
    await t.waitFor(PROMPT);
    await t.line('.pad');
    const screen = await t.waitFor(/from the pad!/);
    expect(screen).toMatch(/pad> Padded = "from the pad"/);
  });

  it('.send refuses an unknown name; .help fits a narrow terminal; a dot alone is explained', async () => {
    const t = open(tempDataDir(), [], { cols: 60, rows: 40 });
    await t.waitFor(PROMPT);
    await t.line('.send nosuch Ping');
    await t.waitFor(/No local process is named nosuch\./);
    await t.line('.');
    await t.waitFor(/A dot alone is not a command/);
    await t.line('.help');
    const help = await t.waitFor(/Ctrl-D exits/);
    // Wrapped at word boundaries: every line of the list ends at a whole word.
    expect(help).toMatch(/\n\.pad {10,}write Lua in \$EDITOR; what\n {10,}you save is sent as one Eval\n {10,}when the editor exits\n/);
  });
});
