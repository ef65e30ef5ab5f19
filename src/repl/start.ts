// Starts the interactive shell on a connection and resolves when it exits.
import { spawnSync } from 'node:child_process';
import React from 'react';
import { render } from 'ink';
import type { Connection, ProcessInfo } from '../connection.js';
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
  /** Ends the shell when it settles (its process could not open after all). */
  stop?: Promise<unknown>;
  /** Told the prompt the shell showed last, when it ends. */
  lastPrompt?: (prompt: string) => void;
}

const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

export async function startRepl(conn: Connection, opts: ReplStartOptions): Promise<number> {
  const info = conn.info();
  let done!: () => void;
  const exited = new Promise<void>((r) => (done = r));
  const session = new ReplSession(conn, {
    historyFile: opts.historyFile,
    services: { runEditor: async (file) => runExternalEditor(file), ...opts.services },
    onExit: () => done(),
    // The screen only: what scrolled away stays in the terminal's scrollback.
    clearScreen: () => process.stdout.write('\u001b[2J\u001b[H'),
  });
  const banner = opts.quiet ? undefined : bannerText(info, opts.version);
  await session.start(banner);
  trace('prompt fetched');
  process.stdout.write(BRACKETED_PASTE_ON);
  const app = render(React.createElement(App, { session, color: opts.color }), { exitOnCtrlC: false, patchConsole: false });
  for (const file of opts.load ?? []) await session.run(`.load ${file}`);
  trace('first render');
  await Promise.race([exited, app.waitUntilExit(), ...(opts.stop ? [opts.stop] : [])]);
  session.exit();
  opts.lastPrompt?.(session.getView().prompt);
  app.unmount();
  await app.waitUntilExit().catch(() => undefined);
  process.stdout.write(BRACKETED_PASTE_OFF);
  return 0;
}

/** The welcome lines: the process (its name only when it has one besides its id), and where it runs. */
export function bannerText(info: ProcessInfo, version: string): string {
  const named = info.name !== '' && info.name !== info.id;
  const who = named ? `process ${paint.bold(info.name)} ${paint.gray(info.id)}` : `process ${paint.bold(info.id)}`;
  const where =
    info.location !== undefined
      ? `local, state in ${info.location}`
      : `${info.network === 'mainnet' ? 'AO mainnet' : 'AO legacynet'}${info.node ? ` through ${info.node}` : ''}`;
  return `${paint.green(`aos-ts ${version}`)} · ${who}\n` + paint.gray(`${where}\nType Lua to run it in the process · .help for commands · Ctrl-D to exit`);
}

/** .pad: hand the terminal to $VISUAL / $EDITOR (else vi) on a file; back to the shell when it exits. */
function runExternalEditor(file: string): number {
  const editor = process.env.VISUAL || process.env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vi');
  const raw = process.stdin.isTTY && process.stdin.isRaw;
  if (raw) process.stdin.setRawMode(false);
  process.stdout.write(BRACKETED_PASTE_OFF);
  try {
    // Through the system shell, so EDITOR may carry arguments ("code -w").
    const r = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true });
    return r.status ?? 1;
  } finally {
    if (raw) process.stdin.setRawMode(true);
    process.stdout.write(BRACKETED_PASTE_ON);
  }
}
