// The gateway's GraphQL, on the `graphql` package with a schema for the
// queries Arweave gateways answer: `transactions(ids, owners, recipients,
// tags, bundledIn, block, ingested_at, first, after, sort)` and
// `transaction(id)`, with the node / edge / pageInfo / owner / tags / data /
// block shapes. The package is loaded on the first query only (it is only
// needed by `aos-ts serve`).
import type { Tag } from '../engine/types.js';
import type { TxHeader } from './tx-store.js';
import { HttpError } from './http.js';

export interface GqlTx extends TxHeader {
  dataSize: number;
  dataType: string;
  /** The bundle this item was posted in, when it was. */
  bundledIn?: string;
}

export const SCHEMA_SDL = /* GraphQL */ `
  type Query {
    transaction(id: ID!): Transaction
    transactions(
      ids: [ID!]
      owners: [String!]
      recipients: [String!]
      tags: [TagFilter!]
      bundledIn: [ID!]
      block: BlockFilter
      ingested_at: RangeFilter
      first: Int = 10
      after: String
      sort: SortOrder = HEIGHT_DESC
    ): TransactionConnection!
  }
  input TagFilter {
    name: String!
    values: [String!]!
    op: TagOperator = EQ
    match: TagMatch = EXACT
  }
  input BlockFilter {
    min: Int
    max: Int
  }
  input RangeFilter {
    min: Int
    max: Int
  }
  enum TagOperator {
    EQ
    NEQ
  }
  enum TagMatch {
    EXACT
    WILDCARD
    FUZZY_AND
    FUZZY_OR
  }
  enum SortOrder {
    HEIGHT_ASC
    HEIGHT_DESC
    INGESTED_AT_ASC
    INGESTED_AT_DESC
  }
  type TransactionConnection {
    pageInfo: PageInfo!
    edges: [TransactionEdge!]!
    count: String
  }
  type PageInfo {
    hasNextPage: Boolean!
  }
  type TransactionEdge {
    cursor: String!
    node: Transaction!
  }
  type Transaction {
    id: ID!
    anchor: String!
    signature: String!
    recipient: String!
    ingested_at: Int
    owner: Owner!
    fee: Amount!
    quantity: Amount!
    data: MetaData!
    tags: [Tag!]!
    block: Block
    parent: Parent
    bundledIn: Bundle
  }
  type Owner {
    address: String!
    key: String!
  }
  type Amount {
    winston: String!
    ar: String!
  }
  type MetaData {
    size: String!
    type: String
  }
  type Tag {
    name: String!
    value: String!
  }
  type Block {
    id: ID!
    timestamp: Int!
    height: Int!
    previous: ID!
  }
  type Parent {
    id: ID!
  }
  type Bundle {
    id: ID!
  }
`;

type Graphql = typeof import('graphql');
let loaded: Promise<{ gql: Graphql; schema: import('graphql').GraphQLSchema }> | undefined;

function load() {
  loaded ??= import('graphql').then((gql) => ({ gql, schema: gql.buildSchema(SCHEMA_SDL) }));
  return loaded;
}

interface TagFilter {
  name: string;
  values: string[];
  op?: 'EQ' | 'NEQ';
  match?: 'EXACT' | 'WILDCARD' | 'FUZZY_AND' | 'FUZZY_OR';
}

interface TxArgs {
  ids?: string[] | null;
  owners?: string[] | null;
  recipients?: string[] | null;
  tags?: TagFilter[] | null;
  bundledIn?: string[] | null;
  block?: { min?: number | null; max?: number | null } | null;
  ingested_at?: { min?: number | null; max?: number | null } | null;
  first?: number | null;
  after?: string | null;
  sort?: string | null;
}

export const MAX_PAGE = 100;

