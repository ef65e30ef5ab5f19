// The blueprints stock aos ships besides the token family: chat, arena,
// htoken and patch-legacy-reply, across local processes.
import { afterEach, describe, expect, it } from 'vitest';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { address, loadBlueprint, messageFrom, sendFromCode, steps, tag } from './helpers.js';
import { tagValue } from '../../src/engine/types.js';

afterEach(() => removeTempDirs());

const CHAT_ROUTER = '8MGp9kOU4JYxAlPT1AyL7O3cedd97y-w8X4ciBsf_Xo';
const CHAT_INIT_ROOM = '6I1JBBc9SOMtqFxlX7OoYgsMh7QeZk2fFwUCHTUqshg';

describe('the chat blueprint', () => {
  it('joins Getting-Started on first load (pending: not local), talks to a local room, prints what rooms broadcast', async () => {
    const net = network();
    const { process: me } = await net.openOrSpawn('me');
    const { process: room } = await net.openOrSpawn('room');
    await loadBlueprint(net, room, 'chatroom');
    const load = await net.sendAndSettle(me.id, net.userMessage(me.id, [{ name: 'Action', value: 'Eval' }], (await import('../../src/blueprints.js')).blueprintSource('chat')));
    expect(load.result.Error).toBeUndefined();
    expect(outputData(load.result)).toContain('Welcome to ao DevChat');
    expect(load.pending.map((p) => [p.message.Target, tagValue(p.message.Tags, 'Action'), tagValue(p.message.Tags, 'Nickname')])).toEqual([
      [CHAT_INIT_ROOM, 'Register', me.id],
    ]);
    // Loading again does not join again.
    const again = await evalIn(net, me, (await import('../../src/blueprints.js')).blueprintSource('chat'));
    expect(again.Messages).toEqual([]);

    const join = await net.sendAndSettle(me.id, net.userMessage(me.id, [{ name: 'Action', value: 'Eval' }], `return Join("${room.id}", "neo")`));
    expect(outputData(join.result)).toContain(`Registering with room`);
    expect(steps(join.cascade)).toEqual(['room:Register', 'me:undefined']);
    expect(tag(join.cascade[0], 'Nickname')).toBe('neo');
    const say = await net.sendAndSettle(me.id, net.userMessage(me.id, [{ name: 'Action', value: 'Eval' }], `return Say("hello", "${room.id}")`));
    expect(outputData(say.result)).toContain('Broadcasting to');
    expect(say.cascade.find((d) => d.processName === 'room')?.msg.Data).toBe('hello');
    expect(await me.inspect('return DevChat.LastSend')).toBe(room.id);

    const list = await net.sendAndSettle(me.id, net.userMessage(me.id, [{ name: 'Action', value: 'Eval' }], 'return List()'));
    expect(list.pending.map((p) => [p.message.Target, tagValue(p.message.Tags, 'Action')])).toEqual([[CHAT_ROUTER, 'Get-List']]);

    // A DevChat room's broadcast, as the rooms send it.
    const speaker = address('speaker');
    const heard = await net.sendAndSettle(me.id, messageFrom(net, me.id, room.id, { Action: 'Broadcasted', Broadcaster: speaker, Nickname: 'trinity' }, 'knock knock'));
    expect(outputData(heard.result)).toContain('trinity');
    expect(outputData(heard.result)).toContain('knock knock');
    expect(await me.inspect('return DevChat.LastReceive.Sender .. " " .. DevChat.LastReceive.Room')).toBe(`${speaker} ${room.id}`);
    // Tip goes to the room (as a token) for the last speaker.
    const tip = await net.sendAndSettle(me.id, net.userMessage(me.id, [{ name: 'Action', value: 'Eval' }], 'return Tip()'));
    const transfer = tip.cascade.find((d) => d.processName === 'room')!;
    expect([tag(transfer, 'Action'), tag(transfer, 'Recipient'), tag(transfer, 'Quantity')]).toEqual(['Transfer', speaker, '1']);
    await net.close();
  });
});

