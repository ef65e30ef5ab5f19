// The gateway's GraphQL, for the query shapes aoconnect, aos and front ends
// send: `transactions(ids, owners, recipients, tags, first, after, sort)` and
// `transaction(id)`. A small parser reads the arguments of the first field;
// every node is answered with all of its fields (extra fields are harmless).
import type { Tag } from '../engine/types.js';
import { HttpError } from './http.js';

type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface GqlTx {
  id: string;
  owner: { address: string; key: string };
  target: string;
  anchor: string;
  signature: string;
  tags: Tag[];
  dataSize: number;
  dataType: string;
  timestamp: number;
}

class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly variables: Record<string, unknown>,
  ) {}

  private ws(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === '#') {
        while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      } else if (c !== undefined && /[\s,]/.test(c)) this.at++;
      else return;
    }
  }

  private name(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!m) throw this.error('a name');
    this.at += m[0].length;
    return m[0];
  }

  private error(what: string): HttpError {
    return new HttpError(400, `GraphQL query not understood: expected ${what} at character ${this.at}; this node answers transactions(...) and transaction(id: ...) queries`);
  }

  value(): Value {
    this.ws();
    const c = this.text[this.at];
    if (c === '$') {
      this.at++;
      const v = this.variables[this.name()];
      return (v === undefined ? null : v) as Value;
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.at));
      if (!m) throw this.error('a closed string');
      this.at += m[0].length;
      return JSON.parse(m[0]) as string;
    }
    if (c === '[') {
      this.at++;
      const list: Value[] = [];
      for (;;) {
        this.ws();
        if (this.text[this.at] === ']') {
          this.at++;
          return list;
        }
        list.push(this.value());
      }
    }
    if (c === '{') {
      this.at++;
      const obj: Record<string, Value> = {};
      for (;;) {
        this.ws();
        if (this.text[this.at] === '}') {
          this.at++;
          return obj;
        }
        const key = this.name();
        this.ws();
        if (this.text[this.at] !== ':') throw this.error('":"');
        this.at++;
        obj[key] = this.value();
      }
    }
    const num = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.at));
    if (num) {
      this.at += num[0].length;
      return Number(num[0]);
    }
    const word = this.name();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return word; // an enum such as HEIGHT_DESC
  }

  /** The first field inside the operation's selection set, with its arguments. */
  firstField(): { name: string; args: Record<string, Value> } {
    const open = this.text.indexOf('{');
    if (open < 0) throw this.error('"{"');
    this.at = open + 1;
    this.ws();
    let name = this.name();
    this.ws();
    if (this.text[this.at] === ':') {
      // alias: name
      this.at++;
      this.ws();
      name = this.name();
      this.ws();
    }
    const args: Record<string, Value> = {};
    if (this.text[this.at] === '(') {
      this.at++;
      for (;;) {
        this.ws();
        if (this.text[this.at] === ')') {
          this.at++;
          break;
        }
        if (this.at >= this.text.length) throw this.error('")"');
        const key = this.name();
        this.ws();
        if (this.text[this.at] !== ':') throw this.error('":"');
        this.at++;
        args[key] = this.value();
      }
    }
    return { name, args };
  }
}

function strings(v: Value | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => String(x));
}

function node(tx: GqlTx, height: number) {
  return {
    id: tx.id,
    anchor: tx.anchor,
    signature: tx.signature,
    recipient: tx.target,
    owner: { address: tx.owner.address, key: tx.owner.key },
    fee: { winston: '0', ar: '0.000000000000' },
    quantity: { winston: '0', ar: '0.000000000000' },
    data: { size: String(tx.dataSize), type: tx.dataType },
    tags: tx.tags,
    block: { id: `local-block-${height}`, height, timestamp: Math.floor(tx.timestamp / 1000), previous: '' },
    parent: null,
    bundledIn: null,
  };
}

export function runGraphql(body: Record<string, unknown>, all: () => GqlTx[], heightOf: (ts: number) => number): unknown {
  const query = body.query;
  if (typeof query !== 'string' || query.trim() === '') throw new HttpError(400, 'the body needs a GraphQL `query` string (JSON: { query, variables })');
  const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
  const { name, args } = new Parser(query, variables).firstField();
  if (name === 'transaction') {
    const id = String(args.id ?? '');
    const tx = all().find((t) => t.id === id);
    return { data: { transaction: tx ? node(tx, heightOf(tx.timestamp)) : null } };
  }
  if (name !== 'transactions') throw new HttpError(400, `GraphQL field "${name}" is not served here; this node answers transactions(...) and transaction(id: ...)`);
  const ids = strings(args.ids);
  const owners = strings(args.owners);
  const recipients = strings(args.recipients);
  const tagFilters = Array.isArray(args.tags) ? (args.tags as Value[]) : [];
  const first = Math.min(Math.max(Number(args.first ?? 10) || 10, 1), 100);
  const sort = String(args.sort ?? 'HEIGHT_DESC');
  let txs = all().filter((tx) => {
    if (ids && !ids.includes(tx.id)) return false;
    if (owners && !owners.includes(tx.owner.address)) return false;
    if (recipients && !recipients.includes(tx.target)) return false;
    for (const f of tagFilters) {
      if (!f || typeof f !== 'object' || Array.isArray(f)) continue;
      const fname = String(f.name ?? '');
      const values = strings(f.values ?? f.value) ?? [];
      const op = String(f.op ?? 'EQ');
      const has = tx.tags.some((t) => t.name === fname && values.includes(t.value));
      if (op === 'NEQ' ? has : !has) return false;
    }
    return true;
  });
  txs = txs.sort((a, b) => (sort === 'HEIGHT_ASC' ? a.timestamp - b.timestamp : b.timestamp - a.timestamp));
  if (typeof args.after === 'string' && args.after !== '') {
    const afterId = Buffer.from(args.after, 'base64url').toString('utf8');
    const at = txs.findIndex((t) => t.id === afterId);
    if (at >= 0) txs = txs.slice(at + 1);
  }
  const page = txs.slice(0, first);
  return {
    data: {
      transactions: {
        pageInfo: { hasNextPage: txs.length > first },
        edges: page.map((tx) => ({ cursor: Buffer.from(tx.id).toString('base64url'), node: node(tx, heightOf(tx.timestamp)) })),
      },
    },
  };
}
