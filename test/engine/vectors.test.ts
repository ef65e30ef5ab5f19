// Test vectors for the aos process OS (src/lua), run through the real host.
// (The OS semantics only: the VM runs on the test thread, as LuaVm; the engine thread is tested in engine.test.ts.)
// §8 of shared/spec/aos-process.md, one `it` per vector, plus extra cases for
// the tricky corners (normalization, handler list ops, utils, stringify, Dump,
// json, Inbox). Each compares against the exact value the spec states.
import { afterEach, describe, expect, it } from 'vitest';
import { LuaVm } from '../../src/engine/lua-vm.js';

type Tag = { name: string; value: string };
type Msg = Record<string, unknown> & { Tags: Tag[] };
type Result = {
  Output?: any;
  Messages?: any[];
  Spawns?: any[];
  Assignments?: any[];
  Error?: string;
};

const ESC = '\u001b';
const red = `${ESC}[31m`;
const green = `${ESC}[32m`;
const blue = `${ESC}[34m`;
const gray = `${ESC}[90m`;
const reset = `${ESC}[0m`;

const t = (obj: Record<string, string>): Tag[] => Object.entries(obj).map(([name, value]) => ({ name, value }));

// Setup S (spec §8).
const ENV = { Process: { Id: 'AOS', Owner: 'FOOBAR', Tags: t({ Name: 'Thomas' }) } };
const INIT: Msg = {
  Id: 'AOS',
  Target: 'AOS',
  From: 'FOOBAR',
  Owner: 'FOOBAR',
  'Block-Height': '999',
  Module: 'WOOPAWOOPA',
  Tags: t({ Name: 'Thomas' }),
};
const ev = (code: string, extra: Partial<Msg> = {}): Msg => ({
  Target: 'AOS',
  From: 'FOOBAR',
  Owner: 'FOOBAR',
  Id: '1234xyxfoo',
  'Block-Height': '1000',
  Module: 'WOOPAWOOPA',
  Tags: t({ Action: 'Eval' }),
  Data: code,
  ...extra,
});
let seq = 0;
const fred = (tags: Record<string, string>, data?: string, extra: Partial<Msg> = {}): Msg => {
  seq += 1;
  const m: Msg = { Id: `fred-${seq}`, From: 'FRED', Owner: 'FRED', Target: 'AOS', Timestamp: 1_000 + seq, Tags: t(tags), ...extra };
  if (data !== undefined) m.Data = data;
  return m;
};
const prompt = (name: string, inbox: number) =>
  `${green}${name}${gray}@${blue}aos-2.0.4${gray}[Inbox:${red}${inbox}${gray}]${reset}> `;
const defaultLine = (from: string, what: string) =>
  `${gray}New Message From ${green}${from.slice(0, 3)}...${from.slice(-3)}${gray}: ${what}${reset}`;

/** Tag list of an outbox entry as a name → value map (first occurrence wins). */
function tagMap(entry: { Tags: Tag[] }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const tag of entry.Tags) if (!(tag.name in out)) out[tag.name] = tag.value;
  return out;
}

const engines: LuaVm[] = [];
afterEach(() => {
  while (engines.length) engines.pop()!.close();
});

class Proc {
  constructor(
    readonly engine: LuaVm,
    readonly env: object = ENV,
  ) {}
  send(msg: Msg, env: object = this.env): Result {
    return this.engine.handle(msg as any, env as any) as Result;
  }
  eval(code: string, extra: Partial<Msg> = {}): Result {
    return this.send(ev(code, extra));
  }
  /** Output.data of an Eval that must succeed. */
  value(code: string): string {
    const r = this.eval(code);
    expect(r.Error, `eval failed: ${code}`).toBeUndefined();
    return r.Output.data;
  }
}

async function fresh(env: object = ENV): Promise<Proc> {
  const engine = await LuaVm.create();
  engines.push(engine);
  return new Proc(engine, env);
}
async function booted(): Promise<Proc> {
  const p = await fresh();
  const r = p.send(INIT);
  expect(r.Error).toBeUndefined();
  return p;
}

