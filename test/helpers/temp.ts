// Temporary folders for a test file: made on demand, removed by removeTempDirs() (call it in afterAll/afterEach).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];

export function tempDir(prefix = 'aos-ts-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A fresh folder for local processes. */
export const tempDataDir = (): string => tempDir();

export function removeTempDirs(): void {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); // a program killed just now may still be letting go of its files
}
