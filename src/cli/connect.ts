// Which process a command means, and a Connection to it: local (the default),
// remote (--mainnet/--legacy, or an id that is not local), or the published
// copy of a local process (--remote). The only module that decides this.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalConnection } from '../local/local-connection.js';
import type { HeldConnection } from './held.js';
import { isId } from '../local/ids.js';
import { resolveDataDir } from '../local/paths.js';
import { isRemoteRequested, type RemoteFlags } from '../remote/settings.js';
import type { RemoteConnection } from '../remote/remote-connection.js';
import { trace } from '../text/trace.js';
import { ask, canAsk, err, io, noticeWriter, UsageError } from './output.js';
import { engineOptions, type MainOptions } from './options.js';

export type Side = { kind: 'local'; name: string } | { kind: 'remote'; target: string; flags: RemoteFlags };

export interface WhereOptions extends MainOptions, RemoteFlags {
  local?: boolean;
  remote?: boolean;
}

/**
 * Remote when --mainnet/--legacy is given, or for a 43-character id that is
 * not a local process. Everything else stays local (the default).
 */
export function wantsRemote(name: string, opts: { dataDir?: string } & RemoteFlags): boolean {
  if (isRemoteRequested(opts)) return true;
  return isId(name) && !existsSync(join(resolveDataDir(opts.dataDir), 'processes', name));
}

/**
 * Local or remote, and with which flags; says (once) when a local process has
 * a published copy. (--local with --remote is refused by the option declarations.)
 */
export async function decide(name: string, opts: WhereOptions): Promise<Side> {
  if ((opts.muUrl !== undefined || opts.cuUrl !== undefined) && !isRemoteRequested(opts)) {
    const flag = opts.muUrl !== undefined ? '--mu-url' : '--cu-url';
    throw new UsageError(`${flag} is for a process on the legacy AO network; add --legacy (without it, "${name}" would be a local process and ${flag} would do nothing).`);
  }
  if (opts.remote || (!opts.local && !isRemoteRequested(opts) && !isId(name))) {
    const { findPublished, flagsFor, publishedNotice } = await import('../publish/published.js');
    const published = findPublished(resolveDataDir(opts.dataDir), name);
    if (opts.remote) {
      if (!published) {
        throw new UsageError(`"${name}" has not been published, so there is no remote copy to open. Run \`aos-ts publish ${name}\` first.`);
      }
      return { kind: 'remote', target: published.id, flags: { ...opts, ...(isRemoteRequested(opts) ? {} : flagsFor(published)) } };
    }
    if (published && !opts.quiet) err(publishedNotice(name, published));
  }
  if (!opts.local && !isRemoteRequested(opts) && isId(name)) {
    // the published copy of a local process (its folder is here when a local node serves it): open it where it was published
    const { findPublishedCopyOf, flagsFor } = await import('../publish/published.js');
    const original = findPublishedCopyOf(resolveDataDir(opts.dataDir), name);
    if (original) {
      const where = original.mode === 'legacy' ? `legacy AO (MU ${original.muUrl})` : `the node ${original.url}`;
      if (!opts.quiet) err(`${name} is the published copy of the local process "${original.name}": opening it on ${where}. (\`aos-ts ${original.name}\` opens the local process.)`);
      return { kind: 'remote', target: name, flags: { ...opts, ...flagsFor(original) } };
    }
  }
  if (wantsRemote(name, opts)) return { kind: 'remote', target: name, flags: opts };
  return { kind: 'local', name };
}

/**
 * A local process in this thread (for --run, piped Lua and scripts); created when missing.
 * One that another aos-ts holds (a shell, serve) is reached through that program's mailbox.
 */
export async function openLocal(name: string, opts: MainOptions): Promise<LocalConnection | HeldConnection> {
  const notice = noticeWriter(opts);
  const [{ LocalNetwork }, { LocalConnection }, { ProcessLockedError }] = await Promise.all([
    import('../local/network.js'),
    import('../local/local-connection.js'),
    import('../local/lock.js'),
  ]);
  const network = new LocalNetwork(resolveDataDir(opts.dataDir), { engine: engineOptions(opts), onNotice: notice });
  try {
    try {
      const { process, created } = await network.openOrSpawn(name);
      if (created) notice(`created local process "${process.name}" (${process.id})`);
      return new LocalConnection(network, process);
    } catch (e) {
      if (!(e instanceof ProcessLockedError)) throw e;
      trace('held by another program');
      const id = network.resolve(name);
      if (id === undefined) throw e;
      const [{ HeldConnection }, view] = await Promise.all([import('./held.js'), network.readOnly(id)]);
      notice(`"${view.name}" is open in another aos-ts${e.holderPid !== undefined ? ` (pid ${e.holderPid})` : ''}: it handles this there, and its result shows here.`);
      return new HeldConnection(network, view);
    }
  } catch (e) {
    await network.close();
    throw e;
  }
}

export interface RemoteOpenOptions extends RemoteFlags {
  /** Tags and Data for a process spawned now (aos's --tag-name/--tag-value, --cron, --data). */
  spawn?: import('../remote/open.js').SpawnExtras;
  quiet?: boolean;
  color?: boolean;
  dataDir?: string;
}

/** A process on AO by name or id; asks before spawning only when a person can answer. */
export async function openRemoteConnection(target: string, opts: RemoteOpenOptions, interactive: boolean): Promise<RemoteConnection & { created: boolean }> {
  const [{ planSettings, describeNetwork }, { loadWallet }, { openRemote }] = await Promise.all([
    import('../remote/settings.js'),
    import('../remote/wallet.js'),
    import('../remote/open.js'),
  ]);
  const notice = noticeWriter(opts);
  const { settings, remember } = await planSettings(opts, undefined, io().env);
  const wallet = await loadWallet(opts.wallet, err);
  trace('wallet ready');
  const conn = await openRemote({
    settings,
    wallet,
    target,
    dataDir: resolveDataDir(opts.dataDir),
    yes: opts.yes,
    spawn: opts.spawn,
    ask: interactive && canAsk() ? ask : undefined,
    notice,
  });
  trace('remote process found');
  if (conn.created) notice(`spawned "${target}" on the ${describeNetwork(settings)}: ${conn.info().id}`);
  rememberOnAnswer(conn, remember);
  return conn;
}

/**
 * The URLs given now become the next run's defaults only once the network
 * answered: after the first call that succeeded (a URL that failed to connect
 * is never remembered).
 */
function rememberOnAnswer(conn: RemoteConnection, remember: () => void): void {
  let done = false;
  const once = (): void => {
    if (!done) {
      done = true;
      remember();
    }
  };
  const target = conn as unknown as Record<string, unknown>;
  for (const method of ['eval', 'send', 'dryrun', 'prompt', 'inspect'] as const) {
    const original = (conn[method] as (...args: unknown[]) => Promise<unknown>).bind(conn);
    target[method] = async (...args: unknown[]) => {
      const value = await original(...args);
      once();
      return value;
    };
  }
}
