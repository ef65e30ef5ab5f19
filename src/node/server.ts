// `aos-ts serve`: one HTTP server that plays the AO units (MU, CU, SU), an
// Arweave gateway and a HyperBEAM-style node over the local processes of one
// data folder, so the unmodified aoconnect and web front ends work offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalNetwork, type NetworkOptions } from '../local/network.js';
import { NodeContext } from './context.js';
import { gatewayRoute } from './gateway.js';
import { HttpError, readBody, sendJson, type Req } from './http.js';
import { legacyRoute } from './legacy.js';
import { mainnetRoute } from './mainnet.js';

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
  /** Notices such as "bound to a public address". */
  onNotice?: (text: string) => void;
}

export interface RunningNode {
  url: string;
  port: number;
  host: string;
  context: NodeContext;
  server: Server;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function startNode(opts: NodeOptions = {}): Promise<RunningNode> {
  const ownNetwork = !opts.network;
  if (!opts.network && !opts.dataDir) throw new Error('startNode needs a network or a dataDir');
  const network = opts.network ?? new LocalNetwork(opts.dataDir!, opts.networkOptions);
  // A node stays up: its processes get their cron ticks and mail from other programs.
  if (ownNetwork) network.start();
  const ctx = new NodeContext(network);
  const maxBody = opts.maxBody ?? DEFAULT_MAX_BODY;
  const host = opts.host ?? DEFAULT_HOST;

  const server = createServer((req, res) => {
    void handle(ctx, req, res, maxBody);
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
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        if (ownNetwork) await network.close();
      })();
      return closing;
    },
  };
}

async function handle(ctx: NodeContext, req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<void> {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'process, slot, id');
  try {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    let body: Promise<Buffer> | undefined;
    const r: Req = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
      headers: req.headers,
      body: () => (body ??= readBody(req, maxBody)),
    };
    if (r.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, HEAD, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if ((r.method === 'GET' || r.method === 'HEAD') && path === '/') {
      sendJson(res, 200, rootInfo(ctx));
      return;
    }
    const handled = (await mainnetRoute(ctx, r, res)) || (await legacyRoute(ctx, r, res)) || (await gatewayRoute(ctx, r, res));
    if (!handled) throw new HttpError(404, `${r.method} ${path.slice(0, 80)} is not an endpoint of aos-ts serve; GET / lists them`);
    // A body nobody read is drained so the connection can be reused.
    if (!req.complete) req.resume();
  } catch (err) {
    const status = err instanceof HttpError ? err.status : /network is closed/.test((err as Error).message) ? 503 : 500;
    const message =
      err instanceof HttpError
        ? err.message
        : status === 503
          ? 'the node is shutting down; try again once aos-ts serve is running'
          : `internal error: ${(err as Error).message}. The request was not completed; if it happens again, please report it.`;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 413) res.setHeader('connection', 'close');
    sendJson(res, status, { error: message });
    if (!req.complete) req.resume();
  }
}

function rootInfo(ctx: NodeContext) {
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
  };
}
