// The node checks signatures off the thread that answers requests
// (verifyDataItemAsync); it must agree with the in-thread check on every item.
import Arweave from 'arweave';
import { ArweaveSigner, createData } from '@dha-team/arbundles';
import { describe, expect, it } from 'vitest';
import { parseDataItem, readSignedItemAsync, verifyDataItem, verifyDataItemAsync } from '../../src/node/ans104.js';

describe('data item signatures checked on the thread pool', () => {
  it('accepts a signed item and refuses one changed after signing, as the in-thread check does', async () => {
    const jwk = await Arweave.init({}).wallets.generate();
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
});
