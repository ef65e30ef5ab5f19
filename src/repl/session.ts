// The shell's state and behaviour, apart from how it is drawn: what each key
// does, dot-commands, sending Evals, the live feed. The Ink component only
// renders `view` and forwards keys, so all of this is testable without a terminal.
import type { Connection, LiveMessage } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import { outputText } from '../text/result.js';
import { commonPrefix, completeCommand, findCommand } from './commands.js';
import * as ed from './editor.js';
import { formatError } from './format.js';
import { InputHistory } from './history.js';
import type { Key } from './keys.js';
import { chunkStatus } from './lua-syntax.js';

export type ItemKind = 'banner' | 'input' | 'output' | 'error' | 'live' | 'notice';

export interface TranscriptItem {
  id: number;
  kind: ItemKind;
  text: string;
}

export interface ViewState {
  items: readonly TranscriptItem[];
  editor: ed.EditorState;
  prompt: string;
  /** Lines already entered of an unfinished chunk, or of .editor mode. */
  pendingLines: readonly string[];
  mode: 'normal' | 'continue' | 'editor';
  busy?: { label: string; since: number };
  hint?: string;
  exited: boolean;
}

export interface SessionOptions {
  historyFile?: string;
  /** Called once when the user leaves (.exit, Ctrl-D, Ctrl-C twice). */
  onExit?: () => void;
  /** Clears the terminal (for .clear). */
  clearScreen?: () => void;
  /** Extra commands' handlers that need the host (blueprints, .load), looked up by name. */
  services?: SessionServices;
}

/** A file bundled for .load: the Lua to send and a way to map its lines back. */
export interface LoadedBundle {
  source: string;
  files: string[];
  locate?: (line: number) => { file: string; line: number; text?: string } | undefined;
}

export interface SessionServices {
  bundle?(path: string): Promise<LoadedBundle>;
  /** Re-bundle when any bundled file changes (.load --watch). */
  watch?(path: string, onBundle: (b: LoadedBundle) => void, onError: (e: Error) => void): { close(): void };
  blueprints?(): { name: string; summary: string }[];
  blueprintSource?(name: string): string;
  /** Resolve a process name for .send (local registry); undefined leaves it as typed. */
  resolveTarget?(nameOrId: string): string | undefined | Promise<string | undefined>;
}

const CTRL_C_WINDOW_MS = 2000;

export class ReplSession {
  private listeners = new Set<() => void>();
  private nextId = 1;
  private state: ViewState;
  private history: InputHistory;
  private lastCtrlC = 0;
  private liveBuffer: LiveMessage[] = [];
  private unsubscribeLive?: () => void;
  private waiting?: { cancelled: boolean };
  /** Global names for Tab, read from the process when first needed after a change. */
  private globals?: string[];
  private readonly watchers = new Map<string, { close(): void }>();

  constructor(
    readonly conn: Connection,
    private readonly options: SessionOptions = {},
  ) {
    this.history = new InputHistory(options.historyFile);
    this.state = { items: [], editor: ed.EMPTY, prompt: 'aos> ', pendingLines: [], mode: 'normal', exited: false };
  }

  // --- store for React (useSyncExternalStore) ---------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): ViewState => this.state;

