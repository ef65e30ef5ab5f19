// `aos-ts serve`: one HTTP server that plays the AO units (MU, CU, SU), an
// Arweave gateway and a HyperBEAM-style node over the local processes of one
// data folder, so the unmodified aoconnect and web front ends work offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalNetwork, type NetworkOptions } from '../local/network.js';
import { gatewayRoute } from './gateway.js';
import { DEVICES, hyperbeamRoute } from './hyperbeam/route.js';
import { requestScope, ServedContext } from './served-context.js';
import { HttpError, readBody, sendJson, type Req } from './http.js';
import { legacyRoute } from './legacy.js';
import { mainnetRoute } from './mainnet.js';
import { StoreWriteError } from '../local/fsync.js';
import { StoreError } from '../local/store-error.js';

export const DEFAULT_PORT = 8734;
export const DEFAULT_HOST = '127.0.0.1';
/** Largest request body accepted (bytes). */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export interface NodeOptions {
  /** Use this network (the caller closes it), or open one on `dataDir`. */
  network?: LocalNetwork;
  dataDir?: string;
  networkOptions?: NetworkOptions;
  port?: number;
  host?: string;
  maxBody?: number;
  /** Browser origins allowed besides loopback ones (`*` allows every origin). */
  cors?: string[];
  /** Unsigned dry-runs may not act as the owner (or an authority) of the process. */
  strict?: boolean;
  /** Longest a request may take before it is answered 504 (ms). */
  deadlineMs?: number;
  /** Run dry-runs in this thread instead of a worker (tests of the in-thread path). */
  inlineDryruns?: boolean;
  /** One line per request (the access log), when set. */
  accessLog?: (line: string) => void;
  /** Notices such as "bound to a public address". */
  onNotice?: (text: string) => void;
}

export interface RunningNode {
  url: string;
  port: number;
  host: string;
  context: ServedContext;
  server: Server;
  close(): Promise<void>;
}

export const DEFAULT_DEADLINE_MS = 30_000;
/** How long close() lets requests in flight finish before it cuts them off. */
const CLOSE_GRACE_MS = 2_000;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** Whether a browser origin (`http://localhost:3000`) is on this machine. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    return isLoopback(u.hostname) || u.hostname.endsWith('.localhost');
  } catch {
    return false;
  }
}

interface Policy {
  cors: Set<string>;
  anyOrigin: boolean;
  loopbackOnly: boolean;
  maxBody: number;
  deadlineMs: number;
  accessLog?: (line: string) => void;
}

export async function startNode(opts: NodeOptions = {}): Promise<RunningNode> {
  const ownNetwork = !opts.network;
  if (!opts.network && !opts.dataDir) throw new Error('startNode needs a network or a dataDir');
  const network = opts.network ?? new LocalNetwork(opts.dataDir!, opts.networkOptions);
  // A node stays up: its processes get their cron ticks and mail from other programs.
  if (ownNetwork) network.start();
  const ctx = new ServedContext(network, { strict: opts.strict, inlineDryruns: opts.inlineDryruns, deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS, engine: opts.networkOptions?.engine });
  const host = opts.host ?? DEFAULT_HOST;
  const policy: Policy = {
    cors: new Set((opts.cors ?? []).map((o) => o.replace(/\/+$/, ''))),
    anyOrigin: (opts.cors ?? []).includes('*'),
    loopbackOnly: isLoopback(host),
    maxBody: opts.maxBody ?? DEFAULT_MAX_BODY,
    deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS,
    accessLog: opts.accessLog,
  };

  const server = createServer((req, res) => {
    void handle(ctx, policy, req, res);
  });
  // Longer than clients keep idle sockets, so a reused socket is never one the server just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  ctx.baseUrl = url;
  if (!isLoopback(host)) {
    opts.onNotice?.(
      `warning: aos-ts serve is listening on ${host}, reachable from other machines; anyone who can reach it can spawn and message your local processes. Use --host 127.0.0.1 to keep it local.`,
    );
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    context: ctx,
    server,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests still running get a short grace, then their sockets are cut.
        const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await ctx.close();
        if (ownNetwork) await network.close();
      })();
      return closing;
    },
  };
}

/** The origin of a browser request, when it is one this node grants. */
function allowedOrigin(policy: Policy, origin: string): boolean {
  return policy.anyOrigin || policy.cors.has(origin) || isLoopbackOrigin(origin);
}

