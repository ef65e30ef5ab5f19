// The shell's behaviour against a real local process, key by key.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/local/local-connection.js';
import { ReplSession } from '../../src/repl/session.js';
import { KeyDecoder } from '../../src/repl/keys.js';
import { itemText } from '../../src/repl/transcript.js';
import { stripAnsi } from '../../src/text/ansi.js';
import { network, removeTempDirs } from '../helpers/local.js';
import type { LocalNetwork } from '../../src/local/network.js';
import { waitFor } from '../helpers/wait.js';

let nets: LocalNetwork[] = [];
afterEach(async () => {
  for (const n of nets) await n.close();
  nets = [];
  removeTempDirs();
});

async function shell(name = 'shell') {
  const net = network();
  nets.push(net);
  const { process: p } = await net.openOrSpawn(name);
  let exited = false;
  const session = new ReplSession(new LocalConnection(net, p), { onExit: () => (exited = true), services: { resolveTarget: (n) => net.resolve(n) } });
  await session.start('banner');
  const decoder = new KeyDecoder();
  const type = async (...events: string[]) => {
    for (const e of events) for (const k of decoder.decode(e)) await session.handleKey(k);
  };
  const texts = () => session.getView().items.map((i) => stripAnsi(itemText(i)));
  return { net, p, session, type, texts, exited: () => exited };
}