  private set(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private add(kind: ItemKind, text: string): void {
    this.set({ items: [...this.state.items, { id: this.nextId++, kind, text }] });
  }

  get historyEntries(): readonly string[] {
    return this.history.all;
  }

  // --- lifecycle ------------------------------------------------------------

  async start(banner?: string): Promise<void> {
    if (banner) this.add('banner', banner);
    this.unsubscribeLive = this.conn.onLive((m) => this.onLive(m));
    this.set({ prompt: await this.conn.prompt() });
  }

  exit(): void {
    if (this.state.exited) return;
    this.unsubscribeLive?.();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.flushLive();
    this.set({ exited: true, busy: undefined });
    this.options.onExit?.();
  }

  // --- the live feed ----------------------------------------------------------

  private onLive(m: LiveMessage): void {
    // While your own input is being handled, its result shows first.
    if (this.state.busy) this.liveBuffer.push(m);
    else this.showLive(m);
  }

  private showLive(m: LiveMessage): void {
    this.globals = undefined;
    if (m.error !== undefined) this.add('error', formatError(m.error));
    if (m.text !== '') this.add('live', m.text);
    if (m.prompt) this.set({ prompt: m.prompt });
  }

  private flushLive(): void {
    const buffered = this.liveBuffer;
    this.liveBuffer = [];
    for (const m of buffered) this.showLive(m);
  }

  // --- keys -------------------------------------------------------------------

  async handleKey(key: Key): Promise<void> {
    if (this.state.exited) return;
    const s = this.state;
    if (key.type !== 'ctrl-c' && s.hint) this.set({ hint: undefined });
    switch (key.type) {
      case 'text':
        return this.edit(ed.insert(s.editor, key.text));
      case 'paste':
        return this.edit(ed.insert(s.editor, key.text.replace(/\n+$/, '')));
      case 'backspace':
        return this.edit(ed.backspace(s.editor));
      case 'delete':
        return this.edit(ed.deleteForward(s.editor));
      case 'left':
        return this.edit(ed.moveLeft(s.editor));
      case 'right':
        return this.edit(ed.moveRight(s.editor));
      case 'home':
        return this.edit(ed.home(s.editor));
      case 'end':
        return this.edit(ed.end(s.editor));
      case 'kill-line':
        return this.edit(ed.EMPTY);
      case 'kill-to-end':
        return this.edit(ed.killToEnd(s.editor));
      case 'delete-word':
        return this.edit(ed.deleteWordBack(s.editor));
      case 'up': {
        const older = this.history.older(s.editor.text);
        if (older !== undefined) this.edit(ed.setText(older), false);
        return;
      }
      case 'down': {
        const newer = this.history.newer();
        if (newer !== undefined) this.edit(ed.setText(newer), false);
        return;
      }
      case 'tab':
        return this.complete();
      case 'clear-screen':
        this.options.clearScreen?.();
        return;
      case 'ctrl-c':
        return this.ctrlC();
      case 'ctrl-d':
        if (s.editor.text === '' && s.mode === 'normal' && !s.busy) return this.exit();
        return this.edit(ed.deleteForward(s.editor));
      case 'enter':
        return this.enter();
      case 'escape':
        return;
    }
  }

  private edit(editor: ed.EditorState, resetHistory = true): void {
    if (resetHistory) this.history.reset();
    this.set({ editor });
  }

  private ctrlC(): void {
    const s = this.state;
    if (s.busy && this.waiting) {
      this.waiting.cancelled = true;
      this.waiting = undefined;
      this.set({ busy: undefined });
      this.add('notice', 'Stopped waiting. The message is still being handled; its output will show here when it is done.');
      this.flushLive();
      return;
    }
    if (s.editor.text !== '' || s.pendingLines.length > 0) {
      this.lastCtrlC = 0;
      this.set({ editor: ed.EMPTY, pendingLines: [], mode: 'normal', hint: undefined });
      return;
    }
    const now = Date.now();
    if (now - this.lastCtrlC < CTRL_C_WINDOW_MS) return this.exit();
    this.lastCtrlC = now;
    this.set({ hint: '(press Ctrl-C again to exit, or type .exit)' });
  }

  private async enter(): Promise<void> {
    const s = this.state;
    if (s.busy) return;
    const line = s.editor.text;
    this.history.reset();
    if (s.mode === 'editor') return this.editorLine(line);
    const lines = [...s.pendingLines, line];
    const source = lines.join('\n');
    this.set({ editor: ed.EMPTY });
    if (s.mode === 'normal' && line.trim().startsWith('.') && !line.includes('\n')) {
      this.echo(line);
      this.history.add(line);
      return this.command(line.trim());
    }
    if (source.trim() === '') {
      this.set({ pendingLines: [], mode: 'normal' });
      return;
    }
    // If the syntax check itself fails, send the input: the process will say what is wrong.
    if ((await chunkStatus(source).catch(() => 'ok')) === 'incomplete') {
      this.set({ pendingLines: lines, mode: 'continue' });
      return;
    }
    this.set({ pendingLines: [], mode: 'normal' });
    this.echo(source);
    this.history.add(source);
    await this.evaluate(source);
  }

  private echo(text: string): void {
    const [first, ...rest] = text.split('\n');
    this.add('input', [`${this.state.prompt}${first}`, ...rest.map((l) => `\u001b[90m...\u001b[0m ${l}`)].join('\n'));
  }

  // --- sending ----------------------------------------------------------------

  /** Run something that talks to the process, with the spinner, Ctrl-C and late results handled. */
  private async request(label: string, run: () => Promise<AoResult>, show: (r: AoResult) => void): Promise<void> {
    const waiting = { cancelled: false };
    this.waiting = waiting;
    this.set({ busy: { label, since: Date.now() } });
    let result: AoResult;
    try {
      result = await run();
    } catch (err) {
      result = { Error: (err as Error).message };
    }
    if (waiting.cancelled) {
      this.add('notice', `Result of an input you stopped waiting for (${label}):`);
      show(result);
      return;
    }
    this.waiting = undefined;
    show(result);
    this.set({ busy: undefined });
    this.flushLive();
  }

  async evaluate(source: string, locate?: Parameters<typeof formatError>[2]): Promise<void> {
    await this.request('evaluating', () => this.conn.eval(source), (r) => this.showResult(r, source, locate));
    this.globals = undefined;
  }

  showResult(r: AoResult, source?: string, locate?: Parameters<typeof formatError>[2]): void {
    if (r.Error !== undefined) {
      this.add('error', formatError(r.Error, source, locate));
      return;
    }
    const text = outputText(r);
    if (text !== '') this.add('output', text);
    const prompt = typeof r.Output === 'object' && r.Output !== null ? (r.Output as { prompt?: unknown }).prompt : undefined;
    if (typeof prompt === 'string') this.set({ prompt });
  }

  // --- .editor ------------------------------------------------------------------

  private async editorLine(line: string): Promise<void> {
    const trimmed = line.trim();
    this.set({ editor: ed.EMPTY });
    if (trimmed === '.cancel') {
      this.add('notice', 'Editor cancelled; nothing was sent.');
      this.set({ mode: 'normal', pendingLines: [] });
      return;
    }
    if (trimmed === '.done') {
      const source = this.state.pendingLines.join('\n');
      this.set({ mode: 'normal', pendingLines: [] });
      if (source.trim() === '') return;
      this.echo(source);
      this.history.add(source);
      return this.evaluate(source);
    }
    this.set({ pendingLines: [...this.state.pendingLines, line] });
  }

  startEditor(): void {
    this.set({ mode: 'editor', pendingLines: [] });
    this.add('notice', 'Editor mode: type Lua over several lines; .done sends it, .cancel drops it.');
  }

  // --- dot-commands ---------------------------------------------------------------

  private async command(line: string): Promise<void> {
    const [name = '', ...rest] = line.split(/\s+/);
    const cmd = findCommand(name);
    if (!cmd) {
      this.add('error', `Unknown command ${name}. Type .help to see the commands (lines that start with a dot are not sent as Lua).`);
      return;
    }
    try {
      await cmd.run(this, rest, line.slice(name.length).trim());
    } catch (err) {
      this.add('error', (err as Error).message);
    }
  }

  /** Run a dot-command as if typed (used for --load at start). */
  async run(line: string): Promise<void> {
    this.echo(line);
    await this.command(line.trim());
  }

  /** Used by commands. */
  print(kind: ItemKind, text: string): void {
    this.add(kind, text);
  }

  get services(): SessionServices {
    return this.options.services ?? {};
  }

  clear(): void {
    this.options.clearScreen?.();
  }

  async dryrun(expr: string): Promise<void> {
    await this.request(
      'dry run',
      () => this.conn.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }], Data: expr }),
      (r) => {
        if (r.Error !== undefined) this.add('error', formatError(r.Error, expr));
        else this.add('output', `${outputText(r)}\n\u001b[90m(dry run: nothing was kept)\u001b[0m`);
      },
    );
  }

  async sendEval(label: string, source: string, locate?: Parameters<typeof formatError>[2]): Promise<void> {
    await this.request(label, () => this.conn.eval(source), (r) => this.showResult(r, source, locate));
    this.globals = undefined;
  }

  /** .load --watch: send the bundle again whenever one of its files is saved. */
  watchFile(path: string): void {
    const watch = this.services.watch;
    if (!watch) throw new Error('.load --watch is not available here');
    this.watchers.get(path)?.close();
    const w = watch(
      path,
      (b) => {
        this.add('notice', `Changed on disk: reloading ${b.files.join(', ')}`);
        void this.sendEval(`reloading ${path}`, b.source, b.locate);
      },
      (err) => this.add('error', err.message),
    );
    this.watchers.set(path, w);
    this.add('notice', `Watching ${path} and the files it requires; saving any of them reloads it.`);
  }

  // --- completion -----------------------------------------------------------------

  // Reading the names costs the process a snapshot and restore, so it
  // happens on Tab, not after every Eval.
  private async refreshGlobals(): Promise<void> {
    try {
      const names = await this.conn.inspect('local t = {} for k in pairs(_G) do if type(k) == "string" then t[#t + 1] = k end end table.sort(t) return t');
      this.globals = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    } catch {
      // Completion is a convenience; a process that cannot answer just gets none.
    }
  }

  private async complete(): Promise<void> {
    const { text, cursor } = this.state.editor;
    const before = text.slice(0, cursor);
    if (/^\s*\.\S*$/.test(before) && this.state.mode === 'normal') {
      const { completion, candidates } = completeCommand(before.trim());
      return this.applyCompletion(before.trim(), completion, candidates);
    }
    const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before);
    if (!m || /[.:]$/.test(before.slice(0, before.length - m[0].length))) return;
    const prefix = m[0];
    if (!this.globals) await this.refreshGlobals();
    const candidates = (this.globals ?? []).filter((g) => g.startsWith(prefix));
    this.applyCompletion(prefix, commonPrefix(candidates), candidates);
  }

  private applyCompletion(prefix: string, completion: string, candidates: string[]): void {
    if (candidates.length === 0) return;
    if (completion.length > prefix.length) {
      this.edit(ed.insert(this.state.editor, completion.slice(prefix.length) + (candidates.length === 1 && completion.startsWith('.') ? ' ' : '')));
    } else if (candidates.length > 1) {
      this.set({ hint: candidates.slice(0, 30).join('  ') + (candidates.length > 30 ? '  …' : '') });
    }
  }
}

