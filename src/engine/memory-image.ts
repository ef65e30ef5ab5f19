// A sparse copy of an engine's wasm memory: only the 64 KiB pages that are not
// all zero. A fresh Lua VM touches a few hundred KiB of its 16 MiB, so this is
// both fast to take (memcmp against a zero page) and small to store.
import { createHash } from 'node:crypto';

export const PAGE_SIZE = 64 * 1024;
const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);
const MAGIC = 'AOSTSMEM';
const FORMAT = 1;

export interface MemoryImageMeta {
  /** Lua heap bytes as wasmoon's allocator counted them (kept on the JS side). */
  memoryUsed: number;
  /** Address of the main lua_State: equal in every engine of the same build. */
  luaState: number;
}

export interface MemoryImage {
  heapSize: number;
  /** Byte offsets of the stored pages, ascending. */
  offsets: number[];
  /** The stored pages, back to back. */
  pages: Buffer;
  meta: MemoryImageMeta;
}

export function captureMemory(heap: Uint8Array, meta: MemoryImageMeta): MemoryImage {
  const view = Buffer.from(heap.buffer, heap.byteOffset, heap.length);
  const offsets: number[] = [];
  for (let off = 0; off < view.length; off += PAGE_SIZE) {
    const end = Math.min(off + PAGE_SIZE, view.length);
    if (view.compare(ZERO_PAGE, 0, end - off, off, end) !== 0) offsets.push(off);
  }
  const pages = Buffer.allocUnsafe(offsets.length * PAGE_SIZE);
  offsets.forEach((off, i) => {
    const end = Math.min(off + PAGE_SIZE, view.length);
    view.copy(pages, i * PAGE_SIZE, off, end);
    if (end - off < PAGE_SIZE) pages.fill(0, i * PAGE_SIZE + (end - off), (i + 1) * PAGE_SIZE);
  });
  return { heapSize: heap.length, offsets, pages, meta: { ...meta } };
}

export function restoreMemory(heap: Uint8Array, image: MemoryImage): void {
  // Every byte is written once: the stored pages, and zeros between them.
  let at = 0;
  image.offsets.forEach((off, i) => {
    if (off > at) heap.fill(0, at, Math.min(off, heap.length));
    const len = Math.min(PAGE_SIZE, heap.length - off);
    heap.set(image.pages.subarray(i * PAGE_SIZE, i * PAGE_SIZE + len), off);
    at = off + len;
  });
  if (at < heap.length) heap.fill(0, at);
}

/** A digest of the VM's state, for checking that two engines hold the same process. */
export function imageDigest(image: MemoryImage): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(image.offsets));
  h.update(image.pages);
  return h.digest('hex');
}

/**
 * Serialise: magic, format, header length, JSON header, then the pages.
 * Integrity (checksums, atomic writes) is the snapshot store's job.
 */
export function encodeMemoryImage(image: MemoryImage, extra: Record<string, unknown> = {}): Buffer {
  const header = Buffer.from(
    JSON.stringify({ format: FORMAT, heapSize: image.heapSize, offsets: image.offsets, meta: image.meta, extra }),
  );
  const prefix = Buffer.alloc(MAGIC.length + 8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(FORMAT, MAGIC.length);
  prefix.writeUInt32LE(header.length, MAGIC.length + 4);
  return Buffer.concat([prefix, header, image.pages]);
}

export function decodeMemoryImage(buf: Uint8Array): { image: MemoryImage; extra: Record<string, unknown> } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  if (b.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not an aos-ts memory image');
  const format = b.readUInt32LE(MAGIC.length);
  if (format !== FORMAT) throw new Error(`memory image format ${format} is not supported by this aos-ts`);
  const headerLen = b.readUInt32LE(MAGIC.length + 4);
  const start = MAGIC.length + 8;
  const header = JSON.parse(b.toString('utf8', start, start + headerLen)) as {
    heapSize: number;
    offsets: number[];
    meta: MemoryImageMeta;
    extra: Record<string, unknown>;
  };
  const pages = b.subarray(start + headerLen);
  if (pages.length !== header.offsets.length * PAGE_SIZE) throw new Error('memory image is truncated');
  return { image: { heapSize: header.heapSize, offsets: header.offsets, pages, meta: header.meta }, extra: header.extra };
}