function node(tx: GqlTx, height: number) {
  return {
    id: tx.id,
    anchor: tx.anchor,
    signature: tx.signature,
    recipient: tx.target,
    ingested_at: Math.floor(tx.timestamp / 1000),
    owner: { address: tx.owner.address, key: tx.owner.key },
    fee: { winston: '0', ar: '0.000000000000' },
    quantity: { winston: '0', ar: '0.000000000000' },
    data: { size: String(tx.dataSize), type: tx.dataType },
    tags: tx.tags,
    block: { id: `local-block-${height}`, height, timestamp: Math.floor(tx.timestamp / 1000), previous: `local-block-${Math.max(height - 1, 0)}` },
    parent: tx.bundledIn ? { id: tx.bundledIn } : null,
    bundledIn: tx.bundledIn ? { id: tx.bundledIn } : null,
  };
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`);
}

function tagMatches(tx: GqlTx, f: TagFilter): boolean {
  const { name, values } = f;
  let has: boolean;
  if (f.match === 'WILDCARD') {
    const res = values.map(wildcard);
    has = tx.tags.some((t) => t.name === name && res.some((r) => r.test(t.value)));
  } else if (f.match === 'FUZZY_AND' || f.match === 'FUZZY_OR') {
    const words = (t: Tag) => t.value.toLowerCase();
    const wanted = values.map((v) => v.toLowerCase());
    const named = tx.tags.filter((t) => t.name === name).map(words);
    has = f.match === 'FUZZY_AND' ? wanted.every((w) => named.some((v) => v.includes(w))) : wanted.some((w) => named.some((v) => v.includes(w)));
  } else has = tx.tags.some((t) => t.name === name && values.includes(t.value));
  return f.op === 'NEQ' ? !has : has;
}

/** The page of `transactions(...)` for these arguments: pure, for tests and the resolver. */
export function selectTransactions(all: GqlTx[], args: TxArgs, heightOf: (ts: number) => number) {
  const ids = args.ids ? new Set(args.ids) : undefined;
  const owners = args.owners ? new Set(args.owners) : undefined;
  const recipients = args.recipients ? new Set(args.recipients) : undefined;
  const bundles = args.bundledIn ? new Set(args.bundledIn) : undefined;
  const tagFilters = args.tags ?? [];
  const first = Math.min(Math.max(args.first ?? 10, 0), MAX_PAGE);
  const sort = args.sort ?? 'HEIGHT_DESC';
  const { block, ingested_at: ingested } = args;
  let txs = all.filter((tx) => {
    if (ids && !ids.has(tx.id)) return false;
    if (owners && !owners.has(tx.owner.address)) return false;
    if (recipients && !recipients.has(tx.target)) return false;
    if (bundles && !(tx.bundledIn !== undefined && bundles.has(tx.bundledIn))) return false;
    if (block) {
      const h = heightOf(tx.timestamp);
      if (block.min != null && h < block.min) return false;
      if (block.max != null && h > block.max) return false;
    }
    if (ingested) {
      const s = Math.floor(tx.timestamp / 1000);
      if (ingested.min != null && s < ingested.min) return false;
      if (ingested.max != null && s > ingested.max) return false;
    }
    return tagFilters.every((f) => tagMatches(tx, f));
  });
  const asc = sort === 'HEIGHT_ASC' || sort === 'INGESTED_AT_ASC';
  // Stable: equal timestamps keep the order things were accepted in.
  txs = txs.map((tx, i) => ({ tx, i })).sort((a, b) => (asc ? a.tx.timestamp - b.tx.timestamp || a.i - b.i : b.tx.timestamp - a.tx.timestamp || b.i - a.i)).map((x) => x.tx);
  if (args.after) {
    const afterId = Buffer.from(args.after, 'base64url').toString('utf8');
    const at = txs.findIndex((t) => t.id === afterId);
    if (at < 0) throw new Error(`the cursor "${args.after.slice(0, 60)}" is not one this node gave out; start again without \`after\``);
    txs = txs.slice(at + 1);
  }
  const page = txs.slice(0, first);
  return {
    count: String(txs.length),
    pageInfo: { hasNextPage: txs.length > first },
    edges: page.map((tx) => ({ cursor: Buffer.from(tx.id).toString('base64url'), node: node(tx, heightOf(tx.timestamp)) })),
  };
}

/** Answer a GraphQL request body `{ query, variables, operationName }` as a gateway does. */
export async function runGraphql(body: Record<string, unknown>, all: () => GqlTx[], heightOf: (ts: number) => number): Promise<{ status: number; body: unknown }> {
  const query = body.query;
  if (typeof query !== 'string' || query.trim() === '') throw new HttpError(400, 'the body needs a GraphQL `query` string (JSON: { query, variables })');
  const variables = body.variables && typeof body.variables === 'object' && !Array.isArray(body.variables) ? (body.variables as Record<string, unknown>) : undefined;
  const operationName = typeof body.operationName === 'string' && body.operationName !== '' ? body.operationName : undefined;
  const { gql, schema } = await load();
  let document;
  try {
    document = gql.parse(query);
  } catch (err) {
    const message = (err as Error).message;
    return { status: 400, body: { error: `GraphQL query not understood: ${message}`, errors: [{ message }] } };
  }
  const invalid = gql.validate(schema, document);
  if (invalid.length > 0) {
    const error = `GraphQL query not answerable here: ${invalid[0]!.message} (this gateway answers transactions(...) and transaction(id))`;
    return { status: 400, body: { error, errors: invalid.map((e) => ({ message: e.message, locations: e.locations })) } };
  }
  let txs: GqlTx[] | undefined;
  const everything = () => (txs ??= all());
  const rootValue = {
    transaction: ({ id }: { id: string }) => {
      const tx = everything().find((t) => t.id === id);
      return tx ? node(tx, heightOf(tx.timestamp)) : null;
    },
    transactions: (args: TxArgs) => selectTransactions(everything(), args, heightOf),
  };
  const result = await gql.execute({ schema, document, rootValue, variableValues: variables, operationName });
  if (!result.errors) return { status: 200, body: { data: result.data } };
  // Errors before execution (bad variables, unknown operation) are the request's fault.
  const status = result.data == null ? 400 : 200;
  const errors = result.errors.map((e) => ({ message: e.message, path: e.path }));
  return { status, body: status === 400 ? { error: errors[0]!.message, data: null, errors } : { data: result.data, errors } };
}
