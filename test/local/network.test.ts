// The local network: delivery between processes, spawn, Receive, cron,
// pending targets, the cascade bound, and mail between programs.
import { afterEach, describe, expect, it } from 'vitest';
import { tagValue } from '../../src/engine/types.js';
import { LocalNetwork, type Delivery } from '../../src/local/network.js';
import { writeMeta, type ProcessMeta } from '../../src/local/process-meta.js';
import { action, evalIn, MINI_TOKEN, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('the local network', () => {
  it('moves tokens between processes with Debit and Credit notices', async () => {
    const net = network();
    const { process: token } = await net.openOrSpawn('token');
    const { process: alice } = await net.openOrSpawn('alice');
    await evalIn(net, token, MINI_TOKEN);
    // The token sends 300 to alice: alice gets a Credit-Notice, the token its Debit-Notice.
    const s = await net.sendAndSettle(
      token.id,
      net.userMessage(token.id, [{ name: 'Action', value: 'Eval' }], `Send({Target = ao.id, Action = "Transfer", Recipient = "${alice.id}", Quantity = "300"})`),
    );
    const actions = s.cascade.map((d) => `${d.processName}:${tagValue(d.msg.Tags, 'Action')}`);
    expect(actions).toEqual(['token:Transfer', 'token:Debit-Notice', 'alice:Credit-Notice']);
    const credit = s.cascade[2]!;
    expect(credit.msg.From).toBe(token.id);
    expect(tagValue(credit.msg.Tags, 'From-Process')).toBe(token.id);
    expect(credit.msg.Owner).toBe(net.identity.messenger);
    expect(outputData(await evalIn(net, token, `return Balances["${alice.id}"] .. " " .. Balances[ao.id]`))).toBe('300 999700');
    expect(outputData(await evalIn(net, alice, 'return Inbox[#Inbox].Action .. " " .. Inbox[#Inbox].Quantity'))).toBe('Credit-Notice 300');
    await net.close();
  });

  it('lets a handler Receive a reply from another process', async () => {
    const net = network();
    const { process: oracle } = await net.openOrSpawn('oracle');
    const { process: asker } = await net.openOrSpawn('asker');
    await evalIn(net, oracle, `Handlers.add("q", "Query", function(m) m.reply({ Data = "42" }) end)`);
    await evalIn(
      net,
      asker,
      `Handlers.add("ask", "Ask", function(m)
         local r = ao.send({ Target = "${oracle.id}", Action = "Query" }).receive()
         print("got " .. r.Data)
         Answer = r.Data
       end)`,
    );
    const s = await net.sendAndSettle(asker.id, net.userMessage(asker.id, [{ name: 'Action', value: 'Ask' }]));
    const last = s.cascade[s.cascade.length - 1]!;
    expect(last.processName).toBe('asker');
    expect(outputData(last.result)).toBe('got 42');
    expect(outputData(await evalIn(net, asker, 'return Answer'))).toBe('42');
    await net.close();
  });

  it('spawns children that boot, belong to their parent, and are announced', async () => {
    const net = network();
    const { process: parent } = await net.openOrSpawn('parent');
    const s = await net.sendAndSettle(
      parent.id,
      net.userMessage(parent.id, [{ name: 'Action', value: 'Eval' }], `Handlers.add("spawned", "Spawned", function(m) Kid = m.Process end)
       Spawn({ Name = "kid", ["On-Boot"] = "Data", Data = "Booted = true print('kid up')" })`),
    );
    const boot = s.cascade.find((d) => d.processName === 'kid')!;
    expect(outputData(boot.result)).toContain('kid up');
    const notice = s.cascade.find((d) => tagValue(d.msg.Tags, 'Action') === 'Spawned')!;
    expect(notice.process).toBe(parent.id);
    const kidId = tagValue(notice.msg.Tags, 'Process')!;
    expect(net.resolve('kid')).toBe(kidId);
    expect(outputData(await evalIn(net, parent, 'return Kid'))).toBe(kidId);
    const kid = await net.get(kidId);
    expect(kid.meta.owner).toBe(parent.id);
    expect(await kid.inspect('return Owner .. " " .. tostring(Booted)')).toBe(`${parent.id} true`);
    // The parent, as the kid's owner, may Eval in it.
    const r = await evalIn(net, parent, `Send({ Target = Kid, Action = "Eval", Data = "Booted = 'again'" })`);
    expect(r.Error).toBeUndefined();
    expect(await kid.inspect('return Booted')).toBe('again');
    await net.close();
  });

  it('keeps messages for non-local targets as pending', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('p');
    const s = await net.sendAndSettle(
      p.id,
      net.userMessage(p.id, [{ name: 'Action', value: 'Eval' }], `Send({ Target = "${'x'.repeat(43)}", Action = "Hello" })`),
    );
    expect(s.pending).toHaveLength(1);
    expect(action(s.pending[0]!.message)).toBe('Hello');
    await net.close();
  });

  it('stops processes that answer each other forever, with a clear warning', async () => {
    const notices: string[] = [];
    const net = network(tempDataDir(), { cascadeLimit: 60, onNotice: (n) => notices.push(n) });
    const { process: a } = await net.openOrSpawn('ping');
    const { process: b } = await net.openOrSpawn('pong');
    const bounce = (other: string) => `Handlers.add("b", "Ball", function(m) Hits = (Hits or 0) + 1 Send({ Target = "${other}", Action = "Ball" }) end)`;
    await evalIn(net, a, bounce(b.id));
    await evalIn(net, b, bounce(a.id));
    const s = await net.sendAndSettle(a.id, net.userMessage(a.id, [{ name: 'Action', value: 'Ball' }]));
    expect(s.truncated).toMatch(/Stopped a cascade after 60 messages/);
    expect(notices.join('\n')).toMatch(/answering each other forever/);
    expect(s.cascade).toHaveLength(60);
    // And the network is still usable.
    expect(outputData(await evalIn(net, a, 'return Hits'))).toBe('31');
    await net.close();
  });

  it('delivers cron ticks, and missed ones on reopen up to a bound', async () => {
    const dataDir = tempDataDir();
    let now = 1_000_000;
    let net = network(dataDir, { now: () => now });
    const { process: p } = await net.spawn('ticker', { cron: '10-seconds' });
    await evalIn(net, p, 'Handlers.add("cron", "Cron", function(m) Ticks = (Ticks or 0) + 1 LastTick = m.Timestamp end)');
    await net.close();
    now += 55_000;
    net = network(dataDir, { now: () => now });
    const again = await net.get(p.id);
    await net.idle();
    expect(await again.inspect('return Ticks .. " " .. LastTick')).toBe(`5 ${1_000_000 + 50_000}`);
    await net.close();

    const notices: string[] = [];
    now += 10_000 * 1000;
    net = network(dataDir, { now: () => now, onNotice: (n) => notices.push(n) });
    const third = await net.get(p.id);
    await net.idle();
    expect(await third.inspect('return Ticks')).toBe(105);
    expect(notices.join('\n')).toMatch(/900 cron ticks missed while it was closed were skipped/);
    await net.close();
  });

  it('hands messages to a process another program holds, which handles them', async () => {
    const dataDir = tempDataDir();
    const seen: Delivery[] = [];
    const holder = new LocalNetwork(dataDir, { onDelivery: (d) => seen.push(d) });
    holder.start(); // reads its mail from other programs
    const { process: b } = await holder.openOrSpawn('held');
    await evalIn(holder, b, 'Handlers.add("h", "Hello", function(m) Got = m.Data end)');
    const other = new LocalNetwork(dataDir);
    const { process: a } = await other.openOrSpawn('sender');
    const s = await other.sendAndSettle(
      a.id,
      other.userMessage(a.id, [{ name: 'Action', value: 'Eval' }], `Send({ Target = "${b.id}", Action = "Hello", Data = "from afar" })`),
    );
    expect(s.handedOff).toHaveLength(1);
    await other.close();
    for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await holder.idle();
    expect(seen.map((d) => d.processName)).toEqual(['held']);
    expect(await b.inspect('return Got')).toBe('from afar');
    await holder.close();
  });

  it('resolves a name to the original when its published copy lives in the same folder', async () => {
    const net = network();
    const { process: original } = await net.openOrSpawn('shop');
    const { process: copy } = await net.spawn('shop');
    expect(() => net.resolve('shop')).toThrow(/2 local processes are named "shop"/);
    writeMeta(original.dir, { ...original.meta, remote: { id: copy.id, network: 'mainnet' } } as ProcessMeta);
    expect(net.resolve('shop')).toBe(original.id);
    await net.close();
  });

  it('delivers no cron ticks to a network opened for reading', async () => {
    const dataDir = tempDataDir();
    let now = 5_000_000;
    let net = network(dataDir, { now: () => now });
    const { process: p } = await net.spawn('quiet-ticker', { cron: '10-seconds' });
    const seq = p.lastSeq;
    await net.close();
    now += 60_000;
    net = network(dataDir, { now: () => now, cron: false });
    const again = await net.get(p.id);
    await net.idle();
    expect(again.lastSeq).toBe(seq);
    await net.close();
    net = network(dataDir, { now: () => now });
    const ticking = await net.get(p.id);
    await net.idle();
    expect(ticking.lastSeq).toBe(seq + 6);
    await net.close();
  });
});
