// Uploads to Arweave through a gateway's HTTP API (POST /tx), signed with the
// wallet by arweave-js. `aos-ts serve` accepts these too (up to 256 KiB).
import type { Tag } from '../engine/types.js';
import { RemoteError } from '../remote/http.js';
import type { Wallet } from '../remote/wallet.js';

export interface UploadArgs {
  gatewayUrl: string;
  wallet: Wallet;
  data: string;
  tags: Tag[];
}

/** The id of the new transaction; a RemoteError saying what failed otherwise. */
export async function uploadTx({ gatewayUrl, wallet, data, tags }: UploadArgs): Promise<string> {
  const { default: Arweave } = await import('arweave');
  const url = new URL(gatewayUrl);
  const arweave = Arweave.init({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    protocol: url.protocol.replace(':', ''),
    timeout: 30_000,
    logging: false,
  });
  const jwk = wallet.jwk as unknown as Parameters<typeof arweave.createTransaction>[1];
  let status: number | undefined;
  let detail = '';
  try {
    const tx = await arweave.createTransaction({ data: Buffer.from(data, 'utf8') }, jwk);
    for (const t of tags) tx.addTag(t.name, t.value);
    await arweave.transactions.sign(tx, jwk);
    const res = await arweave.transactions.post(tx);
    status = res.status;
    if (res.status >= 200 && res.status < 300) return tx.id;
    detail = typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? '');
  } catch (err) {
    detail = (err as Error).message;
  }
  throw new RemoteError(
    `uploading to ${gatewayUrl}/tx failed${status !== undefined ? ` (HTTP ${status})` : ''}: ${detail.replace(/\s+/g, ' ').slice(0, 200)}. ` +
      'Nothing was published. Check --gateway-url (and that the wallet can pay for the upload), then run publish again.',
  );
}
