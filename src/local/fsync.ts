// Durability helpers shared by the stores: fsync of folders, folder creation
// that cannot loop, and the errors a failed write turns into.
import { StoreError } from './store-error.js';
import fs from 'node:fs';
import path from 'node:path';

/** Make a directory's entries (a created or renamed file) durable. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    // Windows cannot open or fsync directories; rename there is already durable enough.
    if (process.platform !== 'win32') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * A store file could not be written (disk full, I/O error, read-only disk).
 * The message names the file and what to do; whatever was acknowledged before is intact.
 */
export class StoreWriteError extends StoreError {
  override readonly name = 'StoreWriteError';
  readonly code: string | undefined;
  constructor(message: string, file: string, code: string | undefined, options?: { cause?: unknown }) {
    super(message, file, options);
    this.code = code;
  }
}

/** Turn an fs error from writing `file` into a StoreWriteError a person can act on. */
export function writeFailure(err: unknown, file: string, consequence = 'nothing acknowledged was lost'): Error {
  if (err instanceof StoreWriteError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const tail = `${consequence}.`;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StoreWriteError(`the disk is full: could not write ${file}. Free some space and try again; ${tail}`, file, code, { cause: err });
    case 'EIO':
      return new StoreWriteError(`the disk reported an I/O error writing ${file}. Check the disk, then try again; ${tail}`, file, code, { cause: err });
    case 'EROFS':
      return new StoreWriteError(`${file} is on a read-only disk. Use a writable --data-dir; ${tail}`, file, code, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new StoreWriteError(`no permission to write ${file}. Fix its permissions, or use another --data-dir; ${tail}`, file, code, { cause: err });
    default: {
      const what = err instanceof Error ? err.message : String(err);
      return new StoreWriteError(`could not write ${file} (${what}); ${tail}`, file, code, { cause: err });
    }
  }
}

/**
 * The write calls the stores make, in one place so tests can make them fail
 * (disk full, I/O error) at an exact moment. Production code never changes it.
 */
export const storeIo = {
  writeSync(fd: number, data: Uint8Array, offset: number, length: number, position?: number | null): number {
    return fs.writeSync(fd, data, offset, length, position);
  },
  fsyncSync(fd: number): void {
    fs.fsyncSync(fd);
  },
  fdatasyncSync(fd: number): void {
    fs.fdatasyncSync(fd);
  },
};

/** Write all of `data` at `position` (or the current position) through storeIo. */
export function writeFully(fd: number, data: Uint8Array, position?: number): void {
  let done = 0;
  while (done < data.byteLength) {
    const n = storeIo.writeSync(fd, data, done, data.byteLength - done, position === undefined ? null : position + done);
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += n;
  }
}

/** A folder aos-ts needs cannot be made or used. */
export class StoreFolderError extends StoreError {
  override readonly name = 'StoreFolderError';
}

/**
 * mkdir -p that always ends: Node's recursive mkdir loops forever where a
 * parent exists but refuses children (/proc/self), so each level is made by hand.
 */
export function ensureDir(dir: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw folderError(abs, cur, err);
    }
    if (st) {
      if (!st.isDirectory()) throw new StoreFolderError(`${cur} is not a folder, so ${abs} cannot be made there. Move that file aside, or choose another --data-dir.`, abs);
      break;
    }
    missing.push(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw folderError(abs, d, err);
    }
  }
}

function folderError(target: string, at: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'that place does not accept new folders'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the disk is read-only'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : code === 'ENOTDIR'
              ? 'a part of the path is a file, not a folder'
              : ((err as Error).message ?? String(err));
  return new StoreFolderError(`cannot make the folder ${at === target ? target : `${at} (for ${target})`}: ${why}. Choose another --data-dir.`, target);
}

/**
 * Durably keep bytes removed from a store file beside it, in `file` (never
 * overwriting an earlier copy). `consequence` ends the error a failure gives.
 */
export function keepAside(file: string, bytes: Uint8Array, consequence: string): void {
  if (fs.existsSync(file)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      writeFully(fd, bytes);
      storeIo.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(file));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw writeFailure(err, file, consequence);
  }
}
