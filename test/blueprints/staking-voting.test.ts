// blueprints/staking.lua and voting.lua together in a token process: stakes
// are digit strings, votes weigh them exactly, unstakes mature after a delay.
import { afterEach, describe, expect, it } from 'vitest';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { address, loadBlueprint, messageFrom } from './helpers.js';

afterEach(() => removeTempDirs());

const BLOCK_MS = 120_000;

describe('the staking and voting blueprints', () => {
  it('stake, vote weighted by stake, decide after the deadline, unstake after the delay', async () => {
    let now = 1_700_000_000_000;
    const net = network(tempDataDir(), { now: () => now });
    const { process: dao } = await net.openOrSpawn('dao');
    for (const bp of ['token', 'staking', 'voting']) await loadBlueprint(net, dao, bp);
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(address);
    const big = '500000000000000000000000000000'; // 5·10^29, far past 2^64
    await evalIn(net, dao, `Balances["${alice}"] = "${big}" Balances["${bob}"] = "1000" Balances["${carol}"] = "7"`);
    const send = (from: string, t: Record<string, string>) => net.sendAndSettle(dao.id, messageFrom(net, dao.id, from, t));
    const state = async (lua: string) => outputData(await evalIn(net, dao, lua));

    expect((await send(alice, { Action: 'Stake', Quantity: '400000000000000000000000000001' })).result.Error).toBeUndefined();
    expect((await send(bob, { Action: 'Stake', Quantity: '1000' })).result.Error).toBeUndefined();
    expect(String((await send(carol, { Action: 'Stake', Quantity: '8' })).result.Error)).toMatch(/Insufficient balance to stake/);
    expect(await state(`return Balances["${alice}"] .. " " .. Stakers["${alice}"].amount .. " " .. Balances["${bob}"]`)).toBe(
      '99999999999999999999999999999 400000000000000000000000000001 0',
    );

    // Votes weigh the stake: strings added exactly (aos's voting fails here, comparing a string with 0).
    expect((await send(bob, { Action: 'Vote', Target: 'prop-1', Side: 'nay', Deadline: '5' })).result.Error).toBeUndefined();
    expect((await send(alice, { Action: 'Vote', Target: 'prop-1', Side: 'yay' })).result.Error).toBeUndefined();
    expect(String((await send(alice, { Action: 'Vote', Target: 'prop-1', Side: 'yay' })).result.Error)).toMatch(/already voted on prop-1/);
    expect(String((await send(carol, { Action: 'Vote', Target: 'prop-1', Side: 'yay' })).result.Error)).toMatch(/Only stakers can vote/);
    expect(String((await send(bob, { Action: 'Vote', Target: 'prop-2', Side: 'maybe' })).result.Error)).toMatch(/Side must be "yay" or "nay"/);
    expect(await state('return Votes["prop-1"].yay .. " " .. Votes["prop-1"].nay')).toBe('400000000000000000000000000001 1000');

    // Five blocks later, the next message decides it.
    now += 5 * BLOCK_MS;
    const tick = await send(carol, { Action: 'Balance' });
    expect(outputData(tick.result)).toContain('Vote on prop-1 passed (yay 400000000000000000000000000001, nay 1000)');
    expect(await state('return tostring(VoteResults["prop-1"].passed) .. " " .. tostring(Votes["prop-1"])')).toBe('true nil');
    expect(String((await send(bob, { Action: 'Vote', Target: 'prop-1', Side: 'nay' })).result.Error)).toMatch(/already decided/);

    // Two unstakes add up (aos overwrote the first) and come back after UnstakeDelay blocks.
    expect((await send(alice, { Action: 'Unstake', Quantity: '1' })).result.Error).toBeUndefined();
    expect((await send(alice, { Action: 'Unstake', Quantity: '400000000000000000000000000000' })).result.Error).toBeUndefined();
    expect(String((await send(alice, { Action: 'Unstake', Quantity: '1' })).result.Error)).toMatch(/Insufficient staked amount/);
    expect(await state(`return Unstaking["${alice}"].amount .. " " .. tostring(Stakers["${alice}"])`)).toBe('400000000000000000000000000001 nil');
    now += 669 * BLOCK_MS;
    await send(carol, { Action: 'Balance' });
    expect(await state(`return Balances["${alice}"]`)).toBe('99999999999999999999999999999');
    now += 1 * BLOCK_MS;
    await send(carol, { Action: 'Balance' });
    expect(await state(`return Balances["${alice}"] .. " " .. tostring(Unstaking["${alice}"])`)).toBe(`${big} nil`);
    await net.close();
  });

  it('says to load the token first when Balances is missing', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('bare');
    await loadBlueprint(net, p, 'staking');
    const s = await net.sendAndSettle(p.id, messageFrom(net, p.id, address('x'), { Action: 'Stake', Quantity: '1' }));
    expect(String(s.result.Error)).toMatch(/load blueprints\/token\.lua into this process first/);
    await net.close();
  });
});
