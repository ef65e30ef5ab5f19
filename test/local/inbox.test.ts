// The one Inbox listing the shell and `aos-ts inbox` share.
import { afterEach, describe, expect, it } from 'vitest';
import { readInbox } from '../../src/local/inbox.js';
import { evalIn, network, removeTempDirs } from '../helpers/local.js';

afterEach(() => removeTempDirs());

describe('readInbox', () => {
  it('lists the newest entries oldest first, cuts Data at a UTF-8 boundary, and changes nothing', async () => {
    const net = network();
    const { process: p } = await net.spawn('inboxed');
    const me = net.identity.address;
    await evalIn(net, p, 'Inbox = {}');
    for (const [action, data] of [['A', 'one'], ['B', 'two'], ['C', 'é'.repeat(10)]] as const) {
      await net.sendAndSettle(p.id, net.userMessage(p.id, [{ name: 'Action', value: action }], data));
    }
    const seq = p.lastSeq;
    const listing = await readInbox((lua) => p.inspect(lua), 2, 5);
    expect(listing.total).toBe(3);
    expect(listing.entries.map((e) => [e.index, e.action, e.from])).toEqual([
      [2, 'B', me],
      [3, 'C', me],
    ]);
    expect(listing.entries[0]!.data).toBe('two');
    // 5 bytes of "éé…" end inside a character: cut back to 4 bytes (two é).
    expect(listing.entries[1]!.data).toBe('éé');
    expect(listing.entries[1]!.dataLength).toBe(20);
    expect(p.lastSeq).toBe(seq);
    expect(await readInbox((lua) => p.inspect(lua), 10).then((l) => l.entries.length)).toBe(3);
    await evalIn(net, p, 'Inbox = {}');
    expect(await readInbox((lua) => p.inspect(lua), 10)).toEqual({ total: 0, entries: [] });
    await net.close();
  });
});
