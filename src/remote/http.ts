// What the network said: every request aoconnect makes for a RemoteConnection
// goes through a fetch that notes its URL and HTTP status, so an error can say
// which URL failed and how, whatever aoconnect's own message was.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Exchange {
  url: string;
  method: string;
  status?: number;
  /** The start of the answer body, for errors (never the request). */
  body?: string;
  /** The connection failed before any answer (refused, DNS, reset, timeout). */
  failure?: string;
}

interface Trail {
  last?: Exchange;
}

const trails = new AsyncLocalStorage<Trail>();
const realFetch: typeof fetch = globalThis.fetch.bind(globalThis);

function describeFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the node running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || (err as Error).name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
}

/** fetch that records each exchange in the caller's trail (if any). */
export const recordingFetch: typeof fetch = async (input, init) => {
  const trail = trails.getStore();
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  const exchange: Exchange = { url, method };
  if (trail) trail.last = exchange;
  try {
    const res = await realFetch(input, init);
    exchange.status = res.status;
    if (!res.ok && trail) {
      exchange.body = await res
        .clone()
        .text()
        .then((t) => t.slice(0, 300))
        .catch(() => undefined);
    }
    return res;
  } catch (err) {
    exchange.failure = describeFailure(err);
    throw err;
  }
};

let installed = false;
/** aoconnect's mainnet client calls the global fetch: route it through the recorder (a pass-through for everyone else). */
export function installRecordingFetch(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = recordingFetch;
}

/** Runs `body` with its own trail; returns the result, or throws a RemoteError built from what happened. */
export async function traced<T>(body: () => Promise<T>, describe: (last: Exchange | undefined, err: unknown) => RemoteError): Promise<T> {
  const trail: Trail = {};
  try {
    return await trails.run(trail, body);
  } catch (err) {
    if (err instanceof RemoteError) throw err;
    throw describe(trail.last, err);
  }
}

/** A failure talking to the network, worded for a person: what failed, whether the message went, what to try. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
    /** true: sent; false: not sent; undefined: unknown. */
    readonly sent?: boolean,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** "POST http://x/push answered 500 (body)" / "GET http://x failed: connection refused" / aoconnect's text. */
export function whatFailed(last: Exchange | undefined, err: unknown): string {
  if (last?.failure) return `${last.method} ${last.url} failed: ${last.failure}`;
  if (last?.status !== undefined && last.status >= 400) {
    const body = last.body?.replace(/\s+/g, ' ').trim();
    return `${last.method} ${last.url} answered HTTP ${last.status}${body ? ` (${body.slice(0, 160)})` : ''}`;
  }
  const text = err instanceof Error ? err.message : String(err);
  return last ? `${last.method} ${last.url}: ${text}` : text;
}

/** Did the failure happen before anything reached the server? */
export function neverArrived(last: Exchange | undefined): boolean {
  return last?.failure !== undefined && /refused|not found|bad port/.test(last.failure);
}

/** Reads may be repeated: up to `tries` attempts, waiting 200 ms, 400 ms, 800 ms... between them. Writes never come here. */
export async function retryRead<T>(read: () => Promise<T>, tries = 3, firstDelay = 200): Promise<T> {
  let delay = firstDelay;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= tries || !retryable(err)) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}

function retryable(err: unknown): boolean {
  if (!(err instanceof RemoteError)) return true;
  const status = err.exchange?.status;
  // A 4xx is an answer, not a hiccup; 5xx, 429 and connection failures may pass.
  return status === undefined || status >= 500 || status === 429;
}

/** A plain GET through the recorder, with a timeout; throws the response text's failure as a RemoteError. */
export async function getText(url: string, timeoutMs = 15_000): Promise<string> {
  let res: Response;
  try {
    res = await recordingFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new RemoteError(`GET ${url} failed: ${describeFailure(err)}`, { url, method: 'GET', failure: describeFailure(err) });
  }
  const text = await res.text();
  if (!res.ok) throw new RemoteError(`GET ${url} answered HTTP ${res.status} (${text.replace(/\s+/g, ' ').slice(0, 160)})`, { url, method: 'GET', status: res.status });
  return text;
}

/** POST JSON through the recorder; the parsed answer, or a RemoteError. */
export async function postJson(url: string, body: unknown, timeoutMs = 15_000): Promise<unknown> {
  let res: Response;
  try {
    res = await recordingFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new RemoteError(`POST ${url} failed: ${describeFailure(err)}`, { url, method: 'POST', failure: describeFailure(err) });
  }
  const text = await res.text();
  if (!res.ok) throw new RemoteError(`POST ${url} answered HTTP ${res.status} (${text.replace(/\s+/g, ' ').slice(0, 160)})`, { url, method: 'POST', status: res.status });
  try {
    return JSON.parse(text);
  } catch {
    throw new RemoteError(`POST ${url} answered something that is not JSON (${text.slice(0, 80)})`, { url, method: 'POST', status: res.status });
  }
}
