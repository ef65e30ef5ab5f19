// Small HTTP helpers shared by the node's routes.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error a client caused (or must handle): answered as `status` with JSON `{ error }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Req {
  method: string;
  /** Path as sent, not decoded (mainnet paths carry `~`, `=`, `&`). */
  path: string;
  query: URLSearchParams;
  /** The query string as sent (without `?`). */
  rawQuery?: string;
  headers: IncomingMessage['headers'];
  body: () => Promise<Buffer>;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the request body is over the node's limit of ${limit} bytes; send less data (or start aos-ts serve with a larger --max-body)`);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string | Buffer, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  const body = typeof text === 'string' ? Buffer.from(text) : text;
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers });
  res.end(body);
}

export async function readJson(req: Req): Promise<Record<string, unknown>> {
  const raw = (await req.body()).toString('utf8');
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON; send a JSON object');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}
