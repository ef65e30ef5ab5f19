// aoconnect, loaded only when a remote process is used (its import takes about
// two seconds), set up for one network and one wallet.
import type { Tag } from '../engine/types.js';
import { installRecordingFetch, recordingFetch } from './http.js';
import type { NetworkSettings } from './settings.js';
import type { Wallet } from './wallet.js';

/** The parts of aoconnect's API aos-ts uses (both modes share these shapes). */
export interface AoClient {
  spawn(args: { module: string; scheduler?: string; authority?: string; signer?: unknown; tags: Tag[]; data?: string }): Promise<string>;
  message(args: { process: string; signer?: unknown; tags: Tag[]; data?: string }): Promise<string | number>;
  result(args: { process: string; message?: string; slot?: number | string }): Promise<Record<string, unknown>>;
  results(args: { process: string; from?: string; to?: string; sort?: 'ASC' | 'DESC'; limit?: number }): Promise<{ edges: { cursor: string; node: Record<string, unknown> }[] }>;
  dryrun(args: { process: string; tags: Tag[]; data?: string; Owner?: string; From?: string }): Promise<Record<string, unknown>>;
}

export interface Client {
  ao: AoClient;
  signer: unknown;
  settings: NetworkSettings;
  wallet: Wallet;
}

export async function createClient(settings: NetworkSettings, wallet: Wallet): Promise<Client> {
  installRecordingFetch();
  const aoconnect = (await import('@permaweb/aoconnect')) as unknown as {
    connect(args: Record<string, unknown>): AoClient;
    createSigner(jwk: unknown): unknown;
  };
  const signer = signerFor(aoconnect, wallet);
  const ao =
    settings.mode === 'mainnet'
      ? aoconnect.connect({ MODE: 'mainnet', URL: settings.url, signer, ...(settings.scheduler ? { SCHEDULER: settings.scheduler } : {}) })
      : aoconnect.connect({ MODE: 'legacy', MU_URL: settings.muUrl, CU_URL: settings.cuUrl, GATEWAY_URL: settings.gatewayUrl, fetch: recordingFetch, noLog: true });
  return { ao, signer, settings, wallet };
}

/**
 * One signer per wallet for the whole program. aoconnect counts the signers it
 * creates for a key and refuses the 101st within a minute ("Too many
 * cryptographic operations"), so a program that opens many connections (a
 * script through the library, the CLI run in-process, the shell reconnecting)
 * would fail its next send. A signer depends on the key alone: reuse it.
 */
const signers = new Map<string, unknown>();
function signerFor(aoconnect: { createSigner(jwk: unknown): unknown }, wallet: Wallet): unknown {
  const key = JSON.stringify(wallet.jwk);
  let signer = signers.get(key);
  if (signer === undefined) {
    signer = aoconnect.createSigner(wallet.jwk);
    signers.set(key, signer);
  }
  return signer;
}
