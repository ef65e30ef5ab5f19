// What a local process is, apart from its history: written once at spawn.
import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { AoEnv, AoMessage, Tag } from '../engine/types.js';

import { derivedId } from './ids.js';

/** The module id local processes report: the aos OS on Lua 5.4, as run by aos-ts. */
export const LOCAL_MODULE_ID = derivedId('aos-ts module', 'aos 2.0.4', 'lua 5.4');

export interface ProcessMeta {
  id: string;
  name: string;
  /** The address that may Eval: the local identity, or the parent process for spawned children. */
  owner: string;
  /** The signer of the process message (the local messenger for children). */
  signer: string;
  module: string;
  tags: Tag[];
  data?: string;
  createdAt: number;
  /** Cron interval like "10-seconds", if the process has one. */
  cron?: string;
  /** When set, the process is also live on AO under this id (or was being published: see `pending`). */
  remote?: PublishedRemote;
}

/** Where `aos-ts publish` put a local process on AO, and how far it got. */
export interface PublishedRemote {
  /** The process id on AO; absent while a first publish is half done. */
  id?: string;
  /** networkKey() of where it lives. */
  network: string;
  /** How to reach it again: the network flags in effect when it was published. */
  mode?: 'mainnet' | 'legacy';
  url?: string;
  muUrl?: string;
  cuUrl?: string;
  gatewayUrl?: string;
  /** The last log seq whose Evals (and, with --with-state, messages) are live. */
  seq?: number;
  /** With --with-state: the last log seq whose messages from you were replayed on AO. */
  stateSeq?: number;
  /** The upload of the source the live process has (the last one applied). */
  sourceTx?: string;
  manifestTx?: string;
  publishedAt?: number;
  /** An upload done but not yet applied (spawn or update Eval refused): a retry reuses it. */
  pending?: { sourceTx: string; manifestTx?: string; sha256: string; seq: number };
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function writeMeta(dir: string, meta: ProcessMeta): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'process.json'), meta);
}

export function readMeta(dir: string): ProcessMeta {
  const file = join(dir, 'process.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProcessMeta;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}. Is this an aos-ts process folder?`);
  }
}

export function processEnv(meta: ProcessMeta): AoEnv {
  return {
    Process: { Id: meta.id, Owner: meta.signer, Tags: meta.tags },
    Module: { Id: meta.module, Owner: meta.signer, Tags: [{ name: 'Module-Format', value: 'aos-ts-lua54' }] },
  };
}

/** The spawn message itself: the first message every process handles (On-Boot runs here). */
export function processMessage(meta: ProcessMeta, timestamp: number): AoMessage {
  return {
    Id: meta.id,
    From: meta.owner,
    Owner: meta.signer,
    Target: meta.id,
    Tags: meta.tags,
    Data: meta.data ?? '',
    Timestamp: timestamp,
    'Block-Height': blockHeightAt(timestamp),
    Module: meta.module,
    Cron: false,
  };
}

/** Local block heights advance like Arweave's, one per two minutes. */
export function blockHeightAt(timestamp: number): number {
  return Math.floor(timestamp / 120_000);
}
