// Wallets for tests. Generating an RSA-4096 key takes seconds, so each test
// key is made once per machine and reused by every file (each gets its own copy,
// mode 0600, in a folder it removes). It signs only for local test nodes.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateJwk } from '../../src/remote/wallet.js';

// The real temporary folder, not the run's (see temp-root.ts): the keys outlive the run.
const cacheFile = (name: string) => join(process.env.AOS_TS_TEST_CACHE_DIR ?? tmpdir(), `aos-ts-test-wallet-${userInfo().uid}${name === '' ? '' : `-${name}`}.json`);

async function sharedJwk(name = ''): Promise<string> {
  const file = cacheFile(name);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      if ((JSON.parse(text) as { kty?: string }).kty === 'RSA') return text;
    } catch {
      // half-written or damaged: make a new one
    }
  }
  const text = JSON.stringify(await generateJwk());
  // Atomic: two files generating at once both leave a whole key.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
  return text;
}

/** Writes the test key as `dir`/wallet.json (mode 0600) and returns the path. */
export async function testWalletFile(dir: string): Promise<string> {
  const file = join(dir, 'wallet.json');
  writeFileSync(file, await sharedJwk(), { mode: 0o600 });
  return file;
}

/**
 * The test key named `name` (made once a machine, like the CLI's), as a JWK
 * object: for tests that sign with arweave-js or aoconnect directly. The node
 * tests share 'node' (each new key costs seconds on a fresh machine); mind
 * that aoconnect allows 100 createSigner calls a key a minute in one program,
 * and files share a program (non-isolated workers).
 */
export async function testJwk<T = { kty: string; e: string; n: string } & Record<string, string>>(name: string): Promise<T> {
  return JSON.parse(await sharedJwk(name)) as T;
}
