// A wallet key whose parts do not fit together is refused when it is read,
// before anything could be signed or sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateJwk, readWallet, WalletError, type Jwk } from '../../src/remote/wallet.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aos-wallet-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Change one base64url character of a key part. */
function damage(jwk: Jwk, part: 'd' | 'n' | 'p' | 'dq' | 'qi'): Jwk {
  const value = (jwk as unknown as Record<string, string>)[part]!;
  const at = Math.floor(value.length / 2);
  const swapped = value[at] === 'A' ? 'B' : 'A';
  return { ...jwk, [part]: value.slice(0, at) + swapped + value.slice(at + 1) } as Jwk;
}

describe('readWallet', () => {
  it('accepts a sound key and refuses one with any part damaged, saying nothing was sent', async () => {
    const jwk = await generateJwk();
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, JSON.stringify(jwk));
    expect(readWallet(good).address).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const part of ['d', 'n', 'p', 'dq', 'qi'] as const) {
      const file = path.join(dir, `bad-${part}.json`);
      fs.writeFileSync(file, JSON.stringify(damage(jwk, part)));
      let err: unknown;
      try {
        readWallet(file);
      } catch (e) {
        err = e;
      }
      expect(err, part).toBeInstanceOf(WalletError);
      expect((err as Error).message).toBe(
        `the wallet ${file} is damaged: its key cannot sign (its parts do not fit together). Nothing was sent. Restore the file from a backup, or pass another with --wallet.`,
      );
      expect((err as Error).message).not.toMatch(/may or may not/);
    }
  }, 60_000);
});
