// Issue 15, the shell side: .send targets and quotes, .undo and read-only Evals,
// the editor's own commands, the feed's .pause/.live, Tab on fields, paths and
// blueprints, .help's wrapping, and a second return value explained.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blueprintSource, listBlueprints } from '../../src/blueprints.js';
import { LocalConnection } from '../../src/local/local-connection.js';
import type { LocalNetwork } from '../../src/local/network.js';
import { isReadOnlyEval } from '../../src/bundle/read-only.js';
import { helpText, splitWords } from '../../src/repl/commands.js';
import { KeyDecoder } from '../../src/repl/keys.js';
import { hasDotCommand, runShellScript } from '../../src/repl/script-lines.js';
import { ReplSession } from '../../src/repl/session.js';
import { bannerText } from '../../src/repl/start.js';
import { itemText } from '../../src/repl/transcript.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { textWidth } from '../../src/text/width.js';
import { network, removeTempDirs, tempDataDir } from '../helpers/local.js';

let nets: LocalNetwork[] = [];
afterEach(async () => {
  for (const n of nets) await n.close();
  nets = [];
  removeTempDirs();
});

// No test here is about the time limit: a generous one, so a blueprint load on a loaded
// machine is not stopped by the 3 s default.
const ENGINE = { engine: { timeLimitMs: 60_000 } };

async function shell(name = 'shell') {
  const net = network(undefined, ENGINE);
  nets.push(net);
  const { process: p } = await net.openOrSpawn(name);
  const session = new ReplSession(new LocalConnection(net, p), {
    services: {
      resolveTarget: (n) => net.resolve(n),
      blueprints: () => listBlueprints().map((b) => ({ name: b.name, summary: b.summary })),
      blueprintSource: (n) => blueprintSource(n),
    },
  });
  await session.start('banner');
  const decoder = new KeyDecoder();
  const type = async (...events: string[]) => {
    for (const e of events) for (const k of decoder.decode(e)) await session.handleKey(k);
  };
  const texts = () => session.getView().items.map((i) => stripAnsi(itemText(i)));
  return { net, p, session, type, texts };
}

