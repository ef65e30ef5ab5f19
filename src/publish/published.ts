// What the main command needs to know about a published process, read from
// the process folders alone (no engine, no lock, no aoconnect).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspectProcessFolder, type ProcessMeta, type PublishedRemote } from '../local/process-meta.js';
import type { RemoteFlags } from '../remote/settings.js';

/** The metadata of every sound local process in the data folder (a damaged one is reported when it is opened). */
function localMetas(dataDir: string): ProcessMeta[] {
  let entries: string[];
  try {
    entries = readdirSync(join(dataDir, 'processes'));
  } catch {
    return [];
  }
  const metas: ProcessMeta[] = [];
  for (const entry of entries) {
    const seen = inspectProcessFolder(join(dataDir, 'processes', entry));
    if (seen.state === 'process') metas.push(seen.meta);
  }
  return metas;
}

/** The published side of the local process named (or with the id) `nameOrId`, if it has one. */
export function findPublished(dataDir: string, nameOrId: string): (PublishedRemote & { id: string; name: string }) | undefined {
  for (const meta of localMetas(dataDir)) {
    if (meta.name !== nameOrId && meta.id !== nameOrId) continue;
    if (meta.remote?.id) return { ...meta.remote, id: meta.remote.id, name: meta.name };
  }
  return undefined;
}

/**
 * The local process whose published copy has this id (publishing through an
 * `aos-ts serve` on the same data folder leaves the copy here as a folder too).
 */
export function findPublishedCopyOf(dataDir: string, id: string): (PublishedRemote & { id: string; name: string }) | undefined {
  for (const meta of localMetas(dataDir)) {
    if (meta.id !== id && meta.remote?.id === id) return { ...meta.remote, id, name: meta.name };
  }
  return undefined;
}

/** The network flags that reach a published process again. */
export function flagsFor(p: PublishedRemote): RemoteFlags {
  if (p.mode === 'legacy') return { legacy: true, muUrl: p.muUrl, cuUrl: p.cuUrl, gatewayUrl: p.gatewayUrl };
  return { mainnet: p.url ?? true, ...(p.gatewayUrl && p.gatewayUrl !== p.url ? { gatewayUrl: p.gatewayUrl } : {}) };
}

/** "is published on AO as <id> (...)": what `aos-ts <name>` says about it. */
export function publishedNotice(name: string, p: PublishedRemote & { id: string }): string {
  const where = p.mode === 'legacy' ? `legacy AO (MU ${p.muUrl})` : `AO mainnet (${p.url})`;
  return `"${name}" is published on ${where} as ${p.id}. This opens the local process (--local); \`aos-ts ${name} --remote\` opens the published one.`;
}
