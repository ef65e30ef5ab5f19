// blueprints/token.lua between local processes: notices, errors, Cast, exact big numbers.
import { afterEach, describe, expect, it } from 'vitest';
import { evalIn, network, outputData, removeTempDirs } from '../helpers/local.js';
import { address, loadBlueprint, messageFrom, sendFromCode, steps, tag } from './helpers.js';
import type { LocalNetwork } from '../../src/local/network.js';
import type { LocalProcess } from '../../src/local/local-process.js';

afterEach(() => removeTempDirs());

async function setup(): Promise<{ net: LocalNetwork; token: LocalProcess; alice: LocalProcess; bob: LocalProcess }> {
  const net = network();
  const { process: token } = await net.openOrSpawn('tok');
  const { process: alice } = await net.openOrSpawn('alice');
  const { process: bob } = await net.openOrSpawn('bob');
  await loadBlueprint(net, token, 'token');
  return { net, token, alice, bob };
}

async function balances(token: LocalProcess): Promise<Record<string, string>> {
  return JSON.parse(String(await token.inspect('return json.encode(Balances)')));
}

describe('the token blueprint', () => {
  it('answers Info with the process name, and Balance and Balances', async () => {
    const { net, token, alice } = await setup();
    const s = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Info' })));
    const info = s.cascade.find((d) => d.processName === 'alice')!;
    // aos's current token answers Info with lower-case tag names and the supply.
    expect([tag(info, 'name'), tag(info, 'ticker'), tag(info, 'denomination'), tag(info, 'supply')]).toEqual(['tok', 'PNTS', '12', '10000000000000000']);
    expect(tag(info, 'logo')).toBe('SBCCXwwecBlDqRLUjb8dYABExTJXLieawf7m2aBJ-KY');
    const b = await net.sendAndSettle(token.id, messageFrom(net, token.id, address('holder'), { Action: 'Balance', Recipient: token.id }));
    const reply = b.result.Messages![0]!;
    expect(reply.Tags.find((t) => t.name === 'Balance')?.value).toBe('10000000000000000');
    expect(reply.Tags.find((t) => t.name === 'Account')?.value).toBe(token.id);
    expect(await balances(token)).toEqual({ [token.id]: '10000000000000000' });
    const ts = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Total-Supply' })));
    const supply = ts.cascade.find((d) => d.processName === 'alice')!;
    expect([tag(supply, 'Action'), supply.msg.Data]).toEqual(['Total-Supply', '10000000000000000']);
    await net.close();
  });

  it('transfers A→B with a Debit-Notice to A and a Credit-Notice to B, X- tags on both', async () => {
    const { net, token, alice, bob } = await setup();
    await evalIn(net, token, sendFromCode(token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: '1000', Cast: 'true' }));
    const s = await net.sendAndSettle(
      alice.id,
      net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Transfer', Recipient: bob.id, Quantity: '250', 'X-Memo': 'rent', 'X-Order': '7' })),
    );
    expect(steps(s.cascade)).toEqual(['tok:Transfer', 'alice:Debit-Notice', 'bob:Credit-Notice']);
    const [, debit, credit] = s.cascade;
    expect([tag(debit, 'Recipient'), tag(debit, 'Quantity'), tag(debit, 'X-Memo'), tag(debit, 'X-Order')]).toEqual([bob.id, '250', 'rent', '7']);
    expect([tag(credit, 'Sender'), tag(credit, 'Quantity'), tag(credit, 'X-Memo'), tag(credit, 'X-Order')]).toEqual([alice.id, '250', 'rent', '7']);
    expect(credit!.msg.From).toBe(token.id);
    const b = await balances(token);
    expect([b[alice.id], b[bob.id], b[token.id]]).toEqual(['750', '250', '9999999999999000']);
    await net.close();
  });

  it('replies Transfer-Error on an overdraft, moving nothing but giving the recipient a "0" entry as aos does', async () => {
    const { net, token, alice, bob } = await setup();
    await evalIn(net, token, sendFromCode(token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: '10', Cast: '1' }));
    const before = await balances(token);
    const s = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Transfer', Recipient: bob.id, Quantity: '11' })));
    expect(steps(s.cascade)).toEqual(['tok:Transfer', 'alice:Transfer-Error']);
    expect(tag(s.cascade[1], 'Error')).toBe('Insufficient Balance!');
    expect(tag(s.cascade[1], 'Message-Id')).toBe(s.cascade[0]!.msg.Id);
    expect(before[bob.id]).toBeUndefined();
    expect(await balances(token)).toEqual({ ...before, [bob.id]: '0' });
    // A sender with no entry at all gets one too.
    const stranger = address('stranger');
    await net.sendAndSettle(token.id, messageFrom(net, token.id, stranger, { Action: 'Transfer', Recipient: address('other'), Quantity: '1' }));
    const after = await balances(token);
    expect([after[stranger], after[address('other')]]).toEqual(['0', '0']);
    await net.close();
  });

  it('sends no notices when the transfer has a Cast tag', async () => {
    const { net, token, alice, bob } = await setup();
    await evalIn(net, token, sendFromCode(token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: '10', Cast: '1' }));
    const s = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Transfer', Recipient: bob.id, Quantity: '4', Cast: 'yes' })));
    expect(steps(s.cascade)).toEqual(['tok:Transfer']);
    expect((await balances(token))[bob.id]).toBe('4');
    await net.close();
  });

  it('mints only from itself, and keeps numbers far beyond 2^64 exact', async () => {
    const { net, token, alice } = await setup();
    const big = '123456789012345678901234567890123456789';
    const r = await evalIn(net, token, sendFromCode(token.id, { Action: 'Mint', Quantity: big }));
    expect(r.Error).toBeUndefined();
    const supply = (BigInt('10000000000000000') + BigInt(big)).toString();
    expect(await token.inspect('return TotalSupply')).toBe(supply);
    // Move all but one unit away and back: digit strings, no rounding anywhere.
    const most = (BigInt(supply) - 1n).toString();
    await evalIn(net, token, sendFromCode(token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: most }));
    expect(await balances(token)).toEqual({ [token.id]: '1', [alice.id]: most });
    const s = await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Mint', Quantity: '5' })));
    expect(steps(s.cascade)).toEqual(['tok:Mint', 'alice:Mint-Error']);
    expect(tag(s.cascade[1], 'Error')).toBe('Only the Process Id can mint new PNTS tokens!');
    // Burn shrinks the supply exactly.
    await net.sendAndSettle(alice.id, net.userMessage(alice.id, [{ name: 'Action', value: 'Eval' }], sendFromCode(token.id, { Action: 'Burn', Quantity: '18446744073709551617' })));
    expect(await token.inspect('return TotalSupply')).toBe((BigInt(supply) - 18446744073709551617n).toString());
    await net.close();
  });

  it('rejects negative, fractional and non-numeric quantities with a clear Error', async () => {
    const { net, token } = await setup();
    const holder = address('q');
    for (const [q, why] of [
      ['-5', /Quantity must be greater than 0/],
      ['1.5', /value cannot be represented by a bint/],
      ['1e3', /value cannot be represented by a bint/],
      [' 42', /value cannot be represented by a bint/],
      ['abc', /value cannot be represented by a bint/],
      ['0', /Quantity must be greater than 0/],
      ['0x0', /Quantity must be greater than 0/],
    ] as const) {
      const s = await net.sendAndSettle(token.id, messageFrom(net, token.id, holder, { Action: 'Transfer', Recipient: address('r'), Quantity: q }));
      expect(String(s.result.Error)).toMatch(why);
    }
    await net.close();
  });

  it('keeps the total supply constant over 1,200 random transfers, matching an exact model after every 300', async () => {
    const { net, token } = await setup();
    const holders = ['a', 'b', 'c', 'd', 'e'].map((s) => address(`holder-${s}`));
    const model = new Map<string, bigint>(holders.map((h, i) => [h, 10n ** 24n * BigInt(i + 1)]));
    const supply = [...model.values()].reduce((x, y) => x + y, 0n);
    const init = [...model].map(([h, v]) => `["${h}"] = "${v}"`).join(', ');
    expect((await evalIn(net, token, `Balances = { ${init} } TotalSupply = "${supply}"`)).Error).toBeUndefined();

    // A seeded generator: the same transfers every run.
    let seed = 42n;
    const next53 = (): bigint => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return seed >> 11n;
    };
    const rand = (n: bigint): bigint => ((next53() << 53n) | next53()) % n;
    let errors = 0;
    // Four rounds, each checked in full against the model: a wrong balance
    // is caught within 300 transfers of where it went wrong.
    for (let round = 0; round < 4; round++) {
      const sends: Promise<unknown>[] = [];
      for (let k = 0; k < 300; k++) {
        const from = holders[Number(rand(5n))]!;
        const to = holders[Number(rand(5n))]!;
        // Up to ~1.5x a balance, so some overdraw; many exceed 2^64.
        const qty = rand(3n * 10n ** 24n) + 1n;
        const have = model.get(from)!;
        if (qty <= have) {
          model.set(from, have - qty);
          model.set(to, model.get(to)! + qty);
        } else errors++;
        const t: Record<string, string> = { Action: 'Transfer', Recipient: to, Quantity: qty.toString() };
        if (k % 2 === 0) t.Cast = '1';
        sends.push(net.sendAndSettle(token.id, messageFrom(net, token.id, from, t)));
      }
      const settled = (await Promise.all(sends)) as { result: { Error?: unknown } }[];
      expect(settled.filter((s) => s.result.Error !== undefined)).toHaveLength(0);
      const b = await balances(token);
      expect(Object.fromEntries(holders.map((h) => [h, b[h]])), `balances after round ${round + 1}`).toEqual(
        Object.fromEntries([...model].map(([h, v]) => [h, v.toString()])),
      );
      expect(Object.values(b).reduce((x, y) => x + BigInt(y), 0n)).toBe(supply);
    }
    expect(errors).toBeGreaterThan(40);
    expect(await token.inspect('return TotalSupply')).toBe(supply.toString());
    await net.close();
  }, 240_000); // 1,200 messages through the local network: slow when the machine is shared
});