describe('the arena blueprint', () => {
  it('waits, starts with two paid players, ejects the unpaid, and pays the winner in whole units', async () => {
    let now = 1_700_000_000_000;
    const net = network(tempDataDir(), { now: () => now });
    const { process: arena } = await net.openOrSpawn('arena');
    const { process: coin } = await net.openOrSpawn('coin');
    const [p1, p2, p3] = await Promise.all(['p1', 'p2', 'p3'].map(async (n) => (await net.openOrSpawn(n)).process));
    await loadBlueprint(net, coin, 'token');
    await loadBlueprint(net, arena, 'arena');
    await evalIn(net, arena, `PaymentToken = "${coin.id}" BonusQty = "1001"`);
    // The game starts moving on the first message its handlers see (Evals end the chain before them, as in aos).
    expect(await arena.inspect('return GameMode')).toBe('Not-Started');

    for (const p of [p1!, p2!, p3!]) {
      const r = await net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(arena.id, { Action: 'Register' })));
      expect(r.cascade.some((d) => d.processName === p.name && tagValue(d.msg.Tags, 'Action') === 'Registered')).toBe(true);
    }
    expect(await arena.inspect('return #Listeners .. " " .. GameMode')).toBe('3 Waiting');
    // p1 and p2 pay through the token: its Credit-Notice to the arena marks them ready.
    for (const p of [p1!, p2!]) {
      await evalIn(net, coin, sendFromCode(coin.id, { Action: 'Transfer', Recipient: p.id, Quantity: '5000', Cast: '1' }));
      const paid = await net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(coin.id, { Action: 'Transfer', Recipient: arena.id, Quantity: '1000' })));
      expect(paid.cascade.some((d) => d.processName === p.name && tagValue(d.msg.Tags, 'Action') === 'Payment-Received')).toBe(true);
    }
    const state = JSON.parse(String((await net.sendAndSettle(arena.id, messageFrom(net, arena.id, p3!.id, { Action: 'GetGameState' }))).result.Messages![0]!.Data));
    expect(state.GameMode).toBe('Waiting');
    expect(state.TimeRemaining).toBeGreaterThan(0);

    now += 3 * 60 * 1000;
    const start = await net.sendAndSettle(arena.id, messageFrom(net, arena.id, p3!.id, { Action: 'Tick' }));
    expect(outputData(start.result)).toContain('Game Started');
    expect(await arena.inspect('return GameMode')).toBe('Playing');
    const ejected = start.cascade.find((d) => d.processName === 'p3' && tagValue(d.msg.Tags, 'Action') === 'Ejected');
    expect(tag(ejected, 'Reason')).toBe('Did-Not-Pay');

    // p1 eliminates p2: the eliminator's reward, then the game ends with one winner.
    const elim = await evalIn(net, arena, `eliminatePlayer("${p2!.id}", "${p1!.id}")`);
    const transfers = elim.Messages!.filter((m) => tagValue(m.Tags, 'Action') === 'Transfer').map((m) => [tagValue(m.Tags, 'Recipient'), tagValue(m.Tags, 'Quantity'), tagValue(m.Tags, 'Reason')]);
    expect(transfers).toEqual([
      [p1!.id, '1000', 'Eliminated-Player'],
      [p1!.id, '2001', 'Win'],
    ]);
    expect(await arena.inspect('return GameMode .. " " .. Winners')).toBe('Waiting 1');
    await net.close();
  });
});