async function handle(ctx: ServedContext, policy: Policy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = req.url ?? '/';
  if (policy.accessLog) {
    res.once('finish', () => {
      policy.accessLog!(`${new Date().toISOString()} ${method} ${raw.slice(0, 200)} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
  }
  res.setHeader('access-control-expose-headers', '*');
  res.setHeader('vary', 'Origin');
  let timer: NodeJS.Timeout | undefined;
  try {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigin(policy, origin)) {
        // No CORS grant, and nothing runs: a page elsewhere may not use the node (simple requests included).
        throw new HttpError(403, `requests from the web page origin ${origin.slice(0, 80)} are refused; start aos-ts serve with --cors ${origin.slice(0, 80)} to allow it`);
      }
      res.setHeader('access-control-allow-origin', origin);
    }
    if (policy.loopbackOnly && !hostIsLocal(req.headers.host)) {
      // A DNS-rebinding page reaches 127.0.0.1 under its own name.
      throw new HttpError(403, `the Host header "${String(req.headers.host).slice(0, 80)}" is not this machine; aos-ts serve answers only requests addressed to localhost`);
    }
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    checkEncoding(path);
    let body: Promise<Buffer> | undefined;
    const r: Req = {
      method,
      path,
      query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
      rawQuery: q < 0 ? '' : raw.slice(q + 1),
      headers: req.headers,
      body: () => (body ??= readBody(req, policy.maxBody)),
    };
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && path === '/' && q < 0) {
      sendJson(res, 200, rootInfo(ctx));
      return;
    }
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpError(504, `the request took longer than ${policy.deadlineMs} ms and was given up (a process busy or stuck?); a message you sent may still run`)),
        policy.deadlineMs,
      );
    });
    const unsigned = method === 'POST' && /^\/dry-run\/?$/.test(path);
    const work = requestScope.run({ unsigned, deadlineMs: policy.deadlineMs }, () => route(ctx, r, res, req));
    work.catch(() => undefined); // answered by the race below; a late failure is not unhandled
    await Promise.race([work, deadline]);
  } catch (err) {
    const { status, message } = describeError(err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 413 || status === 504) res.setHeader('connection', 'close');
    sendJson(res, status, { error: message });
    if (!req.complete) req.resume();
  } finally {
    clearTimeout(timer);
  }
}

async function route(ctx: ServedContext, r: Req, res: ServerResponse, req: IncomingMessage): Promise<void> {
  if (r.method === 'POST' && !isSafeContentType(r.headers['content-type']) && r.headers.origin === undefined && r.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpError(403, 'cross-site form posts are refused');
  }
  const handled =
    (await hyperbeamRoute(ctx, r, res)) || (await mainnetRoute(ctx, r, res)) || (await legacyRoute(ctx, r, res)) || (await gatewayRoute(ctx, r, res));
  if (!handled) throw new HttpError(404, `${r.method} ${r.path.slice(0, 80)} is not an endpoint of aos-ts serve; GET / lists them`);
  // A body nobody read is drained so the connection can be reused.
  if (!req.complete) req.resume();
}

/** Content types a browser cannot send cross-site without a preflight are safe; the rest need an allowed Origin. */
function isSafeContentType(type: string | undefined): boolean {
  if (!type) return true;
  const t = type.split(';')[0]!.trim().toLowerCase();
  return t !== 'text/plain' && t !== 'application/x-www-form-urlencoded' && t !== 'multipart/form-data';
}

function hostIsLocal(host: string | undefined): boolean {
  if (host === undefined) return true; // HTTP/1.0 clients
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return isLoopback(name) || name.endsWith('.localhost');
}

/** `%ff` and other encodings that are not UTF-8 are the client's mistake: 400, not 500. */
function checkEncoding(path: string): void {
  try {
    decodeURIComponent(path);
  } catch {
    throw new HttpError(400, `the path "${path.slice(0, 80)}" is not valid percent-encoding (UTF-8); encode it with encodeURIComponent`);
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

export function describeError(err: unknown): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  const e = err as NodeJS.ErrnoException;
  // Errors of the process store already say what happened and what to do (disk full, a damaged file).
  if (err instanceof StoreError) return { status: code507(e) ? 507 : 500, message: e.message };
  const code = e?.code ?? /\b(ENOSPC|EDQUOT|EIO|EROFS|EACCES|EPERM|EMFILE|ENFILE)\b/.exec(String(e?.message))?.[1];
  if (code && DISK_FULL.has(code)) {
    return { status: 507, message: 'the disk holding the node\'s data folder is full; free some space and send again (nothing from this request was kept)' };
  }
  if (code && /^E[A-Z]+$/.test(code)) {
    return { status: 500, message: `the node could not read or write its data folder (${code}); the request was not completed. Check the folder and its permissions.` };
  }
  if (/network is closed|is closed/.test(String(e?.message))) {
    return { status: 503, message: 'the node is shutting down; try again once aos-ts serve is running' };
  }
  return { status: 500, message: `internal error: ${String(e?.message ?? err).split('\n')[0]}. The request was not completed; if it happens again, please report it.` };
}

function rootInfo(ctx: ServedContext) {
  return {
    name: 'aos-ts serve',
    module: ctx.module,
    scheduler: ctx.scheduler,
    address: ctx.scheduler,
    timestamp: Date.now(),
    processes: ctx.network.list().length,
    legacy: {
      MU_URL: ctx.baseUrl,
      CU_URL: ctx.baseUrl,
      GATEWAY_URL: ctx.baseUrl,
      endpoints: [
        'POST / (signed data item)',
        'GET /result/:id?process-id=',
        'GET /results/:pid?from&to&sort&limit',
        'POST /dry-run?process-id=',
        'GET /:id?process-id=',
        'GET /:pid?from&to&limit',
        'GET /processes/:pid',
        'GET /timestamp',
        'POST /graphql',
        'GET /tx/:id',
        'GET /raw/:id',
        'GET /:id',
      ],
    },
    mainnet: {
      URL: ctx.baseUrl,
      endpoints: [
        'POST /push',
        'POST /:pid~process@1.0/push',
        'POST /:pid~process@1.0/compute/results=:slot',
        'GET /:pid/slot/current',
        'POST /:pid~process@1.0/as=execution/compute&Name=Value',
        'GET /:pid~process@1.0/now/:key',
        'GET /:pid~process@1.0/compute/:key',
        'GET /~meta@1.0/info/address',
      ],
    },
    hyperbeam: {
      devices: DEVICES,
      examples: [
        'GET /:pid~process@1.0/now/:key/serialize~json@1.0',
        'GET /:pid~process@1.0/compute&slot=N/:key',
        'GET /:pid~process@1.0/schedule',
        'GET /~scheduler@1.0/slot?target=:pid',
        'GET /~message@1.0&k=v&n+integer=1/n',
        'GET /~meta@1.0/info/:key',
        'GET /~lua@5.3a&module=:txid/:function?k=v',
      ],
    },
  };
}

function code507(e: NodeJS.ErrnoException): boolean {
  return e.code !== undefined && DISK_FULL.has(e.code);
}

