// The local identity: who "you" are to local processes (the Owner who may
// Eval), and the local messenger that signs process-to-process messages, as
// AO's MU does. Kept in the data folder so every run sees the same ones.
import { StoreError } from './store-error.js';
import { existsSync, linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { ensureDir, writeFailure } from './fsync.js';
import { join } from 'node:path';
import { derivedId, isId, randomId } from './ids.js';

export interface LocalIdentity {
  /** The owner address of processes you spawn locally. */
  address: string;
  /** Signs messages between local processes; an Authority of every local process. */
  messenger: string;
}

/** identity.json exists but is not an identity. */
export class IdentityFileError extends StoreError {
  override readonly name = 'IdentityFileError';
}

export function loadIdentity(dataDir: string): LocalIdentity {
  const file = join(dataDir, 'identity.json');
  if (existsSync(file)) {
    let parsed: Partial<LocalIdentity> | null = null;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalIdentity> | null;
    } catch {
      // Reported below with the same advice.
    }
    if (parsed && typeof parsed === 'object' && isId(parsed.address ?? '') && isId(parsed.messenger ?? '')) {
      return { address: parsed.address!, messenger: parsed.messenger! };
    }
    throw new IdentityFileError(
      `${file} is not a valid aos-ts identity file (it should hold {"address", "messenger"}). Restore it from a backup; ` +
        'or move it aside and aos-ts makes a new identity (your local processes then have a different owner).',
      file,
    );
  }
  ensureDir(dataDir);
  const address = randomId();
  const identity = { address, messenger: derivedId('aos-ts local messenger', address) };
  // Create-if-absent: link() fails when another aos-ts made the file first,
  // and then both use that one.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(identity, null, 2), { mode: 0o600 });
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeFailure(err, file, 'nothing was changed');
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return loadIdentity(dataDir);
}
