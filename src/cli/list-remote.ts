// `aos-ts --list --mainnet|--legacy` (aos's --list): the processes your
// wallet owns on AO, found through the gateway's GraphQL (owner = your
// address, Data-Protocol=ao, Type=Process), as aos lists them.
import type { RemoteFlags } from '../remote/settings.js';
import { err, io, out, printJson, runCommand } from './output.js';
import { plainTable as table } from '../text/width.js';

export interface RemoteListOptions extends RemoteFlags {
  json?: boolean;
  quiet?: boolean;
  dataDir?: string;
}

export interface RemoteListEntry {
  name: string | null;
  id: string;
  /** aos's version tag on the spawn, when it has one. */
  version: string | null;
  tags: { name: string; value: string }[];
}

const QUERY = `query ($owners: [String!]!) {
  transactions(owners: $owners, tags: [{ name: "Data-Protocol", values: ["ao"] }, { name: "Type", values: ["Process"] }], first: 100) {
    edges { node { id tags { name value } } }
  }
}`;

export function runRemoteList(opts: RemoteListOptions): Promise<number> {
  return runCommand(async () => {
    const [{ planSettings, describeNetwork }, { loadWallet }, { postJson, retryRead, RemoteError }] = await Promise.all([
      import('../remote/settings.js'),
      import('../remote/wallet.js'),
      import('../remote/http.js'),
    ]);
    const { settings } = await planSettings(opts, undefined, io().env);
    const wallet = await loadWallet(opts.wallet, err);
    const url = `${settings.gatewayUrl}/graphql`;
    const body = (await retryRead(() =>
      postJson(url, { query: QUERY, variables: { owners: [wallet.address] } }).catch((e: unknown) => {
        throw e instanceof RemoteError ? new RemoteError(`listing your processes at ${url} failed: ${e.message}. Check --gateway-url.`, e.exchange) : e;
      }),
    )) as { data?: { transactions?: { edges?: { node?: { id?: unknown; tags?: unknown } }[] } }; errors?: { message?: string }[] };
    if (!body.data?.transactions) {
      const why = body.errors?.map((e) => e.message).join('; ') ?? 'no transactions in the answer';
      throw new RemoteError(`listing your processes at ${url} failed: ${why}. Check --gateway-url.`);
    }
    const entries: RemoteListEntry[] = [];
    for (const edge of body.data.transactions.edges ?? []) {
      const id = edge.node?.id;
      if (typeof id !== 'string' || entries.some((e) => e.id === id)) continue;
      const tags = Array.isArray(edge.node?.tags) ? (edge.node.tags as { name: string; value: string }[]) : [];
      const tag = (name: string) => tags.find((t) => t.name.toLowerCase() === name.toLowerCase())?.value ?? null;
      entries.push({ name: tag('Name'), id, version: tag('aos-Version'), tags });
    }
    if (opts.json) {
      printJson(entries);
      return 0;
    }
    const where = `wallet ${wallet.address} on the ${describeNetwork(settings)}`;
    if (entries.length === 0) {
      out(`No processes are owned by ${where} (asked ${url}).`);
      return 0;
    }
    // aos's version tag, as aos lists it, when any process has one
    const versions = entries.some((e) => e.version !== null);
    const rows = [['NAME', 'ID', ...(versions ? ['VERSION'] : [])]];
    for (const e of entries) rows.push([e.name ?? '(no name)', e.id, ...(versions ? [e.version ?? '-'] : [])]);
    out(`Your processes (${where}):\n${table(rows)}`);
    if (entries.length === 100) out('(the first 100; the gateway answers at most 100 at a time)');
    return 0;
  });
}