describe('the shell', () => {
  it('evaluates a line and shows the prompt the process gives', async () => {
    const { session, type, texts } = await shell('proc');
    await type('Name = "renamed"\r', '1 + 1\r');
    expect(texts()).toContain('2');
    expect(stripAnsi(session.getView().prompt)).toBe('renamed@aos-2.0.4[Inbox:1]> ');
  });

  it('continues an unfinished block on the next lines and sends it once', async () => {
    const { session, type, texts } = await shell();
    await type('function double(x)\r');
    expect(session.getView().mode).toBe('continue');
    await type('  return x * 2\r', 'end\r', 'double(21)\r');
    expect(texts().slice(-1)).toEqual(['42']);
    expect(session.historyEntries).toContain('function double(x)\n  return x * 2\nend');
  });

  it('sends a bracketed paste of several lines as one Eval', async () => {
    const { type, texts, p } = await shell();
    const before = p.lastSeq;
    await type('\u001b[200~local a = 20\nlocal b = 22\nreturn a + b\u001b[201~', '\r');
    expect(texts().slice(-1)).toEqual(['42']);
    expect(p.lastSeq).toBe(before + 1);
  });

  it('shows errors with the line they came from', async () => {
    const { type, texts } = await shell();
    await type('\u001b[200~local ok = 1\nreturn nil + ok\u001b[201~\r');
    const err = texts().slice(-1)[0]!;
    expect(err).toMatch(/^input \d+:2: attempt to perform arithmetic on a nil value/);
    expect(err).toMatch(/2 \| return nil \+ ok/);
  });

  it('treats an unknown dot-command as an error, never as Lua', async () => {
    const { type, texts, p } = await shell();
    const before = p.lastSeq;
    await type('.foo bar\r');
    expect(texts().slice(-1)[0]).toMatch(/Unknown command \.foo/);
    expect(p.lastSeq).toBe(before);
  });

  it('lists every command in .help', async () => {
    const { type, texts } = await shell();
    await type('.help\r');
    const help = texts().slice(-1)[0]!;
    for (const c of ['.help', '.load', '.load-blueprint', '.blueprints', '.editor', '.dryrun', '.inbox', '.handlers', '.send', '.undo', '.clear', '.exit']) {
      expect(help).toContain(c);
    }
  });

  it('.dryrun answers once and keeps nothing', async () => {
    const { type, texts, p } = await shell();
    await type('V = 1\r');
    const seq = p.lastSeq;
    await type('.dryrun V = 50 return V\r');
    expect(texts().slice(-1)).toEqual(['50\n(dry run: nothing was kept)']);
    await type('V\r');
    expect(texts().slice(-1)).toEqual(['1']);
    expect(p.lastSeq).toBe(seq + 1);
  });

  it('.editor collects lines until .done, and .cancel drops them', async () => {
    const { session, type, texts } = await shell();
    await type('.editor\r', 'local t = {}\r', 'for i = 1, 3 do t[i] = i end\r', 'return #t\r', '.done\r');
    expect(texts().slice(-1)).toEqual(['3']);
    await type('.editor\r', 'error("never")\r', '.cancel\r');
    expect(texts().slice(-1)[0]).toMatch(/cancelled/);
    expect(session.getView().mode).toBe('normal');
  });

  it('.inbox, .handlers and .send show the process as tables and messages', async () => {
    const { type, texts, net } = await shell('me');
    await net.openOrSpawn('friend');
    await type('.send friend Hello greeting=hi some data\r');
    await type('.send me Note x=1 remember this\r');
    await type('.inbox 5\r');
    const inbox = texts().slice(-1)[0]!;
    expect(inbox).toMatch(/Note/);
    expect(inbox).toMatch(/remember this/);
    await type('.handlers\r');
    expect(texts().slice(-1)[0]).toMatch(/_eval/);
    const friend = await net.get(net.resolve('friend')!);
    expect(await friend.inspect('return Inbox[#Inbox].Action .. " " .. Inbox[#Inbox].Greeting .. " " .. Inbox[#Inbox].Data')).toBe('Hello hi some data');
  });

  it('.undo takes back your last message', async () => {
    const { type, texts } = await shell();
    await type('U = 1\r', 'U = 2\r', '.undo\r', 'U\r');
    expect(texts().slice(-1)).toEqual(['1']);
  });

  it('shows live messages above the input without touching what is being typed, in order, none lost', async () => {
    const { session, type, texts, net, p } = await shell('target');
    const { process: other } = await net.openOrSpawn('burster');
    await type('half a line');
    const N = 1000;
    await net.sendAndSettle(
      other.id,
      net.userMessage(other.id, [{ name: 'Action', value: 'Eval' }], `for i = 1, ${N} do Send({ Target = "${p.id}", Data = "live " .. i }) end`),
    );
    await net.idle();
    const live = texts().filter((t) => t.includes('Data = live '));
    expect(live).toHaveLength(N);
    expect(live.map((t) => Number(/live (\d+)/.exec(t)![1]))).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(session.getView().editor.text).toBe('half a line');
  });

  it('Ctrl-C clears the line, twice on an empty line exits; Ctrl-D on an empty line exits', async () => {
    const a = await shell();
    await a.type('something');
    await a.type('\u0003');
    expect(a.session.getView().editor.text).toBe('');
    expect(a.exited()).toBe(false);
    await a.type('\u0003');
    expect(a.session.getView().hint).toMatch(/Ctrl-C again/);
    await a.type('\u0003');
    expect(a.exited()).toBe(true);
    const b = await shell('other');
    await b.type('abc', '\u0001', '\u0004');
    expect(b.session.getView().editor.text).toBe('bc');
    await b.type('\u0015', '\u0004');
    expect(b.exited()).toBe(true);
  });

  it('Tab completes dot-commands and global names', async () => {
    const { session, type } = await shell();
    await type('.hel\t');
    expect(session.getView().editor.text).toBe('.help ');
    await type('\u0015', 'MyLongGlobalName = 1\r');
    await type('MyLong\t');
    expect(session.getView().editor.text).toBe('MyLongGlobalName');
  });
});

