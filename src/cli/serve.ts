// `aos-ts serve`: the local processes over HTTP, for the unmodified aoconnect
// (legacy and mainnet modes), arweave-js and web front ends. Runs until
// Ctrl-C (or SIGTERM), then closes every process cleanly.
import { resolveDataDir } from '../local/paths.js';
import type { CommonOptions } from './common.js';
import { engineOptions, type MainOptions } from './options.js';
import { error, noticeWriter, out, printJson, runCommand, UsageError } from './output.js';

export interface ServeOptions extends CommonOptions, Pick<MainOptions, 'budget' | 'memory' | 'timeout'> {
  port?: string;
  host?: string;
  maxBody?: string;
  /** Browser origins allowed besides loopback ones (repeatable; `*` for any). */
  cors?: string[];
  strict?: boolean;
  /** Print an access log line per request to stderr. */
  log?: boolean;
  deadline?: string;
}

/** How long SIGTERM/SIGINT wait for the node to close before the program exits anyway. */
const STOP_WITHIN_MS = 4_000;

function parsePort(value: string | undefined): number {
  if (value === undefined) return 8734;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port "${value}" is not a port; use a whole number from 1 to 65535 (0 picks a free one).`);
  return n;
}

export function runServe(opts: ServeOptions): Promise<number> {
  return runCommand(async () => {
    const port = parsePort(opts.port);
    const maxBody = opts.maxBody === undefined ? undefined : Number(opts.maxBody);
    if (maxBody !== undefined && (!Number.isSafeInteger(maxBody) || maxBody < 1024)) {
      throw new UsageError(`--max-body "${opts.maxBody}" must be a whole number of bytes, 1024 or more.`);
    }
    const deadlineMs = opts.deadline === undefined ? undefined : Number(opts.deadline);
    if (deadlineMs !== undefined && (!Number.isSafeInteger(deadlineMs) || deadlineMs < 100)) {
      throw new UsageError(`--deadline "${opts.deadline}" must be a whole number of milliseconds, 100 or more.`);
    }
    for (const origin of opts.cors ?? []) {
      if (origin !== '*' && origin !== 'null' && !/^https?:\/\/[^/\s]+$/.test(origin.replace(/\/+$/, ''))) {
        throw new UsageError(`--cors "${origin}" is not an origin; write it as scheme://host[:port], e.g. --cors http://example.test:3000`);
      }
    }
    const dataDir = resolveDataDir(opts.dataDir);
    const notice = noticeWriter(opts);
    const { startNode } = await import('../node/server.js');
    let node;
    try {
      node = await startNode({
        dataDir,
        port,
        host: opts.host,
        maxBody,
        cors: opts.cors,
        strict: opts.strict,
        deadlineMs,
        accessLog: opts.log ? (line) => process.stderr.write(`${line}\n`) : undefined,
        onNotice: error,
        networkOptions: { onNotice: notice, engine: engineOptions(opts) },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Error(`port ${port} is already in use (another aos-ts serve?); pick another with --port.`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new Error(`cannot listen on host ${opts.host}; use an address of this machine, e.g. --host 127.0.0.1.`);
      if (code === 'EACCES') throw new Error(`not allowed to listen on port ${port}; use a port above 1023.`);
      throw err;
    }
    const info = { url: node.url, module: node.context.module, scheduler: node.context.scheduler, dataDir };
    // -q: nothing but errors and warnings (--json gives a script the URL)
    if (opts.json) printJson(info);
    else if (!opts.quiet) {
      out(`aos-ts serve: ${node.url}  (data: ${dataDir})`);
      // One setting a line: a terminal of 80 columns never breaks a URL or an id in two.
      const pad = ' '.repeat('  legacy:  connect({ '.length);
      out(
        `  legacy:  connect({ MU_URL: '${node.url}',\n${pad}CU_URL: '${node.url}',\n${pad}GATEWAY_URL: '${node.url}' })\n` +
          `  mainnet: connect({ MODE: 'mainnet', URL: '${node.url}', signer })\n` +
          `  module:    ${info.module}\n` +
          `  scheduler: ${info.scheduler}\n` +
          `  Ctrl-C stops it.`,
      );
    }
    // A failure outside any request (a cron tick, another program's mail) is a notice, not the end of the node.
    const keepRunning = (err: unknown) => process.stderr.write(`aos-ts: ${(err as Error)?.message ?? String(err)}\n`);
    process.on('unhandledRejection', keepRunning);
    process.on('uncaughtException', keepRunning);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    // Whatever a process is doing, the program ends within a few seconds.
    const force = setTimeout(() => {
      process.stderr.write('aos-ts: the node did not close in time; exiting (logs are flushed per message, nothing acknowledged is lost)\n');
      process.exit(1);
    }, STOP_WITHIN_MS);
    force.unref();
    await node.close();
    clearTimeout(force);
    return 0;
  });
}
