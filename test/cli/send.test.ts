import { afterAll, describe, expect, it } from 'vitest';
import { aos, runLua, spawnProcess } from '../helpers/cli.js';
import { removeTempDirs, tempDataDir } from '../helpers/temp.js';
import { holdProcess } from '../local/fixtures/hold.js';

afterAll(() => removeTempDirs());

const NOT_LOCAL = 'z'.repeat(43);

let shared: Promise<{ dir: string; echo: string; caller: string }> | undefined;
/** Two processes that ping-pong, made once for the tests that only send `Go` to them. */
function pingPong(): Promise<{ dir: string; echo: string; caller: string }> {
  shared ??= makePingPong();
  return shared;
}

async function makePingPong(): Promise<{ dir: string; echo: string; caller: string }> {
  const dir = tempDataDir();
  const echo = await spawnProcess(dir, 'echo');
  const caller = await spawnProcess(dir, 'caller');
  await runLua(dir, 'echo', 'Handlers.add("ping", "Ping", function(msg) msg.reply({ Action = "Pong", Data = "pong " .. (msg.Data or "") }) end) return "ok"');
  await runLua(dir, 'caller', 'Handlers.add("pong", "Pong", function(msg) Got = msg.Data print("got " .. msg.Data) end) return "ok"');
  await runLua(dir, 'caller', `Handlers.add("go", "Go", function(msg) Send({ Target = "${echo}", Action = "Ping", Data = msg.Data }) Send({ Target = "${NOT_LOCAL}", Action = "Transfer" }) print("going") end) return "ok"`);
  return { dir, echo, caller };
}

describe('aos-ts send', () => {
  it('prints Output.data, and lists the cascade and what is pending on stderr', async () => {
    const { dir } = await pingPong();
    const r = await aos(['send', 'caller', '--action', 'Go', '--data', 'hi', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('going\n');
    expect(r.stderr).toMatch(/cascade: 2 delivered locally, .*1 not delivered/);
    expect(r.stderr).toMatch(/→ echo \(.*\) #\d+ Action=Ping from caller/);
    expect(r.stderr).toMatch(/→ caller \(.*\) #\d+ Action=Pong from echo .*: got pong hi/);
    expect(r.stderr).toMatch(/⋯ zzzzzz…zzzz Action=Transfer from caller/);
    expect(await runLua(dir, 'caller', 'return Got')).toBe('pong hi');
  });

  it('--json prints {result, cascade, pending}', async () => {
    const { dir, echo, caller } = await pingPong();
    const r = await aos(['send', caller, '--action', 'Go', '--data', 'j', '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      id: string;
      result: { Output: { data: string } };
      cascade: { process: string; result: unknown }[];
      pending: { from: string; message: { Target: string } }[];
    };
    expect(out.result.Output.data).toBe('going');
    expect(out.cascade.map((d) => d.process)).toEqual([echo, caller]);
    expect(out.pending).toEqual([expect.objectContaining({ from: caller, message: expect.objectContaining({ Target: NOT_LOCAL }) })]);
  });

  it('--tag adds tags; a message no handler takes lands in the Inbox', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'box');
    const r = await aos(['send', 'box', '--action', 'Note', '--tag', 'Color=red', '--data', 'hello', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('New Message From');
    expect(await runLua(dir, 'box', 'local m = Inbox[#Inbox] return m.Action .. " " .. m.Color .. " " .. m.Data')).toBe('Note red hello');
  });

  it('exits 1 with the Error on stderr when the message fails', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'p');
    const r = await aos(['send', 'p', '--action', 'Eval', '--data', 'error("boom")', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('boom');
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('strips colours when stdout is not a terminal, keeps them with FORCE_COLOR', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'p');
    const lua = 'return "\\27[32mgreen\\27[0m"';
    const plain = await aos(['send', 'p', '--action', 'Eval', '--data', lua, '--data-dir', dir]);
    expect(plain.stdout).toBe('green\n');
    const forced = await aos(['send', 'p', '--action', 'Eval', '--data', lua, '--data-dir', dir], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toBe('\u001b[32mgreen\u001b[0m\n');
    const noColor = await aos(['send', 'p', '--action', 'Eval', '--data', lua, '--no-color', '--data-dir', dir], { env: { FORCE_COLOR: '1' } });
    expect(noColor.stdout).toBe('green\n');
  });

  it('a reply to you is counted as sent to you, with its Data', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'tok');
    await runLua(dir, 'tok', 'Handlers.add("b", "Balance", function(msg) msg.reply({ Action = "Balance-Notice", Data = "100" }) end) return 1');
    const r = await aos(['send', 'tok', '--action', 'Balance', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cascade: 0 delivered locally, 1 sent to you\n/);
    expect(r.stderr).toMatch(/⋯ you \(.*\) Action=Balance-Notice from tok/);
  });

  it('while another program holds the process, the message is handled there and its result shown here', async () => {
    const dir = tempDataDir();
    const holder = await holdProcess(dir, 'held-tok', 'Handlers.add("b", "Balance", function(msg) print("balance asked") msg.reply({ Action = "Balance-Notice", Data = "100" }) end)');
    try {
      const r = await aos(['send', 'held-tok', '--action', 'Balance', '--data-dir', dir]);
      expect(r.stderr).not.toMatch(/lock/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('balance asked\n');
      expect(r.stderr).toMatch(/⋯ you \(.*\) Action=Balance-Notice from held-tok/);
      const j = await aos(['send', 'held-tok', '--action', 'Balance', '--json', '--data-dir', dir]);
      const out = JSON.parse(j.stdout) as { seq: number; pending: { message: { Data: string } }[] };
      expect(out.seq).toBeGreaterThan(2);
      expect(out.pending.map((p) => p.message.Data)).toEqual(['100']);
    } finally {
      await holder.stop();
    }
  });

  it('usage mistakes commander catches also read aos-ts: ... and exit 1', async () => {
    const missing = await aos(['send']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^aos-ts: missing required argument 'process'/);
    const unknown = await aos(['send', 'x', '--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^aos-ts: unknown option '--bogus'/);
  });

  it('an unknown process is a clear error that suggests aos-ts list', async () => {
    const dir = tempDataDir();
    const r = await aos(['send', 'ghost', '--action', 'X', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aos-ts: no local process is named or has the id "ghost".*aos-ts list/);
  });

  it('rejects a malformed --tag and an Action given twice', async () => {
    const dir = tempDataDir();
    await spawnProcess(dir, 'p');
    const bad = await aos(['send', 'p', '--tag', 'oops', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^aos-ts: --tag "oops" is not name=value/);
    const twice = await aos(['send', 'p', '--action', 'A', '--tag', 'Action=B', '--data-dir', dir]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^aos-ts: both --action and --tag Action/);
  });
});
