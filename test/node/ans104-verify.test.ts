// The node checks signatures off the thread that answers requests
// (verifyDataItemAsync); it must agree with the in-thread check on every item.
import Arweave from 'arweave';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { describe, expect, it } from 'vitest';
import { deepHash, parseDataItem, readSignedItemAsync, signatureData, verifyDataItem, verifyDataItemAsync } from '../../src/node/ans104.js';
import { testJwk } from '../helpers/wallet.js';

describe('data item signatures checked on the thread pool', () => {
  it('accepts a signed item and refuses one changed after signing, as the in-thread check does', async () => {
    const jwk = await testJwk('node');
    const signer = new ArweaveSigner(jwk);
    const item = createData('hello', signer, { target: 'A'.repeat(43), tags: [{ name: 'Action', value: 'Ping' }] });
    await item.sign(signer);
    const raw = Buffer.from(item.getRaw());
    const good = parseDataItem(raw);
    expect(await verifyDataItemAsync(good)).toBe(true);
    expect(verifyDataItem(good)).toBe(true);
    expect((await readSignedItemAsync(raw)).id).toBe(item.id);

    const changed = Buffer.from(raw);
    changed[changed.length - 1] ^= 1; // the last byte of the data
    const bad = parseDataItem(changed);
    expect(await verifyDataItemAsync(bad)).toBe(false);
    expect(verifyDataItem(bad)).toBe(false);
    await expect(readSignedItemAsync(changed)).rejects.toThrow(/does not verify/);
  }, 60_000);

  it('hashes what was signed as the deep hash of the whole list, whatever it keeps from earlier items', async () => {
    const signers = await Promise.all(['node', 'other'].map(async (name) => new ArweaveSigner(await testJwk(name))));
    const plain = (raw: Buffer) => {
      const it = parseDataItem(raw);
      return deepHash([Buffer.from('dataitem'), Buffer.from('1'), Buffer.from(String(it.signatureType)), it.owner, it.rawTarget, it.rawAnchor, it.rawTags, it.data]);
    };
    // Two owners, twice each (the second time from what was kept), with data and tags of other lengths.
    for (const round of [0, 1]) {
      for (const [i, signer] of signers.entries()) {
        const item = createData('d'.repeat(1 + round * 7 + i), signer, { tags: [{ name: 'N', value: String(round * 10 + i) }], ...(i === 0 ? { target: 'B'.repeat(43) } : {}) });
        await item.sign(signer);
        const raw = Buffer.from(item.getRaw());
        expect(signatureData(parseDataItem(raw)).equals(plain(raw))).toBe(true);
        expect(await verifyDataItemAsync(parseDataItem(raw))).toBe(true);
      }
    }
  }, 60_000);
});