describe('§8 test vectors', () => {
  it('1: init message output', async () => {
    const p = await fresh();
    const r = p.send(INIT);
    expect(r.Output).toEqual({
      data: `${gray}New Message From ${green}FOO...BAR${gray}: ${gray}Data = ${blue}${reset}`,
      prompt: prompt('Thomas', 1),
      print: true,
    });
    expect(r.Messages).toEqual([]);
    expect(r.Spawns).toEqual([]);
    expect(r.Assignments).toEqual([]);
  });

  it('2: Eval 1 + 1 has data, test and no print key', async () => {
    const p = await booted();
    const r = p.eval('1 + 1');
    expect(r.Output.data).toBe('2');
    expect(r.Output.test).toBe('{\n    [1] = "2"\n}');
    expect(r.Output.prompt).toBe(prompt('Thomas', 1));
    expect('print' in r.Output).toBe(false);
  });

  it('3: print lines are joined by newlines', async () => {
    const p = await booted();
    expect(p.value('print("Hello World")')).toBe('Hello World');
    expect(p.value('\nprint("one") \nprint("two")\n')).toBe('one\ntwo');
  });

  it('4: Eval runtime error', async () => {
    const p = await booted();
    const r = p.eval('100 < undefined');
    expect(Object.keys(r)).toEqual(['Error']);
    expect(r.Error).toContain('attempt to compare number with nil');
    expect(r.Error!.startsWith(`\n\n${red}error:\n${reset}`)).toBe(true);
    expect(r.Error).toContain('[string ".handlers"]:');
    expect(r.Error).toContain('[string "aos"]:1:');
  });

  it('5: Eval compile error is the whole result', async () => {
    const p = await booted();
    expect(p.eval('x = ')).toEqual({ Error: '[string "aos"]:1: unexpected symbol near <eof>' });
  });

  it('6: a truthy second return value is an error', async () => {
    const p = await booted();
    expect(p.eval('return 1, "boom"')).toEqual({ Error: 'boom' });
  });

  it('7: Eval value formatting', async () => {
    const p = await booted();
    expect(p.value('{a=1}')).toBe(`{\n   ${red}a${reset} = ${blue}1${reset}\n}`);
    expect(p.value('{1,2,3}')).toBe(`{ ${blue}1${reset}, ${blue}2${reset}, ${blue}3${reset} }`);
    expect(p.value('{}')).toBe('{  }');
    expect(p.value('10/2')).toBe('5.0');
    expect(p.value('"hi"')).toBe('hi');
    expect(p.value('true')).toBe('true');
    expect(p.value('nil')).toBe('');
    expect(p.value('false')).toBe('');
    expect(p.eval('nil').Output.test).toBe('{}');
  });

  it('8: print colours scalars', async () => {
    const p = await booted();
    expect(p.value('print(1)')).toBe(`${green}1${reset}`);
    expect(p.value('print(nil) print(true)')).toBe(`${red}nil${reset}\n${blue}true${reset}`);
  });

  it('9: math.random is MT19937 seeded per §5.1', async () => {
    const p = await booted();
    expect(p.value('math.random(10)')).toBe('2');
  });

  it('10: Name and Owner are initialised', async () => {
    const p = await booted();
    expect(p.value('print("name: " .. Name .. ", owner: " .. Owner)')).toBe('name: Thomas, owner: FOOBAR');
  });

  it('11: require(".utils").capitalize', async () => {
    const p = await booted();
    expect(p.value(`return require('.utils').capitalize("foo-bar")`)).toContain('Foo-bar');
  });

  it('12: untrusted messages run nothing', async () => {
    const p = await booted();
    const r = p.send({ Id: 'x1', Target: 'AOS', From: 'BAM', Owner: 'BEEP', Tags: t({ Action: 'Eval' }), Data: 'Hacked = true; 1 + 1' });
    expect(r.Output.data).toContain('Message is not trusted! From: BAM - Owner: BEEP');
    expect(r.Output.data).not.toContain('2');
    expect(r.Output.print).toBe(true);
    expect(p.value('return tostring(Hacked) .. " " .. #Inbox')).toBe('nil 1');
  });

  it('13: authorities', async () => {
    const tags = t({ Name: 'Thomas', Authority: 'FOO,BAR,FOOBAR,UNIQUE-ADDRESS' });
    const env = { Process: { Id: 'AOS', Owner: 'FOOBAR', Tags: tags } };
    const p = await fresh(env);
    expect(p.send({ ...INIT, Tags: tags }).Error).toBeUndefined();
    expect(p.value('#ao.authorities')).toBe('4');
    const ok = p.send({ Id: 'a1', Target: 'AOS', Owner: 'FOO', From: 'UNIQUE-ADDRESS', Tags: t({ Action: 'Testing' }) });
    expect(ok.Output.data).toContain('New Message From');
    const bad = p.send({ Id: 'a2', Target: 'AOS', Owner: 'BAM1', From: 'BAM2', Tags: [] });
    expect(bad.Output.data).toContain('Message is not trusted! From: BAM2 - Owner: BAM1');
  });

  it('14: Assign', async () => {
    const p = await booted();
    const r = p.eval('Assign({ Processes = { "pid-1", "pid-2" }, Message = "mid-1" })');
    expect(r.Assignments).toEqual([{ Processes: ['pid-1', 'pid-2'], Message: 'mid-1' }]);
    expect(r.Output.data).toBe('Assignment added to outbox.\nAssignment added to outbox.');
  });

  it('15: table Data is JSON-encoded and decoded back', async () => {
    const p = await booted();
    const r = p.eval('Send({ Target = "AOS", Data = { foo = "bar" }})');
    const m = r.Messages![0];
    expect(m.Data).toBe('{"foo":"bar"}');
    expect(tagMap(m)['Content-Type']).toBe('application/json');
    const back = p.send({ ...ev(''), ...m } as Msg);
    expect(back.Error).toBeUndefined();
    expect(p.value('Inbox[2].Data.foo')).toBe('bar');
  });

  it('16: Spawn', async () => {
    const p = await booted();
    const r = p.eval('Spawn("AWESOME_SAUCE", { Target = "TEST", Data = { foo = "bar" }})');
    const s = r.Spawns![0];
    expect(s.Data).toBe('{"foo":"bar"}');
    expect(s.Target).toBeUndefined();
    expect(tagMap(s)).toMatchObject({
      Type: 'Process',
      'From-Process': 'AOS',
      // ao._module comes from env.Process's Module tag, which S does not set (§1.4 step 1).
      'From-Module': '',
      Module: 'AWESOME_SAUCE',
      Reference: '1',
      'Content-Type': 'application/json',
    });
    expect(r.Output.data).toContain('Spawn process request added to outbox');
  });

  it('17: Send message format', async () => {
    const p = await booted();
    const r = p.eval('Send({Target = "PID", Action = "Ping", Data = "hi", Tags = {Extra = "1"}})');
    expect(r.Messages).toEqual([
      {
        Target: 'PID',
        Data: 'hi',
        Anchor: '00000000000000000000000000000001',
        Tags: t({ 'Data-Protocol': 'ao', Variant: 'ao.TN.1', Type: 'Message', Reference: '1', Action: 'Ping', Extra: '1' }),
      },
    ]);
    expect(r.Messages![0].Anchor).toHaveLength(32);
    const d: string = r.Output.data;
    expect(d).toContain(`${red}output${reset} = ${green}"Message added to outbox"${reset}`);
    expect(d).toMatch(new RegExp(`${red.replace('[', '\\[')}receive${reset.replace('[', '\\[')} = .*function: 0x`));
    expect(d).toContain(`${red}onReply${reset} = `);
  });

  it('18: Send without Target warns', async () => {
    const p = await booted();
    const r = p.eval('Send({Data = "x"}); return 1');
    expect(r.Output.data).toBe('WARN: No target specified for message. Data will be stored, but no process will receive it.\n1');
    expect(r.Messages).toHaveLength(1);
    expect('Target' in r.Messages![0]).toBe(false);
  });

  it('19: continue / skip patterns still reach _default', async () => {
    const p = await booted();
    p.value(`
      Handlers.add("one", function() return "continue" end, function() print("one") end)
      Handlers.add("two", function() return "continue" end, function() print("two") end)
      Handlers.add("three", function() return "skip" end, function() print("three") end)`);
    const r = p.send(fred({}, 'ping'));
    expect(r.Output.data).toBe(`one\ntwo\n${defaultLine('FRED', `${gray}Data = ${blue}ping`)}`);
  });

  it('20: Handlers.once with hasMatchingData', async () => {
    const p = await booted();
    p.value('Handlers.once("onetime", Handlers.utils.hasMatchingData("ping"), function() print("pong") end)');
    expect(p.send(fred({}, 'ping')).Output.data).toBe('pong');
    expect(p.send(fred({}, 'ping')).Output.data).toContain('New Message From');
  });

  it('21: Handlers.once with a table spec', async () => {
    const p = await booted();
    p.value('Handlers.once("onetime", { Action = "ping", Data = "ping" }, function() print("pong") end)');
    expect(p.send(fred({ Action: 'ping' }, 'ping')).Output.data).toBe('pong');
  });

  it('22: msg.reply targets the sender', async () => {
    const p = await booted();
    p.value('Handlers.add("Balance", function(msg) msg.reply({Data = "1000"}) end)');
    const r = p.send(fred({ Action: 'Balance' }));
    expect(r.Messages![0].Data).toBe('1000');
    expect(r.Messages![0].Target).toBe('FRED');
  });

  it('23: os.time is msg.Timestamp', async () => {
    const p = await booted();
    p.value('Handlers.add("time", "Time", function() print(os.time()) end)');
    expect(p.send(fred({ Action: 'Time' }, undefined, { Timestamp: 1_700_000_123_456 })).Output.data).toBe(`${green}1700000123456${reset}`);
  });

  it('24: tag names are normalized', async () => {
    const p = await booted();
    p.value(`
      Handlers.add("ta", { Action = "test-action" }, function(m) print("matched " .. m.Action) end)
      Handlers.add("hdr", function(m) return m.Tags["X-Custom-Header"] ~= nil end,
        function(m) print("hdr " .. m.Tags["X-Custom-Header"] .. " " .. m["X-Custom-Header"]) end)`);
    for (const name of ['action', 'ACTION', 'AcTiOn', 'Action']) {
      expect(p.send(fred({ [name]: 'test-action' })).Output.data).toBe('matched test-action');
    }
    for (const name of ['x_custom_header', 'X-custom_HEADER']) {
      expect(p.send(fred({ [name]: 'v' })).Output.data).toBe('hdr v v');
    }
    const other = p.send(fred({ Action: 'different-action' })).Output.data;
    expect(other).toBe(defaultLine('FRED', `${gray}Action = ${blue}different-action`));
  });

  it('25: string patterns are exact, table values may be Lua patterns', async () => {
    const p = await booted();
    p.value(`
      Handlers.add("ping", "Ping", function() print("pong") end)
      Handlers.add("tbl", { Action = "Tbl", Qty = "%d+" }, function() print("tbl") end)`);
    expect(p.send(fred({ Action: 'ping' })).Output.data).toBe(defaultLine('FRED', `${gray}Action = ${blue}ping`));
    expect(p.send(fred({ Action: 'Ping' })).Output.data).toBe('pong');
    expect(p.send(fred({ Action: 'Tbl', Qty: 'x12y' })).Output.data).toBe('tbl');
    expect(p.send(fred({ Action: 'Tbl', Qty: 'abc' })).Output.data).toContain('New Message From');
  });

  it('26: a handler error is the only result', async () => {
    const p = await booted();
    p.value('Handlers.add("boom", "Boom", function() Send({Target = "X", Data = "d"}) print("about to fail") error("kaput") end)');
    const r = p.send(fred({ Action: 'Boom' }));
    expect(Object.keys(r)).toEqual(['Error']);
    expect(r.Error).toContain(`about to fail\n${red}Error${gray} handling message with Action = Boom${reset}\n${green}`);
    expect(r.Error).toMatch(/kaput\u001b\[0m/);
    expect(r.Error).toMatch(/\n\n\u001b\[31merror:\n\u001b\[0m[^\n]*kaput$/);
    // Non-Eval errors are not recorded in Errors.
    expect(p.value('#Errors')).toBe('0');
  });

  it('27: pattern results must be string, number or boolean', async () => {
    const p = await booted();
    p.value('Handlers.add("bad", function() return {} end, function() end)');
    expect(p.send(fred({ Action: 'Any' })).Error).toContain('Pattern result is not valid, it MUST be string, number, or boolean');
  });

  it('28: assignments need an assignable', async () => {
    const p = await booted();
    const assignment = (tags: Record<string, string>) => ev('2 + 2', { Target: 'NOT_AOS', Tags: t({ Action: 'Eval', ...tags }) });
    const r1 = p.send(assignment({}));
    expect(r1.Messages![0].Data).toBe('Assignment is not trusted by this process!');
    expect(r1.Messages![0].Target).toBe('FOOBAR');
    expect(r1.Output.data).toContain('Assignment is not trusted! From: FOOBAR - Owner: FOOBAR');
    p.value(`ao.addAssignable(function(m) return m.Name == 'Thomas' end)`);
    expect(p.send(assignment({ Name: 'Thomas' })).Output.data).toBe('4');
  });

  it('29: assignable argument checks', async () => {
    const p = await booted();
    expect(p.eval('ao.addAssignable(1234, function() end)').Error).toContain('MatchSpec name MUST be a string');
    expect(p.eval('ao.removeAssignable({})').Error).toContain('index MUST be a number');
    p.value(`ao.addAssignable('foobar', function() return false end)`);
    p.value(`ao.addAssignable('foobar', function() return false end)`);
    expect(p.value('#ao.assignables')).toBe('1');
  });

  it('30: receive() waits for the X-Reference reply', async () => {
    const p = await booted();
    p.value(`Handlers.add("Ask", "Ask", function(m)
      local r = ao.send({Target = "ORACLE", Action = "Query"}).receive()
      print("got " .. r.Data)
      m.reply({Data = "answer:" .. r.Data})
    end)`);
    const r1 = p.send(fred({ Action: 'Ask', Reference: '77' }));
    expect(r1.Error).toBeUndefined();
    expect(r1.Output.data).toBe('');
    expect(r1.Messages).toHaveLength(1);
    expect(r1.Messages![0].Target).toBe('ORACLE');
    expect(tagMap(r1.Messages![0])).toMatchObject({ Action: 'Query', Reference: '1' });
    const r2 = p.send({ Id: 'o1', From: 'ORACLE', Owner: 'ORACLE', Target: 'AOS', Tags: t({ 'X-Reference': '1' }), Data: '42' });
    expect(r2.Output.data).toBe('got 42');
    expect(r2.Messages).toHaveLength(1);
    expect(r2.Messages![0]).toMatchObject({ Target: 'FRED', Data: 'answer:42' });
    expect(tagMap(r2.Messages![0])['X-Reference']).toBe('77');
  });

  it('31: Receive inside Eval', async () => {
    const p = await booted();
    expect(p.value('local r = Receive({Action = "Wake"}) print("woke " .. r.Data)')).toBe('');
    expect(p.send(fred({ Action: 'Wake' }, 'zzz')).Output.data).toBe('woke zzz');
  });

  it('32: msg.reply and msg.forward', async () => {
    const p = await booted();
    p.value(`
      Handlers.add("rep", "Rep", function(m) m.reply({Data = "x"}) end)
      Handlers.add("fwd", "Fwd", function(m) m.forward("OTHER", {Extra = "e"}) end)`);
    const r = p.send(fred({ Action: 'Rep', 'Reply-To': 'RT', 'X-Reference': 'XR', 'X-Origin': 'XO' }));
    expect(r.Messages![0].Target).toBe('RT');
    expect(tagMap(r.Messages![0])).toMatchObject({ 'X-Reference': 'XR', 'X-Origin': 'XO' });
    const f = p.send(fred({ Action: 'Fwd', Reference: '9', Custom: 'c' }, 'payload'));
    const m = f.Messages![0];
    expect(m.Target).toBe('OTHER');
    expect(m.Data).toBe('payload');
    expect(tagMap(m)).toMatchObject({ 'Reply-To': 'FRED', 'X-Origin': 'FRED', 'X-Reference': '9', Extra: 'e', Action: 'Fwd', Custom: 'c' });
  });

  it('33: duplicate tags: root takes the last, Tags the first', async () => {
    const p = await booted();
    p.value('Handlers.add("dup", "DupTest", function(m) print(m.Dup .. "," .. m.Tags.Dup .. "," .. #m.TagArray) end)');
    const msg = fred({ Action: 'DupTest' });
    msg.Tags.push({ name: 'Dup', value: '1' }, { name: 'Dup', value: '2' });
    expect(p.send(msg).Output.data).toBe('2,1,3');
  });

  it('34: Inbox keeps the newest 10000', async () => {
    const p = await booted();
    expect(p.value('for i = 1, 10000 do table.insert(Inbox, {i = i}) end return #Inbox')).toBe('10001');
    p.send(fred({}, 'last'));
    expect(p.value('#Inbox')).toBe('10000');
    expect(p.value('Inbox[1].i')).toBe('2');
    expect(p.value('Inbox[#Inbox].Data')).toBe('last');
  });

  it('35: boot with On-Boot = Data', async () => {
    const tags = t({ Type: 'Process', 'On-Boot': 'Data', Name: 'booty', Module: 'MODX' });
    const env = { Process: { Id: 'BOOTPID', Owner: 'WALLET', Tags: tags } };
    const p = await fresh(env);
    const r = p.send({
      Id: 'BOOTPID', Target: 'BOOTPID', From: 'WALLET', Owner: 'WALLET', 'Block-Height': '1', Timestamp: 5, Tags: tags,
      Data: 'Counter = 41\nprint("booted")\nreturn Counter + 1',
    });
    expect(r.Output).toEqual({ data: 'booted\n42', prompt: prompt('booty', 1), print: true });
    const q = (code: string) => p.send(ev(code, { Target: 'BOOTPID', From: 'WALLET', Owner: 'WALLET' })).Output.data;
    expect(q('Owner')).toBe('WALLET');
    expect(q('#Inbox')).toBe('1');
    expect(q('ao._module')).toBe('MODX');
    expect(q('Counter')).toBe('41');
  });

  it('36: token blueprint behaviour', async () => {
    const p = await booted();
    p.value(TOKEN_LUA);
    const bal = p.send(fred({ Action: 'Balance' }));
    expect(bal.Messages![0].Data).toBe('0');
    expect(tagMap(bal.Messages![0])).toMatchObject({ Balance: '0', Ticker: 'PNTS', Account: 'FRED' });
    expect(p.send(fred({ Action: 'Balances' })).Messages![0].Data).toBe('{"AOS":"10000000000000000"}');
    const tr = fred({ Action: 'Transfer', Recipient: 'BOB', Quantity: '5' });
    const err = p.send(tr);
    expect(tagMap(err.Messages![0])).toMatchObject({ Action: 'Transfer-Error', 'Message-Id': tr.Id, Error: 'Insufficient Balance!' });
    const mint = p.send(fred({ Action: 'Mint', Quantity: '5' }));
    expect(tagMap(mint.Messages![0])).toMatchObject({ Action: 'Mint-Error', Error: 'Only the Process Id can mint new PNTS tokens!' });
    const ok = p.send({
      Id: 'tx-1', From: 'AOS', Owner: 'AOS', Target: 'AOS',
      Tags: t({ Action: 'Transfer', Recipient: 'BOB', Quantity: '1000', 'X-Note': 'hello', Reference: '3' }),
    });
    expect(ok.Error).toBeUndefined();
    const debit = ok.Messages!.find((m) => tagMap(m).Action === 'Debit-Notice');
    const credit = ok.Messages!.find((m) => tagMap(m).Action === 'Credit-Notice');
    expect(debit.Target).toBe('AOS');
    expect(tagMap(debit)).toMatchObject({ 'X-Reference': '3', 'X-Note': 'hello', Recipient: 'BOB', Quantity: '1000' });
    expect(credit.Target).toBe('BOB');
    expect(tagMap(credit)).toMatchObject({ Sender: 'AOS', 'X-Note': 'hello', Quantity: '1000' });
    expect(p.value('Balances.BOB')).toBe('1000');
    expect(p.value('Balances.AOS')).toBe('9999999999999000');
    expect(p.send(fred({ Action: 'Transfer', Recipient: 'BOB' })).Error).toContain('Quantity is required!');
  });

  it('37: invalid JSON Data with Content-Type application/json fails the call', async () => {
    const p = await booted();
    const r = p.send(fred({ 'Content-Type': 'application/json' }, 'not json'));
    expect(typeof r.Error).toBe('string');
    expect(r.Output).toBeUndefined();
  });
});

describe('normalization edge cases', () => {
  it('lowercases the rest of a name and lifts real fields', async () => {
    const p = await booted();
    p.value(`Handlers.add("show", "Show", function(m)
      print(tostring(m.Tokenid) .. "|" .. tostring(m.Type) .. "|" .. tostring(m.Tags.Type) .. "|" .. m.Id .. "|" .. os.time())
    end)`);
    const msg = fred({ Action: 'Show', TokenId: 'tok', Type: 'Message', Id: 'from-tag', Timestamp: '42' });
    expect(p.send(msg).Output.data).toBe('tok|nil|Message|from-tag|42');
  });

  it('renames root keys and accepts a map of tags', async () => {
    const p = await booted();
    p.value('Handlers.add("root", "Root", function(m) print(m["Block-Height"] .. "|" .. m.Custom) end)');
    const r = p.send({ Id: 'r1', From: 'FRED', Owner: 'FRED', Target: 'AOS', block_height: 77, Tags: { action: 'Root', custom: 'c' } } as any);
    expect(r.Output.data).toBe('77|c');
  });

  it('an Eval from a non-owner lands in the Inbox with the Eval shape', async () => {
    const p = await booted();
    const r = p.send(fred({ Action: 'Eval' }, 'Pwned = true'));
    expect(r.Output.data).toBe(defaultLine('FRED', `${gray}Action = ${blue}Eval`));
    expect('test' in r.Output).toBe(true);
    expect(p.value('return tostring(Pwned) .. " " .. #Inbox')).toBe('nil 2');
  });
});

describe('Handlers API', () => {
  const names = 'local n = {} for _, h in ipairs(Handlers.list) do n[#n + 1] = h.name end return table.concat(n, ",")';

  it('before/after/prepend/remove keep order', async () => {
    const p = await booted();
    p.value(`
      Handlers.add("a", "A", function() end)
      Handlers.add("c", "C", function() end)
      Handlers.before("c").add("b", "B", function() end)
      Handlers.after("c").add("d", "D", function() end)
      Handlers.prepend("z", "Z", function() end)
      Handlers.before("missing").add("x", "X", function() end)
      Handlers.add("a", "A2", function() end)`);
    expect(p.value(names)).toBe('z,_boot,_eval,_default,a,b,c,d');
    p.value('Handlers.remove("c")');
    expect(p.value(names)).toBe('z,_boot,_eval,_default,a,b,d');
    expect(p.value('return Handlers.add("e", "E", function() end)')).toBe('8');
  });

  it('maxRuns counts down and removes the handler', async () => {
    const p = await booted();
    p.value('Handlers.add("twice", "Tw", function() print("tw") end, 2)');
    expect(p.send(fred({ Action: 'Tw' })).Output.data).toBe('tw');
    expect(p.send(fred({ Action: 'Tw' })).Output.data).toBe('tw');
    expect(p.send(fred({ Action: 'Tw' })).Output.data).toContain('New Message From');
  });

  it('resolver tables and argument validation', async () => {
    const p = await booted();
    p.value(`Handlers.add("res", "Res", { [{ Kind = "a" }] = function() print("A") end, [{ Kind = "b" }] = function() print("B") end })`);
    expect(p.send(fred({ Action: 'Res', Kind: 'b' })).Output.data).toBe('B');
    expect(p.eval('Handlers.add(1, "X", function() end)').Error).toContain('Invalid arguments given. Expected:');
  });

  it('hasMatchingTagOf and utils.reply', async () => {
    const p = await booted();
    p.value(`Handlers.add("of", Handlers.utils.hasMatchingTagOf("Action", {"One", "Two"}), Handlers.utils.reply("hi"))`);
    const r = p.send(fred({ Action: 'Two' }));
    expect(r.Messages![0]).toMatchObject({ Target: 'FRED', Data: 'hi' });
  });
});

describe('Utils', () => {
  it('curry, reduce, map, filter, compose, propEq, includes', async () => {
    const p = await booted();
    expect(p.value('local add = Utils.curry(function(a, b, c) return a + b + c end, 3) return add(1)(2)(3) + add(1, 2)(3) + add(1, 2, 3)')).toBe('18');
    expect(p.value('Utils.reduce(function(acc, v) return acc + v end)(nil)({1, 2, 3})')).toBe('6');
    expect(p.value('Utils.reduce(function(acc, v, k) return acc .. k .. v end, "", {"a", "b"})')).toBe('1a2b');
    expect(p.value('table.concat(Utils.map(function(v, k) return v * k end)({1, 2, 3}), ",")')).toBe('1,4,9');
    expect(p.value('table.concat(Utils.filter(function(v) return v % 2 == 1 end, {1, 2, 3}), ",")')).toBe('1,3');
    expect(p.value('Utils.compose(function(x) return x + 1 end, function(x) return x * 2 end)(3)')).toBe('7');
    expect(p.value('Utils.propEq("name")("x")({name = "x"})')).toBe('true');
    expect(p.value('Utils.includes(2)({1, 2})')).toBe('true');
    expect(p.value('table.concat(Utils.concat({1})({2, 3}), ",")')).toBe('1,2,3');
    expect(p.value('table.concat(Utils.reverse({1, 2, 3}), ",")')).toBe('3,2,1');
    expect(p.value('Utils.find(function(v) return v > 1 end)({1, 5, 9})')).toBe('5');
    expect(p.eval('Utils.map(function(v) return v end, {a = 1})').Error).toContain('Array');
  });

  it('matchesPattern wildcard, case, tables and functions', async () => {
    const p = await booted();
    expect(p.value('Utils.matchesPattern("_", "anything")')).toBe('true');
    expect(p.value('Utils.matchesPattern("hello", "HeLLo")')).toBe('true');
    expect(p.value('tostring(Utils.matchesPattern("a-b", "axb"))')).toBe('false');
    expect(p.value('Utils.matchesPattern({"x", "y"}, "y")')).toBe('true');
    expect(p.value('Utils.matchesSpec({Action = "A", Data = "d"}, {Data = function(v) return v == "d" end})')).toBe('true');
  });
});

describe('stringify and Dump', () => {
  it('nested maps, arrays of tables, mixed tables and cycles', async () => {
    const p = await booted();
    expect(p.value('{a={b=2}}')).toBe(`{\n   ${red}a${reset} = {\n     ${red}b${reset} = ${blue}2${reset}\n  }\n}`);
    expect(p.value('{"x",1,true}')).toBe(`{\n  ${green}"x"${reset},\n  ${blue}1${reset},\n  ${blue}true${reset}\n }`);
    expect(p.value('{1,2,x=3}')).toBe(`{\n   ${red}x${reset} = ${blue}3${reset}\n}`);
    expect(p.value('local t = {} t.self = t return t')).toBe(`{\n   ${red}self${reset} = <circular reference>\n}`);
    expect(p.value('{{1}}')).toBe(`{\n  { ${blue}1${reset} }\n }`);
  });

  it('Dump sorts keys numbers first and quotes odd keys', async () => {
    const p = await booted();
    const r = p.eval('return Dump({b = 1, a = "x", [2] = true, [1] = {}, ["a-b"] = 3, ["end"] = {1, 2}})');
    expect(r.Output.data).toBe(
      '{\n    [1] = {},\n    [2] = true,\n    a = "x",\n    ["a-b"] = 3,\n    b = 1,\n    ["end"] = {\n        [1] = 1,\n        [2] = 2\n    }\n}',
    );
  });
});

describe('json', () => {
  it('round-trips unicode, escapes controls and formats numbers', async () => {
    const p = await booted();
    expect(p.value(`local d = json.decode('{"s":"\\\\u00e9\\\\ud83d\\\\ude00","n":12345678901234567,"f":1.5,"a":[1,2,3],"z":null}')
      return d.s .. "|" .. json.encode(d.n) .. "|" .. json.encode(d.f) .. "|" .. json.encode(d.a) .. "|" .. tostring(d.z)`)).toBe(
      'é😀|1.2345678901235e+16|1.5|[1,2,3]|nil',
    );
    expect(p.value('json.encode({s = "a\\0b\\n\\27"})')).toBe('{"s":"a\\u0000b\\n\\u001b"}');
    expect(p.value('json.encode({1e20, 5, 2^53, {}})')).toBe('[1e+20,5,9.007199254741e+15,[]]');
    expect(p.value('json.encode(json.decode(" [ true , false , \\"\\\\\\"q\\\\\\"\\" ] "))')).toBe('[true,false,"\\"q\\""]');
    expect(p.eval('json.encode({1, nil, 3})').Error).toContain('sparse');
    expect(p.value('#json.decode(\'"a\\127b"\')')).toBe('3');
    expect(p.eval('json.decode(\'"a\\1b"\')').Error).toContain('control character');
    expect(p.eval('json.decode("{bad}")').Error).toBeDefined();
  });
});

describe('base64', () => {
  it('encodes with padding and round-trips bytes', async () => {
    const p = await booted();
    expect(p.value('base64.encode("foob") .. "," .. base64.encode("fooba") .. "," .. base64.encode("foobar")')).toBe('Zm9vYg==,Zm9vYmE=,Zm9vYmFy');
    expect(p.value('base64.decode("Zm9vYg==") == "foob" and base64.decode(base64.encode("\\0\\255x")) == "\\0\\255x"')).toBe('true');
  });
});

describe('Inbox', () => {
  it('keeps arrival order', async () => {
    const p = await booted();
    p.send(fred({}, 'first'));
    p.send(fred({ Action: 'Second' }));
    expect(p.value('Inbox[2].Data .. "," .. Inbox[3].Action .. "," .. #Inbox')).toBe('first,Second,3');
    expect(p.value('Inbox[3].Tags.Action .. "," .. Inbox[3].TagArray[1].name')).toBe('Second,Action');
  });
});

// A minimal ao standard token (spec §6.1), written for these tests; the real
// blueprint ships separately. Integer arithmetic on decimal strings is enough
// for the balances used here.
const TOKEN_LUA = `
local function n(s) return math.tointeger(tonumber(s)) end
Variant = "0.0.3"
Denomination = Denomination or 12
Balances = Balances or { [ao.id] = "10000000000000000" }
TotalSupply = TotalSupply or "10000000000000000"
Name = Name or "Points Coin"
Ticker = Ticker or "PNTS"
Logo = Logo or "SBCCXwwecBlDqRLUjb8dYABExTJXLieawf7m2aBJ-KY"

Handlers.add("info", Handlers.utils.hasMatchingTag("Action", "Info"), function(msg)
  msg.reply({ Name = Name, Ticker = Ticker, Logo = Logo, Denomination = tostring(Denomination) })
end)

Handlers.add("balance", Handlers.utils.hasMatchingTag("Action", "Balance"), function(msg)
  local bal = "0"
  if msg.Tags.Recipient then
    bal = Balances[msg.Tags.Recipient] or "0"
  elseif msg.Tags.Target and Balances[msg.Tags.Target] then
    bal = Balances[msg.Tags.Target]
  elseif Balances[msg.From] then
    bal = Balances[msg.From]
  end
  msg.reply({ Balance = bal, Ticker = Ticker, Account = msg.Tags.Recipient or msg.From, Data = bal })
end)

Handlers.add("balances", Handlers.utils.hasMatchingTag("Action", "Balances"), function(msg)
  msg.reply({ Data = json.encode(Balances) })
end)

Handlers.add("transfer", Handlers.utils.hasMatchingTag("Action", "Transfer"), function(msg)
  assert(type(msg.Recipient) == "string", "Recipient is required!")
  assert(type(msg.Quantity) == "string", "Quantity is required!")
  assert(n(msg.Quantity) > 0, "Quantity must be greater than 0")
  Balances[msg.From] = Balances[msg.From] or "0"
  Balances[msg.Recipient] = Balances[msg.Recipient] or "0"
  local q = n(msg.Quantity)
  if q <= n(Balances[msg.From]) then
    Balances[msg.From] = tostring(n(Balances[msg.From]) - q)
    Balances[msg.Recipient] = tostring(n(Balances[msg.Recipient]) + q)
    if not msg.Cast then
      local debit = { Action = "Debit-Notice", Recipient = msg.Recipient, Quantity = msg.Quantity,
        Data = Colors.gray .. "You transferred " .. Colors.blue .. msg.Quantity .. Colors.gray .. " to " .. Colors.green .. msg.Recipient .. Colors.reset }
      local credit = { Target = msg.Recipient, Action = "Credit-Notice", Sender = msg.From, Quantity = msg.Quantity,
        Data = Colors.gray .. "You received " .. Colors.blue .. msg.Quantity .. Colors.gray .. " from " .. Colors.green .. msg.From .. Colors.reset }
      for k, v in pairs(msg) do
        if type(k) == "string" and k:sub(1, 2) == "X-" then debit[k] = v; credit[k] = v end
      end
      msg.reply(debit)
      Send(credit)
    end
  else
    msg.reply({ Action = "Transfer-Error", ["Message-Id"] = msg.Id, Error = "Insufficient Balance!" })
  end
end)

Handlers.add("mint", Handlers.utils.hasMatchingTag("Action", "Mint"), function(msg)
  assert(type(msg.Quantity) == "string", "Quantity is required!")
  assert(n(msg.Quantity) > 0, "Quantity must be greater than 0")
  if msg.From == ao.id then
    Balances[ao.id] = tostring(n(Balances[ao.id] or "0") + n(msg.Quantity))
    TotalSupply = tostring(n(TotalSupply) + n(msg.Quantity))
    msg.reply({ Data = Colors.gray .. "Successfully minted " .. Colors.blue .. msg.Quantity .. Colors.reset })
  else
    msg.reply({ Action = "Mint-Error", ["Message-Id"] = msg.Id, Error = "Only the Process Id can mint new PNTS tokens!" })
  end
end)

Handlers.add("totalSupply", Handlers.utils.hasMatchingTag("Action", "Total-Supply"), function(msg)
  assert(msg.From ~= ao.id, "Cannot call Total-Supply from the same process!")
  msg.reply({ Action = "Total-Supply", Data = TotalSupply, Ticker = Ticker })
end)
`;
