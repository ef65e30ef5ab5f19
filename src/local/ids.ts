// Ids in the shape Arweave uses: 43 characters of base64url (32 bytes).
import { createHash, randomBytes } from 'node:crypto';

export const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isId(text: string): boolean {
  return ID_PATTERN.test(text);
}

export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/** A stable id derived from its parts: replaying a log recreates the same ids. */
export function derivedId(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}
