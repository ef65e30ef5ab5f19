// Test helpers for write failures: a tiny real disk (tmpfs, when this user may
// mount one) and failures injected through the stores' write seam.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { storeIo } from '../../src/local/fsync.js';
import { tempDir } from './helpers.js';

/** A tmpfs of `kib` KiB mounted on a fresh folder, or undefined where mounting is not allowed. */
export function tinyDisk(kib: number): { dir: string; unmount(): void } | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'ignore', timeout: 5000 });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore', timeout: 5000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fill the rest of a disk with a file, leaving about `leave` bytes free; returns the filler's path. */
export function fillDisk(dir: string, leave = 0): string {
  const filler = `${dir}/filler`;
  const { bavail, bsize } = fs.statfsSync(dir);
  const free = bavail * bsize;
  const fd = fs.openSync(filler, 'w');
  try {
    const chunk = Buffer.alloc(4096, 1);
    let written = 0;
    while (written + chunk.length <= free - leave) {
      try {
        written += fs.writeSync(fd, chunk);
      } catch {
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

/** An fs error as the kernel reports it. */
export function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/**
 * Make the stores' writes fail with `code` once `okBytes` more bytes have
 * been written (the write that crosses the line is cut short, as on a full
 * disk). Returns a function that restores the real writer.
 */
export function failWritesAfter(okBytes: number, code = 'ENOSPC'): () => void {
  const real = storeIo.writeSync;
  let left = okBytes;
  storeIo.writeSync = (fd, data, offset, length, position) => {
    if (left <= 0) throw fsError(code);
    const n = real(fd, data, offset, Math.min(length, left), position);
    left -= n;
    return n;
  };
  return () => {
    storeIo.writeSync = real;
  };
}

/** Make the stores' writes to files whose path contains `part` fail with `code` (Linux: paths from /proc/self/fd). */
export function failWritesTo(part: string, code = 'ENOSPC'): () => void {
  const real = storeIo.writeSync;
  storeIo.writeSync = (fd, data, offset, length, position) => {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // Not Linux: never matches.
    }
    if (target.includes(part)) throw fsError(code);
    return real(fd, data, offset, length, position);
  };
  return () => {
    storeIo.writeSync = real;
  };
}
