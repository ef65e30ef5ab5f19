// What `aos-ts publish` takes from a local process: the code that was loaded
// into it (your successful Evals, in log order, minus undone and local-only
// ones) as one Lua bundle, the messages that built its state (for
// --with-state), and a manifest describing both.
import { createHash } from 'node:crypto';
import { tagValue, type AoMessage, type Tag } from '../engine/types.js';
import type { LocalProcess, ProcessRecord } from '../local/local-process.js';
import type { ProcessMeta } from '../local/process-meta.js';
import { isReadOnlyEval } from '../bundle/read-only.js';

/** The first line that keeps an Eval out of what is published. */
export const LOCAL_ONLY_MARK = '-- local-only';

/** Tags aos-ts or AO set on every process: not the user's own, so not copied to the published spawn. */
const SYSTEM_TAGS = new Set(['data-protocol', 'variant', 'type', 'name', 'module', 'authority', 'scheduler', 'app-name', 'on-boot', 'sdk']);

export interface SourceEval {
  seq: number;
  code: string;
}

export interface StateMessage {
  seq: number;
  tags: Tag[];
  data?: string;
}

export interface ProcessSource {
  /** Evals after `fromSeq`, in order. */
  evals: SourceEval[];
  /** Evals skipped because they start with `-- local-only`. */
  localOnly: number;
  /** Non-Eval messages from you after `messagesFromSeq` (replayed only with --with-state). */
  messages: StateMessage[];
  /** The last seq of the log when read. */
  lastSeq: number;
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function isLocalOnly(code: string): boolean {
  const first = code.replace(/^\uFEFF/, '').split('\n', 1)[0]!.trim();
  return first.toLowerCase().startsWith(LOCAL_ONLY_MARK);
}

function fromOwner(meta: ProcessMeta, msg: AoMessage): boolean {
  return msg.From === meta.owner && msg.Id !== meta.id && msg.Cron !== true;
}

/** Reads the log: successful, not undone, from the owner (not relayed from another process), after `fromSeq`. */
export function readSource(proc: LocalProcess, fromSeq = 0, messagesFromSeq = fromSeq): ProcessSource {
  const records = [...proc.records(1)] as ProcessRecord[];
  const undone = new Set<number>();
  for (const rec of records) if (rec.kind === 'undo') undone.add(rec.undoes);
  const evals: SourceEval[] = [];
  const messages: StateMessage[] = [];
  let localOnly = 0;
  let lastSeq = 0;
  for (const rec of records) {
    lastSeq = Math.max(lastSeq, rec.seq);
    if (rec.kind !== 'message' || undone.has(rec.seq)) continue;
    if (rec.result.Error !== undefined || rec.origin !== undefined || !fromOwner(proc.meta, rec.msg)) continue;
    if (tagValue(rec.msg.Tags, 'Action') === 'Eval') {
      if (rec.seq <= fromSeq) continue;
      const code = typeof rec.msg.Data === 'string' ? rec.msg.Data : '';
      if (isLocalOnly(code)) localOnly++;
      else if (code.trim() !== '' && !isReadOnlyEval(code)) evals.push({ seq: rec.seq, code }); // a read (`return Counter`) changed nothing
    } else if (rec.seq > messagesFromSeq) {
      const tags = rec.msg.Tags.filter((t) => !['data-protocol', 'variant', 'type'].includes(t.name.toLowerCase()));
      messages.push({ seq: rec.seq, tags, ...(typeof rec.msg.Data === 'string' && rec.msg.Data !== '' ? { data: rec.msg.Data } : {}) });
    }
  }
  return { evals, localOnly, messages, lastSeq: Math.max(lastSeq, proc.lastSeq) };
}

/** Lua long brackets that do not occur in `text`. */
function longString(text: string): string {
  let level = 0;
  while (text.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  // A newline right after the opening bracket is dropped by Lua: add one so the code is kept exactly.
  return `[${eq}[\n${text}]${eq}]`;
}

/**
 * One Lua chunk that runs each Eval as its own chunk, in order, as the local
 * process ran them (so a top-level `return` or `local` in one does not leak
 * into the next). Stops at the first error, naming the Eval.
 */
export function buildBundle(name: string, evals: SourceEval[]): string {
  const parts = [`-- aos-ts publish: the source of "${name}" (${evals.length} Eval${evals.length === 1 ? '' : 's'} from its local log)`];
  for (const e of evals) {
    parts.push(
      `do -- log seq ${e.seq}`,
      `  local chunk, err = load(${longString(e.code)}, "=[aos-ts eval ${e.seq}]", "t", _G)`,
      `  if not chunk then error("published source, Eval at log seq ${e.seq}: " .. tostring(err)) end`,
      '  chunk()',
      'end',
    );
  }
  return `${parts.join('\n')}\n`;
}

/** The user's own tags on the local process (Name and system tags left out). */
export function userTags(meta: ProcessMeta): Tag[] {
  return meta.tags.filter((t) => !SYSTEM_TAGS.has(t.name.toLowerCase()));
}

/** Names of blueprints whose exact source was one of the Evals. */
export function detectBlueprints(evals: SourceEval[], sources: { name: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const b of sources) {
    const want = b.source.trim();
    if (want !== '' && evals.some((e) => e.code.trim() === want) && !found.includes(b.name)) found.push(b.name);
  }
  return found;
}

export interface Manifest {
  app: 'aos-ts';
  kind: 'process-source';
  name: string;
  localProcess: string;
  tags: Tag[];
  blueprints: string[];
  /** sha256 of LocalProcess.stateDigest() when published. */
  stateDigestSha256: string;
  source: { sha256: string; bytes: number; evals: { seq: number; sha256: string }[]; fromSeq: number; toSeq: number };
  withState: boolean;
  /** An update of an earlier publish (the bundle holds only what changed). */
  update: boolean;
  createdAt: string;
}

export function buildManifest(args: {
  meta: ProcessMeta;
  bundle: string;
  evals: SourceEval[];
  blueprints: string[];
  stateDigest: string;
  fromSeq: number;
  toSeq: number;
  withState: boolean;
  update: boolean;
}): Manifest {
  return {
    app: 'aos-ts',
    kind: 'process-source',
    name: args.meta.name,
    localProcess: args.meta.id,
    tags: userTags(args.meta),
    blueprints: args.blueprints,
    stateDigestSha256: sha256(args.stateDigest),
    source: {
      sha256: sha256(args.bundle),
      bytes: Buffer.byteLength(args.bundle),
      evals: args.evals.map((e) => ({ seq: e.seq, sha256: sha256(e.code) })),
      fromSeq: args.fromSeq,
      toSeq: args.toSeq,
    },
    withState: args.withState,
    update: args.update,
    createdAt: new Date().toISOString(),
  };
}
