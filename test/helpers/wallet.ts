// A wallet for tests. Generating an RSA-4096 key takes seconds, so one test
// key is made per machine and reused by every file (each gets its own copy,
// mode 0600, in a folder it removes). It signs only for local test nodes.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateJwk } from '../../src/remote/wallet.js';

// The real temporary folder, not the run's (see temp-root.ts): the key outlives the run.
const CACHE = join(process.env.AOS_TS_TEST_CACHE_DIR ?? tmpdir(), `aos-ts-test-wallet-${userInfo().uid}.json`);

async function sharedJwk(): Promise<string> {
  if (existsSync(CACHE)) {
    const text = readFileSync(CACHE, 'utf8');
    try {
      if ((JSON.parse(text) as { kty?: string }).kty === 'RSA') return text;
    } catch {
      // half-written or damaged: make a new one
    }
  }
  const text = JSON.stringify(await generateJwk());
  // Atomic: two files generating at once both leave a whole key.
  const tmp = `${CACHE}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, CACHE);
  return text;
}

/** Writes the test key as `dir`/wallet.json (mode 0600) and returns the path. */
export async function testWalletFile(dir: string): Promise<string> {
  const file = join(dir, 'wallet.json');
  writeFileSync(file, await sharedJwk(), { mode: 0o600 });
  return file;
}
