// ANS-104 data items: parse the binary layout and verify the Arweave
// (RSA-PSS / SHA-256) signature over the deep hash, with node:crypto only.
import { createHash, createPublicKey, verify as verifySignature, constants, type KeyObject } from 'node:crypto';
import type { Tag } from '../engine/types.js';

/** Signature type 1 (Arweave): 512-byte signature, 512-byte owner (RSA modulus). */
const ARWEAVE_SIG = 1;
const ARWEAVE_SIG_LENGTH = 512;
const ARWEAVE_OWNER_LENGTH = 512;
const MAX_TAGS = 128;
const MAX_TAG_BYTES = 4096;

export interface DataItem {
  signatureType: number;
  signature: Buffer;
  owner: Buffer;
  target: string;
  anchor: string;
  tags: Tag[];
  rawTarget: Buffer;
  rawAnchor: Buffer;
  rawTags: Buffer;
  data: Buffer;
  /** base64url(sha256(signature)) */
  id: string;
  /** base64url(sha256(owner)) */
  ownerAddress: string;
}

/** A request body that is not a well-formed (or not a supported) data item. */
export class DataItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataItemError';
  }
}

export function parseDataItem(bytes: Buffer): DataItem {
  const bad = (what: string) => new DataItemError(`the body is not a valid ANS-104 data item: ${what}`);
  if (bytes.length < 80) throw bad(`it is ${bytes.length} bytes, the least is 80`);
  const signatureType = bytes.readUInt16LE(0);
  if (signatureType !== ARWEAVE_SIG) {
    throw new DataItemError(`signature type ${signatureType} is not supported here; sign with an Arweave wallet (type 1), e.g. aoconnect's createSigner(jwk)`);
  }
  let at = 2;
  const take = (n: number, what: string): Buffer => {
    if (at + n > bytes.length) throw bad(`it ends inside the ${what}`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const signature = take(ARWEAVE_SIG_LENGTH, 'signature');
  const owner = take(ARWEAVE_OWNER_LENGTH, 'owner');
  const optional32 = (what: string): Buffer => {
    const present = take(1, what)[0];
    if (present === 0) return Buffer.alloc(0);
    if (present !== 1) throw bad(`the ${what} presence byte is ${present}`);
    return take(32, what);
  };
  const rawTarget = optional32('target');
  const rawAnchor = optional32('anchor');
  const tagCount = Number(take(8, 'tag count').readBigUInt64LE(0));
  const tagBytes = Number(take(8, 'tag length').readBigUInt64LE(0));
  if (tagCount > MAX_TAGS) throw bad(`${tagCount} tags, the most is ${MAX_TAGS}`);
  if (tagBytes > MAX_TAG_BYTES) throw bad(`the tags take ${tagBytes} bytes, the most is ${MAX_TAG_BYTES}`);
  const rawTags = take(tagBytes, 'tags');
  const tags = tagCount === 0 ? [] : decodeAvroTags(rawTags, bad);
  if (tags.length !== tagCount) throw bad(`it says ${tagCount} tags but holds ${tags.length}`);
  const data = bytes.subarray(at);
  return {
    signatureType,
    signature,
    owner,
    target: rawTarget.length ? rawTarget.toString('base64url') : '',
    anchor: rawAnchor.length ? rawAnchor.toString('base64url') : '',
    tags,
    rawTarget,
    rawAnchor,
    rawTags,
    data,
    id: createHash('sha256').update(signature).digest('base64url'),
    ownerAddress: createHash('sha256').update(owner).digest('base64url'),
  };
}

/** Avro array of {name: bytes, value: bytes} records. */
function decodeAvroTags(buf: Buffer, bad: (what: string) => Error): Tag[] {
  let at = 0;
  const readLong = (): number => {
    let shift = 0;
    let n = 0;
    for (;;) {
      if (at >= buf.length) throw bad('the tags end inside a number');
      const b = buf[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 49) throw bad('a tag length is too large');
    }
    // zigzag
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  };
  const readBytes = (): string => {
    const len = readLong();
    if (len < 0 || at + len > buf.length) throw bad('a tag runs past the tag block');
    const s = buf.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  const tags: Tag[] = [];
  for (;;) {
    let count = readLong();
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      readLong(); // block size in bytes
    }
    for (let i = 0; i < count; i++) {
      const name = readBytes();
      const value = readBytes();
      tags.push({ name, value });
    }
  }
  return tags;
}

function sha384(...parts: (Buffer | string)[]): Buffer {
  const h = createHash('sha384');
  for (const p of parts) h.update(p);
  return h.digest();
}

type DeepHashInput = Buffer | DeepHashInput[];

/** Arweave's deep hash (SHA-384 over tagged blobs and lists). */
export function deepHash(input: DeepHashInput): Buffer {
  if (Array.isArray(input)) {
    let acc = sha384(`list${input.length}`);
    for (const item of input) acc = sha384(Buffer.concat([acc, deepHash(item)]));
    return acc;
  }
  return sha384(Buffer.concat([sha384(`blob${input.length}`), sha384(input)]));
}

/** What the signer signed: deepHash(["dataitem", "1", sigType, owner, target, anchor, tags, data]). */
export function signatureData(item: DataItem): Buffer {
  // The list's hash so far after its first four entries depends only on the
  // signature type and the owner, which a client keeps for many items.
  let acc = signedPrefix(item.signatureType, item.owner);
  for (const blob of [item.rawTarget, item.rawAnchor, item.rawTags, item.data]) acc = sha384(acc, blobHash(blob));
  return acc;
}

/** deepHash(blob), with the hash of its `blob<length>` header kept for the usual lengths. */
function blobHash(blob: Buffer): Buffer {
  let head = blobHeads.get(blob.length);
  if (!head) {
    head = sha384(`blob${blob.length}`);
    if (blobHeads.size < 256) blobHeads.set(blob.length, head);
  }
  return sha384(head, sha384(blob));
}
const blobHeads = new Map<number, Buffer>();

/** The deep hash accumulator of a data item's list after "dataitem", "1", the signature type and the owner. */
function signedPrefix(signatureType: number, owner: Buffer): Buffer {
  const key = `${signatureType}:${owner.toString('base64url')}`;
  let acc = prefixes.get(key);
  if (!acc) {
    acc = sha384('list8');
    for (const blob of [Buffer.from('dataitem'), Buffer.from('1'), Buffer.from(String(signatureType)), owner]) acc = sha384(acc, blobHash(blob));
    prefixes.set(key, acc);
    if (prefixes.size > KEYS_KEPT) prefixes.delete(prefixes.keys().next().value as string);
  }
  return acc;
}
const prefixes = new Map<string, Buffer>();

/** Public keys by owner: a client signs many items with one wallet. */
const keys = new Map<string, KeyObject>();
const KEYS_KEPT = 64;

function ownerKey(owner: Buffer): KeyObject {
  const n = owner.toString('base64url');
  let key = keys.get(n);
  if (!key) {
    key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    keys.set(n, key);
    if (keys.size > KEYS_KEPT) keys.delete(keys.keys().next().value as string);
  }
  return key;
}

export function verifyDataItem(item: DataItem): boolean {
  try {
    const key = ownerKey(item.owner);
    return verifySignature('sha256', signatureData(item), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, item.signature);
  } catch {
    return false;
  }
}

/**
 * verifyDataItem() with the RSA check on libuv's thread pool (crypto.verify
 * with a callback): that check is most of what verifying costs, and a node
 * under load spends it there instead of on the thread that answers requests.
 */
export function verifyDataItemAsync(item: DataItem): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const key = ownerKey(item.owner);
      verifySignature(
        'sha256',
        signatureData(item),
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        item.signature,
        (err, ok) => resolve(!err && ok),
      );
    } catch {
      resolve(false);
    }
  });
}

/** readSignedItem() verifying off this thread (see verifyDataItemAsync). */
export async function readSignedItemAsync(bytes: Buffer): Promise<DataItem> {
  const item = parseDataItem(bytes);
  if (!(await verifyDataItemAsync(item))) throw badSignature(item);
  return item;
}

function badSignature(item: DataItem): DataItemError {
  return new DataItemError(`the signature of data item ${item.id} does not verify: the item was changed after signing or signed with another key; sign it again`);
}

/** Parse and verify; throws DataItemError for anything a client must fix. */
export function readSignedItem(bytes: Buffer): DataItem {
  const item = parseDataItem(bytes);
  if (!verifyDataItem(item)) throw badSignature(item);
  return item;
}

export function tagOf(tags: Tag[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return tags.find((t) => t.name.toLowerCase() === lower)?.value;
}
