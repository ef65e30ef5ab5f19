// blueprints/chatroom.lua: members register, broadcasts reach every member.
import { afterEach, describe, expect, it } from 'vitest';
import { network, removeTempDirs } from '../helpers/local.js';
import { loadBlueprint, steps } from './helpers.js';
import type { LocalNetwork } from '../../src/local/network.js';
import type { LocalProcess } from '../../src/local/local-process.js';

afterEach(() => removeTempDirs());

/** `from` sends `action` to the room; returns the cascade. */
async function say(net: LocalNetwork, from: LocalProcess, room: LocalProcess, action: string, data = '') {
  const code = `Send({ Target = "${room.id}", Action = "${action}", Data = ${JSON.stringify(data)} })`;
  return (await net.sendAndSettle(from.id, net.userMessage(from.id, [{ name: 'Action', value: 'Eval' }], code))).cascade;
}

describe('the chatroom blueprint', () => {
  it('registers members once, broadcasts to each of them, and unregisters', async () => {
    const net = network();
    const { process: room } = await net.openOrSpawn('room');
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (n) => (await net.openOrSpawn(n)).process));
    await loadBlueprint(net, room, 'chatroom');

    const reg = await say(net, alice!, room, 'Register');
    expect(steps(reg)).toEqual(['room:Register', 'alice:undefined']);
    expect(reg[1]!.msg.Data).toBe('Registered.');
    expect((await say(net, alice!, room, 'Register'))[1]!.msg.Data).toBe('Already registered.');
    await say(net, bob!, room, 'Register');

    // Anyone may broadcast; every member gets the notice once, shaped as aos's: Action and Data only.
    const b = await say(net, carol!, room, 'Broadcast', 'hello room');
    const notices = b.filter((d) => d.msg.Tags.some((t) => t.value === 'Broadcast-Notice'));
    expect(notices.map((d) => d.processName).sort()).toEqual(['alice', 'bob']);
    expect(notices.every((d) => d.msg.Data === 'hello room' && d.msg.From === room.id)).toBe(true);
    const custom = notices[0]!.msg.Tags.map((t) => t.name).filter((n) => !['Data-Protocol', 'Variant', 'Type', 'Reference', 'Action'].includes(n));
    expect(custom.filter((n) => !/^(From-Process|Pushed-For|From-Module|Timestamp|Block-Height)$/.test(n))).toEqual([]);
    expect(b.find((d) => d.processName === 'carol')!.msg.Data).toBe('Broadcasted.');

    expect((await say(net, bob!, room, 'Unregister'))[1]!.msg.Data).toBe('Unregistered');
    expect((await say(net, bob!, room, 'Unregister'))[1]!.msg.Data).toBe('Not registered');
    const after = await say(net, carol!, room, 'Broadcast', 'again');
    expect(after.filter((d) => d.msg.Data === 'again' && d.processName !== 'room').map((d) => d.processName)).toEqual(['alice']);
    expect(await room.inspect('return #Members')).toBe(1);
    // A member listed twice (edited by hand) still gets one notice per broadcast.
    await net.sendAndSettle(room.id, net.userMessage(room.id, [{ name: 'Action', value: 'Eval' }], 'table.insert(Members, Members[1])'));
    const once = await say(net, carol!, room, 'Broadcast', 'dedup');
    expect(once.filter((d) => d.msg.Data === 'dedup' && d.processName === 'alice')).toHaveLength(1);
    await net.close();
  });
});
