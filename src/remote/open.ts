// Opening a remote process by name or id: the id from the cache, else from
// the gateway's GraphQL (processes this wallet owns with that Name), else a
// new process (after asking, or with --yes). A process just spawned is
// remembered at once, so a gateway that has not indexed it yet never causes a
// second spawn.
import { isId } from '../local/ids.js';
import { createClient, type Client } from './client.js';
import { getText, neverArrived, postJson, RemoteError, retryRead, traced, whatFailed } from './http.js';
import { RemoteConnection } from './remote-connection.js';
import { DEFAULT_MODULE, describeNetwork, LEGACY_DEFAULTS, networkKey, type NetworkSettings } from './settings.js';
import { RemoteStore } from './store.js';
import type { Wallet } from './wallet.js';

export class LookupError extends Error {}

export interface OpenRemoteOptions {
  settings: NetworkSettings;
  wallet: Wallet;
  /** A process name or a 43-character id. */
  target: string;
  dataDir: string;
  /** Spawn without asking when no process has the name. */
  yes?: boolean;
  /** Ask a person (a terminal). Without it, a question becomes an error saying what to pass. */
  ask?: (question: string) => Promise<string>;
  notice?: (text: string) => void;
  pollMs?: number;
  /** aos's spawn flags (--tag-name/--tag-value, --cron, --data): used only if a process is spawned now. */
  spawn?: SpawnExtras;
}

/** What a new process gets besides App-Name and Name: tags (aos's order) and Data. */
export interface SpawnExtras {
  tags: { name: string; value: string }[];
  data?: string;
}

const PROCESS_QUERY = `query ($owners: [String!]!, $names: [String!]!) {
  transactions(owners: $owners, tags: [{ name: "Data-Protocol", values: ["ao"] }, { name: "Type", values: ["Process"] }, { name: "Name", values: $names }], first: 100) {
    edges { node { id tags { name value } } }
  }
}`;

export async function openRemote(opts: OpenRemoteOptions): Promise<RemoteConnection & { created: boolean }> {
  const notice = opts.notice ?? (() => undefined);
  const client = await createClient(opts.settings, opts.wallet);
  const store = new RemoteStore(opts.dataDir);
  const { id, name, created } = await findOrSpawn(client, store, opts);
  const conn = new RemoteConnection({ client, store, process: { id, name }, pollMs: opts.pollMs, onNotice: notice }) as RemoteConnection & { created: boolean };
  conn.created = created;
  return conn;
}

