// What a local process is, apart from its history: written once at spawn.
import { StoreError } from './store-error.js';
import { existsSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AoEnv, AoMessage, Tag } from '../engine/types.js';

import { ensureDir, writeFailure } from './fsync.js';
import { derivedId } from './ids.js';
import { MessageLog } from './message-log.js';

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
  try {
    writeFileSync(tmp, JSON.stringify(value, null, 2));
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeFailure(err, file, `${basename(file)} was not changed`);
  }
}

export function writeMeta(dir: string, meta: ProcessMeta): void {
  ensureDir(dir);
  writeJsonAtomic(join(dir, 'process.json'), meta);
}

export const META_FILE = 'process.json';

/**
 * A process folder whose process.json is missing or unusable. The process
 * is still there (its log is), so it must not be replaced by a new one.
 */
export class ProcessMetaError extends StoreError {
  override readonly name = 'ProcessMetaError';
  readonly dir: string;
  /** The process's name as its log remembers it, when it does. */
  readonly processName: string | undefined;
  constructor(dir: string, problem: string, processName?: string) {
    const file = join(dir, META_FILE);
    const who = processName !== undefined ? `process "${processName}" (${basename(dir)})` : `the process in ${dir}`;
    super(
      `${file} ${problem}, so ${who} cannot be opened. ` +
        `Restore that file from a backup, or move the folder ${dir} aside to drop the process.`,
      file,
    );
    this.dir = dir;
    this.processName = processName;
  }
}

export function readMeta(dir: string): ProcessMeta {
  const file = join(dir, META_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProcessMetaError(dir, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (err as Error).message})`, nameFromLog(dir));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProcessMetaError(dir, 'is not valid JSON (damaged?)', nameFromLog(dir));
  }
  const problem = metaProblem(value, basename(dir));
  if (problem) throw new ProcessMetaError(dir, problem, nameFromLog(dir));
  return value as ProcessMeta;
}

function metaProblem(v: unknown, folderId: string): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `holds ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v} instead of a process description`;
  const m = v as Record<string, unknown>;
  for (const key of ['id', 'name', 'owner', 'signer', 'module'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') return `has no "${key}"`;
  }
  if (!Array.isArray(m.tags) || !m.tags.every((t) => typeof t === 'object' && t !== null && typeof (t as Tag).name === 'string' && typeof (t as Tag).value === 'string')) {
    return 'has no valid "tags" list';
  }
  if (typeof m.createdAt !== 'number' || !Number.isFinite(m.createdAt)) return 'has no "createdAt" time';
  if (m.data !== undefined && typeof m.data !== 'string') return 'has a "data" that is not text';
  if (m.cron !== undefined && typeof m.cron !== 'string') return 'has a "cron" that is not text';
  if (/^[A-Za-z0-9_-]{43}$/.test(folderId) && m.id !== folderId) return `names the id ${String(m.id)}, not its folder's ${folderId}`;
  return undefined;
}

/** The name a process was spawned with, from the first record of its log (its process message). */
function nameFromLog(dir: string): string | undefined {
  const first = MessageLog.peekFirst(join(dir, 'log'));
  const msg = first?.msg as { Tags?: unknown } | undefined;
  if (!msg || !Array.isArray(msg.Tags)) return undefined;
  const tag = (msg.Tags as Tag[]).find((t) => t && t.name === 'Name');
  return typeof tag?.value === 'string' ? tag.value : undefined;
}

export type FolderState =
  | { state: 'process'; meta: ProcessMeta }
  | { state: 'damaged'; error: ProcessMetaError }
  /** Not a process: no process.json and no history (e.g. an empty folder). */
  | { state: 'none' };

/** What a folder under processes/ holds: a process, a damaged one (listed, never replaced), or nothing. */
export function inspectProcessFolder(dir: string): FolderState {
  if (!existsSync(join(dir, META_FILE)) && !existsSync(join(dir, 'log')) && !existsSync(join(dir, 'snapshots'))) return { state: 'none' };
  try {
    return { state: 'process', meta: readMeta(dir) };
  } catch (err) {
    if (err instanceof ProcessMetaError) return { state: 'damaged', error: err };
    throw err;
  }
}

/** Refuse to create a process where one (even a damaged one) already is. */
export function assertNewProcessFolder(dir: string): void {
  const seen = inspectProcessFolder(dir);
  if (seen.state === 'damaged') throw seen.error;
  if (seen.state === 'process') {
    throw new Error(`a process already exists in ${dir} (named "${seen.meta.name}"); it was not replaced. Open it, or move that folder aside.`);
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