describe('typed transcript and capabilities', () => {
  it('keeps the transcript as typed items: what was sent, and the result', async () => {
    const { session, type } = await shell('typed');
    await type('6 * 7\r');
    const [input, result] = session.getView().items.slice(-2);
    expect(input).toMatchObject({ type: 'input', lines: ['6 * 7'] });
    expect(stripAnsi((input as { prompt: string }).prompt)).toBe('typed@aos-2.0.4[Inbox:1]> ');
    expect(result).toMatchObject({ type: 'result', text: '42' });
  });

  it('asks the connection what it can do: no undo and no names where it says so', async () => {
    const net = network();
    nets.push(net);
    const { process: p } = await net.openOrSpawn('plain');
    await net.openOrSpawn('friend');
    const conn = new LocalConnection(net, p);
    const limited = new Proxy(conn, {
      get(target, key) {
        if (key === 'capabilities') return { undo: false, names: false, liveSender: false };
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const session = new ReplSession(limited, { services: { resolveTarget: (n) => net.resolve(n) } });
    await session.start();
    const texts = () => session.getView().items.map((i) => stripAnsi(itemText(i)));
    await session.run('.undo');
    expect(texts().slice(-1)[0]).toBe('.undo works on local processes only');
    await session.run('.send friend Hello');
    // Without names there is no local name lookup, and a Target that is not an id would go to nobody.
    expect(texts().slice(-1)[0]).toBe('friend is not a process id. On AO, .send takes the 43-character id of the target (names work for local processes only).');
    const friend = net.resolve('friend')!;
    await session.run(`.send ${friend} Hello`);
    expect(texts().slice(-1)[0]).toBe(`sent Hello to ${friend}`);
  });
});

describe('waiting for a long Eval', () => {
  it('a Ctrl-C during an Eval stops waiting, and never loses its result', async () => {
    const net = network();
    nets.push(net);
    const { process: p } = await net.openOrSpawn('slow');
    // The engine runs inline here, so the Eval is held at a gate until the Ctrl-C has landed:
    // the key then really arrives while the shell is waiting.
    let hold = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const conn = new LocalConnection(net, p);
    const held = new Proxy(conn, {
      get(target, key) {
        if (key === 'eval') return async (code: string) => (hold && (await gate), target.eval(code));
        if (key === 'inspect') return async (lua: string) => (hold && (await gate), target.inspect(lua));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const session = new ReplSession(held, { onExit: () => undefined });
    await session.start('banner');
    const texts = () => session.getView().items.map((i) => stripAnsi(itemText(i)));
    hold = true;
    for (const k of new KeyDecoder().decode('local s = 0 for i = 1, 3e6 do s = s + i end return s')) await session.handleKey(k);
    const pending = session.handleKey({ type: 'enter' });
    await waitFor(() => session.getView().busy, 'the shell to show it is waiting');
    await session.handleKey({ type: 'ctrl-c' });
    expect(session.getView().busy).toBeUndefined();
    expect(texts().slice(-1)[0]).toMatch(/^Stopped waiting\. The message is still being handled/);
    expect(texts().join('\n')).not.toContain('4500001500000');
    // The Enter that started the Eval is done waiting: keys typed now reach the line at once,
    // while the process is still busy (issue 15 #13: they were invisible until it finished).
    await pending;
    for (const k of new KeyDecoder().decode('typed meanwhile')) await session.handleKey(k);
    expect(session.getView().editor.text).toBe('typed meanwhile');
    // Tab does not ask the busy process (that would hold the keys again): it says why.
    await session.handleKey({ type: 'tab' });
    expect(session.getView().hint).toMatch(/still busy with an input you stopped waiting for/);
    await session.handleKey({ type: 'kill-line' });
    // A dot-command that asks the busy process shows the spinner, and Ctrl-C stops waiting for it too.
    for (const k of new KeyDecoder().decode('.inbox')) await session.handleKey(k);
    const inbox = session.handleKey({ type: 'enter' });
    await waitFor(() => session.getView().busy?.label.startsWith('.inbox (the process is still busy)'), 'the spinner for .inbox');
    await session.handleKey({ type: 'ctrl-c' });
    await inbox;
    expect(session.getView().busy).toBeUndefined();
    release();
    await waitFor(() => texts().join('\n').includes('4500001500000'), 'the late result');
    await waitFor(() => texts().some((t) => /messages$/.test(t)), 'the late .inbox');
    // the late result names its input (number and first words), not just "evaluating"
    expect(texts().join('\n')).toMatch(/Result of an input you stopped waiting for \(input 1: local s = 0 for i = 1, 3e6 do s = s \+ i…\):\n4500001500000/);
    expect(session.getView().busy).toBeUndefined();
    hold = false;
    for (const k of new KeyDecoder().decode('1 + 1\r')) await session.handleKey(k);
    expect(texts().slice(-1)).toEqual(['2']);
  });
});
