// Drive the real CLI in a real terminal: tmux on a private socket.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CLI } from './cli.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class Terminal {
  private readonly socket = `aos-ts-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    readonly dataDir: string,
    args: string[] = [],
    size = { cols: 100, rows: 30 },
  ) {
    const cmd = `node ${CLI} ${args.map((a) => `'${a}'`).join(' ')}; echo "EXITED $?"; sleep 60`;
    this.tmux('new-session', '-d', '-s', 't', '-x', String(size.cols), '-y', String(size.rows), '-e', `AOS_TS_HOME=${dataDir}`, '-e', 'NO_COLOR=', cmd);
  }

  private tmux(...args: string[]): string {
    // The socket goes under the run's temporary folder (removed at the end), not /tmp/tmux-<uid>.
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: { ...process.env, TMUX_TMPDIR: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 't');
  }

  /** Type text literally (tmux would read "end" or "Up" as key names otherwise). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 't', '-l', text);
  }

  key(...names: string[]): void {
    this.tmux('send-keys', '-t', 't', ...names);
  }

  /** Paste as a terminal does, wrapped in bracketed-paste markers. */
  paste(text: string): void {
    this.tmux('set-buffer', '-b', 'p', text);
    this.tmux('paste-buffer', '-p', '-b', 'p', '-t', 't');
  }

  async waitFor(test: RegExp | ((screen: string) => boolean), ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (typeof test === 'function' ? test(s) : test.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${test}; the screen was:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Type a line and press Enter as separate keystrokes, as a person does: once
   * the program waits for input (a prompt, a continuation line, a question), and with Enter
   * once it shows the text. Otherwise, on a loaded machine, an Enter and the
   * next line's text could reach the shell in one read, which it takes for a
   * paste (one Eval of two lines). The waits are bounded: a shell that shows no
   * prompt (busy, or asking something) gets the keys anyway after 5 s.
   */
  async line(text: string): Promise<void> {
    await this.settle((s) => READY.test(lastLine(s)));
    this.type(text);
    const typed = text.replace(/\s+/g, '');
    await this.settle((s) => s.replace(/\s+/g, '').endsWith(typed));
    this.key('Enter');
  }

  /** Wait (up to 5 s) for the screen to pass `test`; go on either way. */
  private async settle(test: (screen: string) => boolean): Promise<void> {
    const end = Date.now() + 5_000;
    while (!test(this.screen()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }

  /** End the terminal, and wait (up to 5 s) for the programs in it to exit, so their files can be removed. */
  close(): void {
    let pids: number[] = [];
    try {
      const pane = Number(this.tmux('display-message', '-p', '-t', 't', '#{pane_pid}').trim());
      const children = spawnSync('pgrep', ['-P', String(pane)], { encoding: 'utf8' }).stdout ?? '';
      pids = [pane, ...children.split('\n').filter(Boolean).map(Number)].filter((n) => Number.isInteger(n) && n > 0);
    } catch {
      // no terminal any more
    }
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    const until = Date.now() + 5_000;
    while (pids.some(alive) && Date.now() < until) Atomics.wait(PAUSE, 0, 0, 20);
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Running, not gone and not a zombie (one nobody reaps, in a container, stays one). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** The end of a line that waits for input: a shell prompt (`...>`), a continuation (`...`), a question (`?`, `:`, `[y/N]`). */
const READY = /(>|\.\.\.|[?:\]])$/;

/** The last non-empty line on the screen: the input line. */
export function lastLine(screen: string): string {
  return screen.trimEnd().split('\n').at(-1) ?? '';
}
