// Runs a local network in a worker thread for the interactive shell, so that
// a long Eval never freezes the screen: the spinner turns, keys are read, and
// Ctrl-C can stop waiting while the engine works here.
import { parentPort, workerData } from 'node:worker_threads';
import type { LiveMessage, OutgoingMessage } from '../connection.js';
import { prestartEngineThread } from '../engine/engine-thread-start.js';
import { saveThreadCodeCache } from '../engine/code-cache.js';
import type { LocalConnection } from './local-connection.js';
import type { NetworkOptions } from './network.js';

// The process's engine thread starts now, while this thread loads the network.
prestartEngineThread();

export interface WorkerInit {
  dataDir: string;
  name: string;
  options: Pick<NetworkOptions, 'engine' | 'cascadeLimit'>;
}

export type Request =
  | { id: number; op: 'eval'; code: string }
  | { id: number; op: 'send' | 'dryrun'; message: OutgoingMessage }
  | { id: number; op: 'prompt' | 'undo' | 'close' }
  | { id: number; op: 'inspect'; lua: string }
  | { id: number; op: 'resolve'; nameOrId: string }
  | { id: number; op: 'monitor'; on: boolean };

export type Event =
  | { type: 'ready'; info: ReturnType<LocalConnection['info']>; created: boolean; dir: string; prompt: string }
  | { type: 'reply'; id: number; value?: unknown; error?: string }
  | { type: 'live'; message: LiveMessage }
  | { type: 'notice'; text: string }
  | { type: 'failed'; error: string };

async function main(): Promise<void> {
  const port = parentPort!;
  // Started before the shell knew its process (bin/aos-ts.js): the init comes as the first message.
  const init = (workerData as { pending?: boolean }).pending ? await new Promise<WorkerInit>((resolve) => port.once('message', resolve)) : (workerData as WorkerInit);
  const post = (e: Event) => port.postMessage(e);
  let conn: LocalConnection;
  try {
    const [{ LocalConnection }, { LocalNetwork }] = await Promise.all([import('./local-connection.js'), import('./network.js')]);
    const network = new LocalNetwork(init.dataDir, { ...init.options, onNotice: (text) => post({ type: 'notice', text }) });
    // Opened quietly: what the process is owed (missed cron ticks, mail) is
    // delivered only once the live feed listens, so every caught-up tick shows.
    const { process, created } = await network.openOrSpawn(init.name, {}, { quiet: true });
    conn = new LocalConnection(network, process);
    conn.onLive((message) => post({ type: 'live', message }));
    // The first prompt travels with "ready": one round trip less before the shell shows it.
    post({ type: 'ready', info: conn.info(), created, dir: process.dir, prompt: await conn.prompt() });
    saveThreadCodeCache(); // the first run after a build keeps this thread's compiled start-up code (Node 20)
    await network.catchUp(process);
    // The shell stays up: keep the process current (cron timers, mail from other programs).
    network.start();
  } catch (err) {
    post({ type: 'failed', error: (err as Error).message });
    return;
  }
  // One request at a time, in order, as the shell sends them.
  let chain = Promise.resolve();
  port.on('message', (req: Request) => {
    chain = chain.then(async () => {
      try {
        post({ type: 'reply', id: req.id, value: await run(conn, req) });
      } catch (err) {
        post({ type: 'reply', id: req.id, error: (err as Error).message });
      }
      if (req.op === 'close') port.close();
    });
  });
}

async function run(conn: LocalConnection, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'eval':
      return conn.eval(req.code);
    case 'send':
      return conn.send(req.message);
    case 'dryrun':
      return conn.dryrun(req.message);
    case 'prompt':
      return conn.prompt();
    case 'inspect':
      return conn.inspect(req.lua);
    case 'undo':
      return conn.undo();
    case 'resolve':
      try {
        return conn.network.resolve(req.nameOrId);
      } catch {
        return undefined;
      }
    case 'monitor':
      return monitor(conn, req.on);
    case 'close':
      return conn.close();
  }
}

let monitoring = true;

/** .monitor / .unmonitor: the local equivalent of aos's cron monitor (ticks run while the shell is open). */
function monitor(conn: LocalConnection, on: boolean): string {
  const cron = conn.process.meta.cron;
  if (!cron) return 'This process has no cron interval (spawn it with --cron, e.g. --cron 10-seconds), so there are no ticks to run.';
  if (on === monitoring) return on ? `Cron ticks (every ${cron}) already run while this shell is open.` : 'Cron ticks are already stopped; .monitor starts them.';
  monitoring = on;
  if (on) {
    conn.network.resumeCron();
    return `Cron ticks (every ${cron}) run again; the ones that fell due meanwhile are delivered now.`;
  }
  conn.network.pauseCron();
  return 'Cron ticks stopped until .monitor (or until the process is opened again).';
}

void main();