describe('the htoken blueprint', () => {
  it('answers with lower-case tags that aos processes read back, and moves exact balances', async () => {
    const net = network();
    const { process: tok } = await net.openOrSpawn('htok');
    const { process: alice } = await net.openOrSpawn('alice');
    const { process: bob } = await net.openOrSpawn('bob');
    await loadBlueprint(net, tok, 'htoken');
    expect(await tok.inspect('return Ticker .. " " .. Variant .. " " .. Balances[ao.id]')).toBe('HYPER 0.0.4 10000000000000000');

    await evalIn(net, tok, sendFromCode(tok.id, { Action: 'transfer', Recipient: alice.id, Quantity: '300', Cast: '1' }));
    const s = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(tok.id, { Action: 'transfer', Recipient: bob.id, Quantity: '120', 'X-Memo': 'm' })));
    expect(s.cascade.map((d) => `${d.processName}:${tag(d, 'Action') ?? tag(d, 'action')}`)).toEqual(['htok:transfer', 'alice:Debit-Notice', 'bob:Credit-Notice']);
    const credit = s.cascade[2]!;
    expect(credit.msg.Tags.map((t) => t.name)).toContain('sender');
    expect([tag(credit, 'sender'), tag(credit, 'quantity'), tag(credit, 'X-Memo')]).toEqual([alice.id, '120', 'm']);
    // bob's process reads them as aos normalises tag names.
    expect(await bob.inspect('return Inbox[#Inbox].Sender .. " " .. Inbox[#Inbox].Quantity')).toBe(`${alice.id} 120`);
    const bal = await net.sendAndSettle(tok.id, messageFrom(net, tok.id, address('x'), { Action: 'balance', Recipient: bob.id }));
    const reply = bal.result.Messages![0]!;
    expect([tagValue(reply.Tags, 'balance'), tagValue(reply.Tags, 'account'), reply.Data]).toEqual(['120', bob.id, '120']);
    const over = await net.sendAndSettle(tok.id, messageFrom(net, tok.id, address('y'), { Action: 'transfer', Recipient: bob.id, Quantity: '1' }));
    expect([tagValue(over.result.Messages![0]!.Tags, 'action'), tagValue(over.result.Messages![0]!.Tags, 'error')]).toEqual(['Transfer-Error', 'Insufficient Balance!']);
    expect(JSON.parse(String(await tok.inspect('return json.encode(Balances)')))[address('y')]).toBe('0');
    await net.close();
  });

  it('answers info, mint and totalSupply as upstream htoken does', async () => {
    const net = network();
    const { process: tok } = await net.openOrSpawn('htok');
    await loadBlueprint(net, tok, 'htoken');
    const asker = address('asker');
    const info = (await net.sendAndSettle(tok.id, messageFrom(net, tok.id, asker, { Action: 'Info' }))).result.Messages![0]!;
    expect([info.Target, tagValue(info.Tags, 'Name'), tagValue(info.Tags, 'Ticker'), tagValue(info.Tags, 'Denomination')]).toEqual([asker, 'htok', 'HYPER', '12']);
    const refused = (await net.sendAndSettle(tok.id, messageFrom(net, tok.id, asker, { Action: 'mint', Quantity: '5' }))).result.Messages![0]!;
    expect([tagValue(refused.Tags, 'action'), tagValue(refused.Tags, 'error')]).toEqual(['Mint-Error', 'Only the Process Id can mint new HYPER tokens!']);
    const minted = await evalIn(net, tok, sendFromCode(tok.id, { Action: 'mint', Quantity: '100000000000000000000000000' }));
    expect(minted.Error).toBeUndefined();
    const supply = (await net.sendAndSettle(tok.id, messageFrom(net, tok.id, asker, { Action: 'totalSupply' }))).result.Messages![0]!;
    expect([tagValue(supply.Tags, 'Action'), supply.Data]).toEqual(['Total-Supply', (10n ** 26n + 10n ** 16n).toString()]);
    await net.close();
  });
});

describe('the patch-legacy-reply blueprint', () => {
  it('adds msg.reply to a message that lacks one, with X-Reference and X-Origin, and lets handlers run on', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('legacy');
    const { process: plain } = await net.openOrSpawn('plain');
    // "strip" runs first and takes msg.reply away, as an aos older than msg.reply would leave it.
    const setup = 'Handlers.prepend("strip", function() return "continue" end, function(m) m.reply = nil end)\n' +
      'Handlers.add("ask", "Ask", function(m) m.reply({ Data = "answer" }) end)';
    await loadBlueprint(net, p, 'patch-legacy-reply');
    await evalIn(net, p, setup);
    await evalIn(net, plain, setup);
    expect(await p.inspect('return Handlers.list[1].name .. " " .. Handlers.list[2].name')).toBe('strip _patch_reply');
    const asker = address('asker');
    const r = await net.sendAndSettle(p.id, messageFrom(net, p.id, asker, { Action: 'Ask', Reference: '9' }));
    const m = r.result.Messages![0]!;
    expect([m.Target, m.Data, tagValue(m.Tags, 'X-Reference'), tagValue(m.Tags, 'X-Origin')]).toEqual([asker, 'answer', '9', '']);
    const without = await net.sendAndSettle(plain.id, messageFrom(net, plain.id, asker, { Action: 'Ask', Reference: '9' }));
    expect(String(without.result.Error)).toMatch(/reply/);
    await net.close();
  });
});