describe('.send', () => {
  it('refuses a name no local process has, and says an id that is not local stays pending', async () => {
    const { type, texts, p } = await shell('sender');
    const before = p.lastSeq;
    await type('.send nosuch Ping\r');
    expect(texts().slice(-1)[0]).toMatch(/^No local process is named nosuch\./);
    expect(p.lastSeq).toBe(before);
    const far = 'A'.repeat(43);
    await type(`.send ${far} Ping\r`);
    expect(texts().slice(-2)[0]).toBe(`sent Ping to ${far}`);
    expect(texts().slice(-1)[0]).toMatch(new RegExp(`^pending: ${far} is not a local process`));
  });

  it('parses quotes: a value or data with spaces stays one', async () => {
    const { type, net } = await shell('quoter');
    await net.openOrSpawn('friend');
    await type('.send friend Note Foo="a b" \'Bar\'=c "some data here"\r');
    const friend = await net.get(net.resolve('friend')!);
    expect(await friend.inspect('local m = Inbox[#Inbox] return m.Foo .. "|" .. m.Bar .. "|" .. m.Data')).toBe('a b|c|some data here');
    expect(splitWords('a "b c" d\\ e \'f"g\'')).toEqual(['a', 'b c', 'd e', 'f"g']);
    expect(() => splitWords('a "b')).toThrow(/Unclosed "/);
  });
});

describe('.undo and read-only Evals', () => {
  it('skips Evals that only read, and undoes the last change', async () => {
    const { type, texts } = await shell();
    await type('Counter = 1\r', 'Counter = 2\r', 'return Counter\r', 'Counter\r', '#Inbox\r', '.undo\r');
    expect(texts().slice(-2)[0]).toBe('Undone: Eval: Counter = 2');
    await type('Counter\r');
    expect(texts().slice(-1)).toEqual(['1']);
  });

  it('counts calls and assignments as changes, plain expressions as reads', () => {
    for (const code of ['Counter', 'return Counter', 'return #Inbox', 'Balances["x"] or 0', 'a.b[1] == 2', '"a" .. "b"', 'return 1 -- x = 1', 'x ~= 1 and y <= 2'])
      expect(isReadOnlyEval(code), code).toBe(true);
    for (const code of ['x = 1', 'f()', 'Send({})', 'require"x"', 't:m()', 'local a = 1', 'for i=1,2 do end', 'return f { }', 'a; b', 'x == 1 or f()'])
      expect(isReadOnlyEval(code), code).toBe(false);
  });
});

describe('the editor and dot-lines', () => {
  it('.print shows the lines, .delete drops the last, other dot-commands are refused, not sent as Lua', async () => {
    const { session, type, texts } = await shell();
    await type('.editor\r', 'local t = 1\r', 'oops()\r', '.print\r');
    expect(texts().slice(-1)[0]).toBe('  1 | local t = 1\n  2 | oops()');
    await type('.delete\r');
    expect(texts().slice(-1)[0]).toBe('Deleted line 2: oops()');
    await type('.inbox\r');
    expect(texts().slice(-1)[0]).toMatch(/^\.inbox does not work in the editor/);
    await type('local s = "a"\r', '  .. "b"\r', 'return s\r', '.done\r');
    expect(texts().slice(-1)).toEqual(['ab']);
    expect(session.getView().mode).toBe('normal');
  });

  it('a dot alone says so, and is not sent', async () => {
    const { type, texts, p } = await shell();
    const before = p.lastSeq;
    await type('.\r');
    expect(texts().slice(-1)[0]).toBe('A dot alone is not a command. Type .help to see the commands.');
    expect(p.lastSeq).toBe(before);
  });

  it('explains a second return value instead of leaving only a red error', async () => {
    const { type, texts } = await shell();
    await type('return 1, 2\r');
    expect(texts().slice(-1)[0]).toMatch(/^aos keeps only the first value of `return`; the second became the Error/);
    await type('error("plain")\r');
    expect(texts().slice(-1)[0]).not.toMatch(/first value of `return`/);
  });

  it('.load-blueprint says what it loaded', async () => {
    const { type, texts } = await shell();
    await type('.load-blueprint token\r');
    expect(texts().slice(-1)[0]).toBe('Loaded the token blueprint.');
  });
});

describe('.pause and .live', () => {
  it('holds live messages while paused and shows them all, in order, on .live', async () => {
    const { type, texts, net, p } = await shell('feed');
    const { process: other } = await net.openOrSpawn('talker');
    await type('.pause\r');
    await net.sendAndSettle(other.id, net.userMessage(other.id, [{ name: 'Action', value: 'Eval' }], `for i = 1, 5 do Send({ Target = "${p.id}", Data = "held " .. i }) end`));
    await net.idle();
    expect(texts().filter((t) => t.includes('held '))).toHaveLength(0);
    await type('.live\r');
    const held = texts().filter((t) => t.includes('Data = held '));
    expect(held.map((t) => Number(/held (\d)/.exec(t)![1]))).toEqual([1, 2, 3, 4, 5]);
    expect(texts().slice(-1)[0]).toBe('(5 messages held while paused, shown above in order)');
  });
});

describe('Tab', () => {
  it('completes fields after a dot, paths after .load, and blueprint names', async () => {
    const { session, type } = await shell();
    await type('Handlers.ad\t');
    expect(session.getView().editor.text).toBe('Handlers.add');
    await type('\u0015', 'Config = { Alpha = 1, Beta = { Gamma = 2 } }\r', 'Config.Beta.Ga\t');
    expect(session.getView().editor.text).toBe('Config.Beta.Gamma');
    const dir = tempDataDir();
    mkdirSync(join(dir, 'libs'));
    writeFileSync(join(dir, 'libs', 'counter.lua'), 'return 1');
    writeFileSync(join(dir, 'libs', 'notes.txt'), '');
    await type('\u0015', `.load ${dir}/li\t`);
    expect(session.getView().editor.text).toBe(`.load ${dir}/libs/`);
    await type('\t');
    expect(session.getView().editor.text).toBe(`.load ${dir}/libs/counter.lua`);
    await type('\u0015', '.load-blueprint chatr\t');
    expect(session.getView().editor.text).toBe('.load-blueprint chatroom');
  });
});

describe('.help', () => {
  it('wraps descriptions at word boundaries to the width', () => {
    for (const width of [60, 100]) {
      const text = helpText(width);
      for (const line of text.split('\n')) expect(textWidth(line), line).toBeLessThanOrEqual(width);
      // No word is cut: every word of every summary is still whole in the text.
      expect(text).toContain('.load-blueprint');
      for (const word of 'send a file and the local modules it'.split(' ')) expect(text).toMatch(new RegExp(`(^|\\s)${word}(\\s|$)`, 'm'));
    }
  });
});

describe('piped input with dot-commands', () => {
  it('runs .help as the shell does and Lua between commands as one Eval per block', async () => {
    const net = network(undefined, ENGINE);
    nets.push(net);
    const { process: p } = await net.openOrSpawn('piped');
    const conn = new LocalConnection(net, p);
    const input = '.help\nX = 20\nreturn X + 22\n.nosuch\n';
    expect(hasDotCommand(input)).toBe(true);
    expect(hasDotCommand('local s = "a"\n  .. "b"\nreturn s')).toBe(false);
    const printed: [string, boolean][] = [];
    const before = p.lastSeq;
    const code = await runShellScript(conn, input, { print: (t, e) => printed.push([t, e]) });
    expect(printed[0]![0]).toMatch(/^\.help +this list/);
    expect(printed[1]).toEqual(['42', false]);
    expect(printed[2]![0]).toMatch(/^Unknown command \.nosuch/);
    expect(printed[2]![1]).toBe(true);
    expect(code).toBe(1);
    expect(p.lastSeq).toBe(before + 1);
  });
});

describe('the banner', () => {
  it('shows a remote id once, with the node; a name when there is one', () => {
    const id = 'B'.repeat(43);
    const byId = stripAnsi(bannerText({ id, name: id, owner: 'me', network: 'mainnet', node: 'http://localhost:8734' }, '1.0.0'));
    expect(byId.split(id)).toHaveLength(2);
    expect(byId).toMatch(/AO mainnet through http:\/\/localhost:8734/);
    const named = stripAnsi(bannerText({ id, name: 'chat', owner: 'me', network: 'legacy', node: 'https://mu.example' }, '1.0.0'));
    expect(named).toMatch(new RegExp(`process chat ${id}`));
    expect(named).toMatch(/AO legacynet through https:\/\/mu\.example/);
  });
});

describe('.load --watch can be stopped', () => {
  it('.unwatch and .load --stop close the watcher', async () => {
    const net = network(undefined, ENGINE);
    nets.push(net);
    const { process: p } = await net.openOrSpawn('watcher');
    const dir = tempDataDir();
    const file = join(dir, 'w.lua');
    writeFileSync(file, 'W = 1');
    const open = new Set<string>();
    const session = new ReplSession(new LocalConnection(net, p), {
      services: {
        bundle: async (path) => ({ source: 'W = 1', files: [path] }),
        watch: (path) => {
          open.add(path);
          return { close: () => open.delete(path) };
        },
      },
    });
    await session.start();
    const texts = () => session.getView().items.map((i) => stripAnsi(itemText(i)));
    await session.run(`.load --watch ${file}`);
    expect([...open]).toEqual([file]);
    await session.run('.unwatch');
    expect(open.size).toBe(0);
    expect(texts().slice(-1)[0]).toBe(`Stopped watching ${file}.`);
    await session.run(`.load --watch ${file}`);
    await session.run(`.load --stop ${file}`);
    expect(open.size).toBe(0);
    await session.run('.unwatch');
    expect(texts().slice(-1)[0]).toBe('Nothing is being watched.');
    // Ctrl-C on an empty line stops the watch (and does not arm the exit); the next two exit
    await session.run(`.load --watch ${file}`);
    await session.handleKey({ type: 'ctrl-c' });
    expect(open.size).toBe(0);
    expect(texts().slice(-1)[0]).toBe(`Stopped watching ${file}.`);
    expect(session.getView().exited).toBe(false);
    await session.handleKey({ type: 'ctrl-c' });
    expect(session.getView().exited).toBe(false);
    await session.handleKey({ type: 'ctrl-c' });
    expect(session.getView().exited).toBe(true);
  });
});
