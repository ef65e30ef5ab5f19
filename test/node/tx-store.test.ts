import { describe, expect, it } from 'vitest';
import type { StoredTx } from '../../src/node/context.js';
import { TxStore } from '../../src/node/tx-store.js';

function tx(i: number, data = `data ${i} é✓`): StoredTx {
  return {
    id: `id-${i}`.padEnd(43, 'x'),
    owner: { address: `owner-${i % 3}`, key: `key-${i % 3}` },
    target: `target-${i % 5}`,
    anchor: '',
    signature: `sig-${i}`,
    tags: [{ name: 'N', value: String(i) }],
    data: Buffer.from(data),
    timestamp: 1000 + i,
  };
}

describe('TxStore (the gateway store, bounded in memory)', () => {
  it('holds at most its bound and a batch whole, and still answers every entry, in order, once', () => {
    const store = new TxStore(10);
    try {
      for (let i = 0; i < 105; i++) store.set(tx(i).id, tx(i));
      expect(store.size).toBe(105);
      expect(store.held).toBeLessThanOrEqual(20);
      expect(store.get(tx(3).id)).toEqual(tx(3));
      expect(store.get(tx(104).id)).toEqual(tx(104));
      expect(store.has(tx(50).id)).toBe(true);
      expect(store.get('nope')).toBeUndefined();
      const all = [...store.values()];
      expect(all.map((t) => t.id)).toEqual(Array.from({ length: 105 }, (_, i) => tx(i).id));
      expect(all[7]).toEqual(tx(7));
    } finally {
      store.close();
    }
  });

  it('an entry set again after it was spooled is answered once, as set last', () => {
    const store = new TxStore(4);
    try {
      for (let i = 0; i < 20; i++) store.set(tx(i).id, tx(i));
      const again = { ...tx(2), data: Buffer.from('newer') };
      store.set(again.id, again);
      for (let i = 20; i < 40; i++) store.set(tx(i).id, tx(i));
      expect(store.get(again.id)?.data.toString()).toBe('newer');
      const all = [...store.values()].filter((t) => t.id === again.id);
      expect(all).toHaveLength(1);
      expect(all[0]!.data.toString()).toBe('newer');
      expect(store.size).toBe(40);
    } finally {
      store.close();
    }
  });

  it('keeps multi-byte data intact across the spool', () => {
    const store = new TxStore(2);
    try {
      const big = '✓'.repeat(400_000);
      for (let i = 0; i < 12; i++) store.set(tx(i).id, tx(i, i === 1 ? big : undefined));
      expect([...store.values()][1]!.data.toString()).toBe(big);
      expect(store.get(tx(1).id)!.data.toString()).toBe(big);
    } finally {
      store.close();
    }
  });
});