describe('the token blueprint, details aos clients rely on', () => {
  it('reads hex and binary quantities as bint does, and echoes the Quantity as sent in the notices', async () => {
    const { net, token, alice } = await setup();
    const s = await net.sendAndSettle(token.id, messageFrom(net, token.id, token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: '0xff' }));
    expect(s.result.Error).toBeUndefined();
    const debit = s.result.Messages!.find((m) => m.Tags.some((t) => t.value === 'Debit-Notice'))!;
    expect(debit.Tags.find((t) => t.name === 'Quantity')?.value).toBe('0xff');
    await net.sendAndSettle(token.id, messageFrom(net, token.id, token.id, { Action: 'Transfer', Recipient: alice.id, Quantity: '+0b101', Cast: '1' }));
    expect((await balances(token))[alice.id]).toBe('260');
    await net.close();
  });

  it('answers Balance for Recipient, then Target, then the sender, with Account = Recipient or sender', async () => {
    const { net, token, alice } = await setup();
    const asker = address('asker');
    const ask = async (t: Record<string, string>) => (await net.sendAndSettle(token.id, messageFrom(net, token.id, asker, { Action: 'Balance', ...t }))).result.Messages![0]!;
    const get = (m: { Tags: { name: string; value: string }[] }, n: string) => m.Tags.find((t) => t.name === n)?.value;
    const byTarget = await ask({ Target: token.id });
    expect([get(byTarget, 'Balance'), get(byTarget, 'Account')]).toEqual(['10000000000000000', asker]);
    const unknown = await ask({ Recipient: alice.id });
    expect([get(unknown, 'Balance'), get(unknown, 'Account'), unknown.Data]).toEqual(['0', alice.id, '0']);
    const own = await ask({});
    expect([get(own, 'Balance'), get(own, 'Account'), get(own, 'Ticker')]).toEqual(['0', asker, 'PNTS']);
    await net.close();
  });

  it('asserts Mint quantities with aos texts, and a refused Mint still creates the process entry', async () => {
    const { net, token } = await setup();
    await evalIn(net, token, 'Balances = {}');
    const minter = address('minter');
    const zero = await net.sendAndSettle(token.id, messageFrom(net, token.id, minter, { Action: 'Mint', Quantity: '0' }));
    expect(String(zero.result.Error)).toMatch(/Quantity must be greater than zero!/);
    const refused = await net.sendAndSettle(token.id, messageFrom(net, token.id, minter, { Action: 'Mint', Quantity: '5' }));
    expect(refused.result.Messages![0]!.Tags.find((t) => t.name === 'Action')?.value).toBe('Mint-Error');
    expect(await balances(token)).toEqual({ [token.id]: '0' });
    const missing = await net.sendAndSettle(token.id, messageFrom(net, token.id, minter, { Action: 'Transfer', Recipient: address('r') }));
    expect(String(missing.result.Error)).toMatch(/Quantity is required!/);
    await net.close();
  });
});
