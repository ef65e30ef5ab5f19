// Durability helpers shared by the stores.
import fs from 'node:fs';

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
