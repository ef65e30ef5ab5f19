// blueprints/staking.lua and voting.lua together in a token process, as aos's
// blueprints answer: stakes are digit strings, unstakes mature UnstakeDelay
// blocks after the last stake, votes weigh stakes and close after a deadline.
import { afterEach, describe, expect, it } from 'vitest';
import { evalIn, network, outputData, removeTempDirs, tempDataDir } from '../helpers/local.js';
import { address, loadBlueprint, messageFrom } from './helpers.js';

afterEach(() => removeTempDirs());

const BLOCK_MS = 120_000;

describe('the staking and voting blueprints', () => {
  it('stake, vote weighted by stake, close after the deadline, unstake after the delay', async () => {
    let now = 1_700_000_000_000;
    const net = network(tempDataDir(), { now: () => now });
    const { process: dao } = await net.openOrSpawn('dao');
    for (const bp of ['token', 'staking', 'voting']) await loadBlueprint(net, dao, bp);
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(address);
    const big = '500000000000000000000000000000'; // 5·10^29, far past 2^64
    await evalIn(net, dao, `Balances["${alice}"] = "${big}" Balances["${bob}"] = "1000" Balances["${carol}"] = "7"`);
    const send = (from: string, t: Record<string, string>) => net.sendAndSettle(dao.id, messageFrom(net, dao.id, from, t));
    const state = async (lua: string) => outputData(await evalIn(net, dao, lua));

    const staked = await send(alice, { Action: 'Stake', Quantity: '400000000000000000000000000001' });
    expect(staked.result.Messages!.map((m) => [m.Target, m.Data])).toEqual([[alice, 'Successfully Staked 400000000000000000000000000001']]);
    expect(outputData(staked.result)).toContain('Successfully Staked 400000000000000000000000000001');
    const stakeHeight = Number(await state(`return Stakers["${alice}"].unstake_at`)) - 670;
    expect((await send(bob, { Action: 'Stake', Quantity: '1000' })).result.Error).toBeUndefined();
    expect(String((await send(carol, { Action: 'Stake', Quantity: '8' })).result.Error)).toMatch(/Insufficient balance to stake/);
    expect(String((await send(carol, { Action: 'Stake', Quantity: '-5' })).result.Error)).toMatch(/Quantity must be greater than 0/);
    expect(await state(`return Balances["${alice}"] .. " " .. Stakers["${alice}"].amount .. " " .. Balances["${bob}"] .. " " .. Balances["${carol}"]`)).toBe(
      '99999999999999999999999999999 400000000000000000000000000001 0 7',
    );
    const list = await send(carol, { Action: 'Stakers' });
    expect(JSON.parse(String(list.result.Messages![0]!.Data))).toEqual({
      [alice]: { amount: '400000000000000000000000000001', unstake_at: stakeHeight + 670 },
      [bob]: { amount: '1000', unstake_at: stakeHeight + 670 },
    });

    // Votes weigh the stake: strings added exactly (aos's voting fails here, comparing a string with 0). No reply.
    const v1 = await send(bob, { Action: 'Vote', Target: 'prop-1', Side: 'nay', Deadline: '5' });
    expect([v1.result.Error, v1.result.Messages]).toEqual([undefined, []]);
    expect((await send(alice, { Action: 'Vote', Target: 'prop-1', Side: 'yay', Deadline: '5' })).result.Error).toBeUndefined();
    expect(String((await send(carol, { Action: 'Vote', Target: 'prop-1', Side: 'yay', Deadline: '5' })).result.Error)).toMatch(/No staked tokens to vote/);
    expect(String((await send(bob, { Action: 'Vote', Target: 'prop-2', Side: 'maybe', Deadline: '5' })).result.Error)).toMatch(/Side must be "yay" or "nay"/);
    expect(await state('return Votes["prop-1"].yay .. " " .. Votes["prop-1"].nay .. " " .. (Votes["prop-1"].deadline - ' + stakeHeight + ')')).toBe('400000000000000000000000000001 1000 5');
    // Voting again adds the stake again, as in aos.
    await send(bob, { Action: 'Vote', Target: 'prop-3', Side: 'yay', Deadline: '50' });
    await send(bob, { Action: 'Vote', Target: 'prop-3', Side: 'yay', Deadline: '50' });
    expect(await state('return Votes["prop-3"].yay')).toBe('2000');
    // A vote on which nay wins closes silently.
    await send(bob, { Action: 'Vote', Target: 'prop-2', Side: 'nay', Deadline: '3' });

    // voting's "finalize" is appended, as in aos: it runs on messages no earlier handler ends, such as this Tick.
    now += 3 * BLOCK_MS;
    const t3 = await send(carol, { Action: 'Tick' });
    expect(outputData(t3.result)).not.toContain('Handle Vote');
    expect(await state('return tostring(Votes["prop-2"]) .. " " .. tostring(Votes["prop-1"] ~= nil)')).toBe('nil true');
    now += 2 * BLOCK_MS;
    const balance = await send(carol, { Action: 'Balance' });
    expect(outputData(balance.result)).not.toContain('Handle Vote');
    const t5 = await send(carol, { Action: 'Tick' });
    expect(outputData(t5.result)).toContain('Handle Vote');
    expect(await state('return tostring(Votes["prop-1"])')).toBe('nil');

    // Two unstakes add up (aos replaced the first) and come back once the stake's unstake_at is reached.
    const u1 = await send(alice, { Action: 'Unstake', Quantity: '1' });
    expect(u1.result.Messages!.map((m) => m.Data)).toEqual(['Successfully unstaked 1']);
    expect((await send(alice, { Action: 'Unstake', Quantity: '400000000000000000000000000000' })).result.Error).toBeUndefined();
    expect(String((await send(alice, { Action: 'Unstake', Quantity: '1' })).result.Error)).toMatch(/Insufficient staked amount/);
    expect(await state(`return Unstaking["${alice}"].amount .. " " .. Stakers["${alice}"].amount .. " " .. (Unstaking["${alice}"].release_at - ${stakeHeight})`)).toBe(
      '400000000000000000000000000001 0 670',
    );
    now += 664 * BLOCK_MS;
    await send(carol, { Action: 'Balance' });
    expect(await state(`return Balances["${alice}"]`)).toBe('99999999999999999999999999999');
    now += 1 * BLOCK_MS;
    await send(carol, { Action: 'Balance' });
    expect(await state(`return Balances["${alice}"] .. " " .. tostring(Unstaking["${alice}"])`)).toBe(`${big} nil`);
    await net.close();
  });

  it('refuses to stake when the process has no token Balances, as aos does', async () => {
    const net = network();
    const { process: p } = await net.openOrSpawn('bare');
    await loadBlueprint(net, p, 'staking');
    const s = await net.sendAndSettle(p.id, messageFrom(net, p.id, address('x'), { Action: 'Stake', Quantity: '1' }));
    expect(String(s.result.Error)).toMatch(/Insufficient balance to stake/);
    const v = await net.sendAndSettle(p.id, messageFrom(net, p.id, address('x'), { Action: 'Unstake', Quantity: '1' }));
    expect(String(v.result.Error)).toMatch(/Insufficient staked amount/);
    await net.close();
  });
});
