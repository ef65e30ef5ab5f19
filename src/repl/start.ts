// Starts the interactive shell on a connection and resolves when it exits.
import React from 'react';
import { render } from 'ink';
import type { Connection } from '../connection.js';
import { App } from './App.js';
import { paint } from '../text/ansi.js';
import { trace } from '../text/trace.js';
import { ReplSession, type SessionServices } from './session.js';

export interface ReplStartOptions {
  color: boolean;
  quiet?: boolean;
  version: string;
  historyFile?: string;
  services?: SessionServices;
  /** Files to .load once the shell is up (--load). */
  load?: string[];
}

const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

export async function startRepl(conn: Connection, opts: ReplStartOptions): Promise<number> {
  const info = conn.info();
  let done!: () => void;
  const exited = new Promise<void>((r) => (done = r));
  const session = new ReplSession(conn, {
    historyFile: opts.historyFile,
    services: opts.services,
    onExit: () => done(),
    clearScreen: () => process.stdout.write('\u001b[2J\u001b[3J\u001b[H'),
  });
  const where = info.location !== undefined ? `local, state in ${info.location}` : `${info.network} network`;
  const banner = opts.quiet
    ? undefined
    : `${paint.green(`aos-ts ${opts.version}`)} · process ${paint.bold(info.name)} ${paint.gray(info.id)}\n` +
      paint.gray(`${where}\nType Lua to run it in the process · .help for commands · Ctrl-D to exit`);
  await session.start(banner);
  trace('prompt fetched');
  process.stdout.write(BRACKETED_PASTE_ON);
  const app = render(React.createElement(App, { session, color: opts.color }), { exitOnCtrlC: false, patchConsole: false });
  for (const file of opts.load ?? []) await session.run(`.load ${file}`);
  trace('first render');
  await Promise.race([exited, app.waitUntilExit()]);
  session.exit();
  app.unmount();
  await app.waitUntilExit().catch(() => undefined);
  process.stdout.write(BRACKETED_PASTE_OFF);
  return 0;
}
