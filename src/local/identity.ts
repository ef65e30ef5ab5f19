// The local identity: who "you" are to local processes (the Owner who may
// Eval), and the local messenger that signs process-to-process messages, as
// AO's MU does. Kept in the data folder so every run sees the same ones.
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { derivedId, isId, randomId } from './ids.js';

export interface LocalIdentity {
  /** The owner address of processes you spawn locally. */
  address: string;
  /** Signs messages between local processes; an Authority of every local process. */
  messenger: string;
}

export function loadIdentity(dataDir: string): LocalIdentity {
  const file = join(dataDir, 'identity.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalIdentity>;
    if (parsed.address && isId(parsed.address) && parsed.messenger && isId(parsed.messenger)) {
      return { address: parsed.address, messenger: parsed.messenger };
    }
    throw new Error(`${file} is not a valid aos-ts identity file; move it aside and aos-ts will make a new one`);
  }
  mkdirSync(dataDir, { recursive: true });
  const address = randomId();
  const identity = { address, messenger: derivedId('aos-ts local messenger', address) };
  // Create-if-absent: link() fails when another aos-ts made the file first,
  // and then both use that one.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(identity, null, 2), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return loadIdentity(dataDir);
}
