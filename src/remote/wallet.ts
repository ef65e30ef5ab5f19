// The wallet that signs remote messages: an Arweave JWK (RSA) in a file.
// Default ~/.aos.json, as aos uses, so the same processes are found under the
// same address. The key itself is never printed, logged or put in the
// environment: only its address and where it is kept are shown.
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPair, sign, verify } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

export interface Jwk {
  kty: string;
  n: string;
  e: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

export interface Wallet {
  /** The key, for the signer only. */
  readonly jwk: Jwk;
  readonly address: string;
  readonly path: string;
  /** True when this run created the file. */
  readonly created: boolean;
}

export class WalletError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalletError';
  }
}

export function defaultWalletPath(): string {
  return resolve(homedir(), '.aos.json');
}

/** Arweave address of a key: base64url(sha256(modulus)). */
export function addressOf(jwk: Pick<Jwk, 'n'>): string {
  return createHash('sha256').update(Buffer.from(jwk.n, 'base64url')).digest('base64url');
}

function expand(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return resolve(path);
}

/** Reads a JWK file; says what is wrong with it without ever quoting its contents. */
export function readWallet(file: string): Wallet {
  const path = expand(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new WalletError(`cannot read the wallet ${path}: ${why}. Pass --wallet <file> with an Arweave key (JWK), or leave it out to use ~/.aos.json.`);
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new WalletError(`the wallet ${path} is not JSON. It should be an Arweave key (JWK) as written by aos or arweave-js.`);
  }
  const k = jwk as Partial<Jwk>;
  if (typeof jwk !== 'object' || jwk === null || k.kty !== 'RSA' || typeof k.n !== 'string' || typeof k.e !== 'string' || typeof k.d !== 'string') {
    throw new WalletError(`the wallet ${path} is not an Arweave RSA private key (JWK with kty "RSA", n, e and d). Check the file, or pass another with --wallet.`);
  }
  keyWorks(k as Jwk, path);
  return { jwk: k as Jwk, address: addressOf(k as Jwk), path, created: false };
}

const big = (b64url: string): bigint => BigInt(`0x${Buffer.from(b64url, 'base64url').toString('hex') || '0'}`);

/** n = p q and e d = 1 modulo lcm(p - 1, q - 1): signing may use d or the CRT parts, so all must agree. */
function partsFit(jwk: Jwk): boolean {
  const { p, q, dp, dq, qi } = jwk as Jwk & { p?: string; q?: string; dp?: string; dq?: string; qi?: string };
  if (typeof p !== 'string' || typeof q !== 'string') return true; // checked by signing above
  const [n, e, d, P, Q] = [big(jwk.n), big(jwk.e), big(jwk.d ?? ''), big(p), big(q)];
  if (P * Q !== n) return false;
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const lambda = ((P - 1n) * (Q - 1n)) / gcd(P - 1n, Q - 1n);
  if ((e * d) % lambda !== 1n) return false;
  if (typeof dp === 'string' && big(dp) !== d % (P - 1n)) return false;
  if (typeof dq === 'string' && big(dq) !== d % (Q - 1n)) return false;
  return typeof qi !== 'string' || (big(qi) * Q) % P === 1n;
}

/** A key whose parts do not fit together cannot sign: say so now, before anything is sent. */
function keyWorks(jwk: Jwk, path: string): void {
  const probe = Buffer.from('aos-ts wallet check');
  let ok = false;
  try {
    const key = createPrivateKey({ key: jwk as unknown as Parameters<typeof createPrivateKey>[0] & object, format: 'jwk' } as never);
    const sig = sign('sha256', probe, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    ok = verify('sha256', probe, { key: createPublicKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig) && partsFit(jwk);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new WalletError(`the wallet ${path} is damaged: its key cannot sign (its parts do not fit together). Nothing was sent. Restore the file from a backup, or pass another with --wallet.`);
  }
}

/** A new 4096-bit RSA key in Arweave's JWK shape (takes a second or two). */
export async function generateJwk(): Promise<Jwk> {
  const { privateKey } = await new Promise<{ privateKey: import('node:crypto').KeyObject }>((ok, fail) =>
    generateKeyPair('rsa', { modulusLength: 4096, publicExponent: 65537 }, (err, _pub, priv) => (err ? fail(err) : ok({ privateKey: priv }))),
  );
  const jwk = privateKey.export({ format: 'jwk' }) as Jwk;
  return { kty: 'RSA', n: jwk.n, e: jwk.e, d: jwk.d, p: jwk.p, q: jwk.q, dp: jwk.dp, dq: jwk.dq, qi: jwk.qi };
}

/** Writes a key readable by you only (0600); never overwrites a file. */
export function writeWallet(path: string, jwk: Jwk): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

/**
 * The wallet for remote use: --wallet <file> (must exist), else ~/.aos.json,
 * created on first use with a notice saying where.
 */
export async function loadWallet(file: string | undefined, notice: (text: string) => void): Promise<Wallet> {
  if (file !== undefined) return readWallet(file);
  const path = defaultWalletPath();
  if (existsSync(path)) return readWallet(path);
  notice(`no wallet yet: creating one at ${path} (readable by you only; keep a copy, it owns your processes)`);
  const jwk = await generateJwk();
  try {
    writeWallet(path, jwk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readWallet(path);
    throw new WalletError(`cannot create the wallet ${path}: ${(err as Error).message}. Pass --wallet <file> with an existing key instead.`);
  }
  return { jwk, address: addressOf(jwk), path, created: true };
}
