// What a newcomer tripped over in the shell (issue 15's walk-through): a .load whose required
// module misses an `end`, a bare `a, b` whose second value shows as the error, the Inbox table
// cut inside a colour code, Ctrl-C in the editor dropping every line without a word, and a
// coloured line broken at the terminal width.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replServices } from '../../src/cli/repl-services.js';
import { LocalConnection } from '../../src/local/local-connection.js';
import type { LocalNetwork } from '../../src/local/network.js';
import { KeyDecoder } from '../../src/repl/keys.js';
import { ReplSession } from '../../src/repl/session.js';
import { itemText } from '../../src/repl/transcript.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { wrapWords } from '../../src/text/wrap.js';
import { aos } from '../helpers/cli.js';
import { network, removeTempDirs, tempDataDir } from '../helpers/local.js';

let nets: LocalNetwork[] = [];
afterEach(async () => {
  for (const n of nets) await n.close();
  nets = [];
  removeTempDirs();
});

async function shell() {
  const net = network();
  nets.push(net);
  const { process: p } = await net.openOrSpawn('walk');
  const session = new ReplSession(new LocalConnection(net, p), { services: replServices(async (n) => net.resolve(n)) });
  await session.start();
  const decoder = new KeyDecoder();
  const type = async (...events: string[]) => {
    for (const e of events) for (const k of decoder.decode(e)) await session.handleKey(k);
  };
  const items = () => session.getView().items;
  const texts = (kind: string) => items().filter((i) => i.type === kind).map((i) => itemText(i));
  return { session, type, texts, net, p };
}

describe('the shell, as a newcomer meets it', () => {
  it('.load: a missing `end` in a required module is named in that module, not past the end of the entry file', async () => {
    const dir = tempDataDir();
    mkdirSync(join(dir, 'lib', 'store'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'store', 'init.lua'), ['local M = {}', 'function M.put(k, v)', '  do', '    M[k] = v', 'end', 'return M', ''].join('\n'));
    writeFileSync(join(dir, 'main.lua'), ['local store = require("lib.store")', 'Stored = store', ''].join('\n'));
    const { type, texts } = await shell();
    await type(`.load ${join(dir, 'main.lua')}\r`);
    const [err] = texts('error').map(stripAnsi);
    expect(err).toBeDefined();
    expect(err!.split('\n')[0]).toMatch(/^lib\/store\/init\.lua:7: 'end' expected \(to close 'function' at line 2\) near <eof>$/);
    expect(err).not.toContain('main.lua');
    expect(err).not.toContain('bundle map');
  });

  it('a bare `a, b` whose second value became the Error says so, as `return a, b` does', async () => {
    const { type, texts } = await shell();
    await type('Answer = 7\r');
    await type('Answer, "second"\r');
    expect(texts('error').map(stripAnsi)).toEqual(['second']);
    expect(texts('notice').join('\n')).toContain('aos keeps only the first value of `return`');
    // a call with several arguments is not a list of values
    await type('error("plain", 0)\r');
    await type('string.format("%d, %d", 1, 2) .. nil\r');
    expect(texts('notice').filter((t) => t.includes('first value of `return`'))).toHaveLength(1);
  });

  it('.inbox shows Data that holds colour codes without cutting into them', async () => {
    const { type, texts, net, p } = await shell();
    const colored = `You got \u001b[34m100\u001b[0m from \u001b[32m${'x'.repeat(43)}\u001b[0m`;
    await net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: 'Notice' }], colored));
    await type('.inbox\r');
    const table = texts('table').at(-1)!;
    const row = table.split('\n').find((l) => l.includes('Notice'))!;
    expect(row).not.toContain('\u001b');
    expect(row).toMatch(/You got 100 from x+…\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(table).toContain('2 of 2 messages');
  });

  it('Ctrl-C in the editor clears the line, then leaves saying what was not sent', async () => {
    const { session, type, texts } = await shell();
    await type('.editor\r', 'local a = 1\r', 'local b = 2\r', 'half typed');
    await type('\u0003');
    expect(session.getView().mode).toBe('editor');
    expect(session.getView().pendingLines).toHaveLength(2);
    expect(session.getView().editor.text).toBe('');
    await type('\u0003');
    expect(session.getView().mode).toBe('normal');
    expect(texts('notice').at(-1)).toBe('Left the editor; its 2 lines were not sent.');
  });
});

describe('--run, as a newcomer meets it', () => {
  it('`--run "a, b"` explains that the second value became the Error', async () => {
    const dataDir = tempDataDir();
    const r = await aos(['walk', '--run', 'Answer = 7 return Answer, "second"'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('second');
    expect(r.stderr).toContain('aos keeps only the first value of `return`');
    const bare = await aos(['walk', '--run', '1, 2'], { dataDir });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('aos keeps only the first value of `return`');
    const plain = await aos(['walk', '--run', 'error("bad")'], { dataDir });
    expect(plain.stderr).not.toContain('first value');
  });
});

describe('wrapWords', () => {
  it('breaks a line whose colour code comes before its indentation without cutting the code', () => {
    const line = `\u001b[34m  44 |\u001b[39m ${'word '.repeat(30)}`;
    const out = wrapWords(line, 40);
    expect(out.split('\n').length).toBeGreaterThan(1);
    expect(out.startsWith('\u001b[34m  44 |')).toBe(true);
    expect(stripAnsi(out)).not.toMatch(/\d+m/);
  });
});

describe("aos's .update", () => {
  it('says why there is nothing to update, not "Unknown command"', async () => {
    const { type, texts } = await shell();
    await type('.update\r');
    const [err] = texts('error');
    expect(err).toMatch(/^\.update is aos's \(/);
    expect(err).toContain('nothing to update');
  });
});

describe('.send on a process on AO', () => {
  it('refuses a target that is not an id (it was sent as is, to nobody, and reported as sent)', async () => {
    const net = network();
    nets.push(net);
    const { process: p } = await net.openOrSpawn('remote-like');
    const local = new LocalConnection(net, p);
    // a connection without local names, as a remote one is
    const remote = new Proxy(local, {
      get(target, key) {
        if (key === 'capabilities') return { ...target.capabilities, names: false, undo: false };
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const session = new ReplSession(remote, {});
    await session.start();
    const decoder = new KeyDecoder();
    for (const k of decoder.decode('.send rp Ping\r')) await session.handleKey(k);
    const shown = session.getView().items.map((i) => stripAnsi(itemText(i))).join('\n');
    expect(shown).toContain('rp is not a process id. On AO, .send takes the 43-character id of the target');
    expect(shown).not.toContain('sent Ping');
    for (const k of decoder.decode(`.send ${p.id} Ping\r`)) await session.handleKey(k);
    expect(session.getView().items.map((i) => stripAnsi(itemText(i))).join('\n')).toContain(`sent Ping to ${p.id}`);
  });
});

describe('words typed as at a shell prompt', () => {
  it('`exit` and `help` print nothing as Lua, so the shell says which dot-command was meant', async () => {
    const { type, texts, session } = await shell();
    await type('exit\r');
    expect(texts('notice').at(-1)).toBe('`exit` is Lua here (a global with no value). Did you mean .exit?');
    expect(session.getView().exited).toBeFalsy();
    await type('help\r');
    expect(texts('notice').at(-1)).toBe('`help` is Lua here (a global with no value). Did you mean .help?');
    // a global of that name with a value is just Lua
    await type('help = "mine"\r', 'help\r');
    expect(texts('result').at(-1)).toBe('mine');
    expect(texts('notice').filter((t) => t.includes('Did you mean'))).toHaveLength(2);
  });
});