export async function findOrSpawn(client: Client, store: RemoteStore, opts: OpenRemoteOptions): Promise<{ id: string; name: string; created: boolean }> {
  const { settings, wallet, target } = opts;
  if (isId(target)) return { id: target, name: target, created: false };
  const net = networkKey(settings);
  const cached = store.cachedId(net, wallet.address, target);
  if (cached) return { id: cached, name: target, created: false };

  const ids = await findByName(settings.gatewayUrl, wallet.address, target);
  if (ids.length === 1) {
    store.remember(net, wallet.address, target, ids[0]!);
    return { id: ids[0]!, name: target, created: false };
  }
  if (ids.length > 1) {
    const id = await choose(ids, target, opts);
    store.remember(net, wallet.address, target, id);
    return { id, name: target, created: false };
  }
  const where = `wallet ${wallet.address} on the ${describeNetwork(settings)}`;
  if (!opts.yes) {
    if (!opts.ask) throw new LookupError(`no process named "${target}" is owned by ${where}. Pass --yes to spawn one, or give its 43-character id.`);
    const answer = (await opts.ask(`No process named "${target}" is owned by ${where}. Spawn one? [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new LookupError(`nothing was spawned. Give the id of an existing process, or answer y to spawn "${target}".`);
  }
  (opts.notice ?? (() => undefined))(`spawning "${target}" on the ${describeNetwork(settings)}...`);
  const id = await spawnProcess(client, target, opts.spawn);
  store.remember(net, wallet.address, target, id);
  return { id, name: target, created: true };
}

/** The ids of processes `owner` spawned with this Name (the name travels as a GraphQL variable). */
export async function findByName(gatewayUrl: string, owner: string, name: string): Promise<string[]> {
  const url = `${gatewayUrl}/graphql`;
  const body = (await retryRead(() => postJson(url, { query: PROCESS_QUERY, variables: { owners: [owner], names: [name] } }).catch((err: unknown) => {
    throw err instanceof RemoteError ? new RemoteError(`looking up the process "${name}" failed: ${err.message}. Check --gateway-url, or give the process id instead of its name.`, err.exchange) : err;
  }))) as { data?: { transactions?: { edges?: { node?: { id?: unknown } }[] } }; errors?: { message?: string }[] };
  if (!body.data?.transactions) {
    const why = body.errors?.map((e) => e.message).join('; ') ?? 'no transactions in the answer';
    throw new RemoteError(`looking up the process "${name}" at ${url} failed: ${why}. Check --gateway-url, or give the process id instead of its name.`);
  }
  const ids: string[] = [];
  for (const e of body.data.transactions.edges ?? []) {
    const id = e.node?.id;
    if (typeof id === 'string' && isId(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

async function choose(ids: string[], name: string, opts: OpenRemoteOptions): Promise<string> {
  const list = ids.map((id, i) => `  ${i + 1}. ${id}`).join('\n');
  if (!opts.ask) {
    throw new LookupError(`${ids.length} processes named "${name}" are owned by this wallet:\n${list}\nRun again with the id of the one you want instead of the name.`);
  }
  for (;;) {
    const answer = (await opts.ask(`Several processes are named "${name}":\n${list}\nWhich one? [1-${ids.length}] `)).trim();
    const n = Number(answer);
    if (Number.isInteger(n) && n >= 1 && n <= ids.length) return ids[n - 1]!;
    if (answer === '') throw new LookupError('no process chosen. Run again and pick a number, or pass the id.');
  }
}

/** What the node says to spawn with (an `aos-ts serve` names its module and scheduler at GET /). */
async function nodeDefaults(url: string): Promise<{ module?: string; scheduler?: string }> {
  try {
    const info = JSON.parse(await getText(`${url}/`, 5000)) as { module?: unknown; scheduler?: unknown };
    return {
      module: typeof info.module === 'string' && isId(info.module) ? info.module : undefined,
      scheduler: typeof info.scheduler === 'string' && isId(info.scheduler) ? info.scheduler : undefined,
    };
  } catch {
    return {};
  }
}

/** A new aos process named `name`. A write: never repeated. */
export async function spawnProcess(client: Client, name: string, extras: SpawnExtras = { tags: [] }): Promise<string> {
  const { settings, ao, signer } = client;
  const probed = settings.module && (settings.mode === 'mainnet' || settings.scheduler) ? {} : await nodeDefaults(settings.mode === 'mainnet' ? settings.url : settings.muUrl);
  const module = settings.module ?? probed.module ?? DEFAULT_MODULE;
  const tags = [
    { name: 'App-Name', value: 'aos' },
    { name: 'Name', value: name },
    ...extras.tags,
    { name: 'Authority', value: settings.authority ?? (settings.mode === 'legacy' ? LEGACY_DEFAULTS.authority : '') },
  ].filter((t) => t.value !== '');
  const data = extras.data !== undefined ? { data: extras.data } : {};
  const id = await traced(
    () =>
      settings.mode === 'mainnet'
        ? ao.spawn({ module, tags, ...data, ...(settings.authority ? { authority: settings.authority } : {}) })
        : ao.spawn({ module, scheduler: settings.scheduler ?? probed.scheduler ?? LEGACY_DEFAULTS.scheduler, signer, tags, ...data }),
    (last, err) =>
      new RemoteError(
        `spawning "${name}" failed: ${whatFailed(last, err)}. ${neverArrived(last) ? 'Nothing was spawned.' : 'It may not have been spawned.'} ` +
          `Check the network settings (and --module/--scheduler), then try again.`,
        last,
      ),
  );
  if (typeof id !== 'string' || !isId(id)) throw new RemoteError(`spawning "${name}" returned no process id (got ${JSON.stringify(id)?.slice(0, 60)}). Check the node, then try again.`);
  return id;
}

