// The shell's behaviour, apart from how it is drawn: it ties together the
// view store, key dispatch, history, the live feed, completion and the
// dot-commands, and sends Evals with the spinner and Ctrl-C handled. The Ink
// component only renders the view and forwards keys, so all of this is
// testable without a terminal.
import type { Connection, LiveMessage } from '../connection.js';
import type { AoResult } from '../engine/types.js';
import type { EvalSource } from '../text/lua-error.js';
import { outputText } from '../text/result.js';
import { clip } from '../text/width.js';
import { AOS_ONLY_COMMANDS, findCommand } from './commands.js';
import { Completer } from './completion.js';
import type { CommandContext, LoadedBundle, Locate, SessionServices } from './context.js';
import * as ed from './editor.js';
import { formatError, moduleSyntaxError } from './format.js';
import { isCompileError } from '../bundle/check.js';
import { SECOND_VALUE_NOTE, secondReturnValue } from './second-value.js';
export { secondReturnValue } from './second-value.js';

/** Words people type at a shell prompt, and the dot-command they meant. */
const SHELL_WORDS: Record<string, string> = { exit: '.exit', quit: '.exit', help: '.help', clear: '.clear' };
import { InputHistory } from './history.js';
import { actionFor } from './keymap.js';
import type { Key } from './keys.js';
import { LiveBuffer } from './live.js';
import { chunkStatus } from './lua-syntax.js';
import { ViewStore, type ViewState } from './store.js';
import type { ItemBody } from './transcript.js';

export type { LoadedBundle, SessionServices } from './context.js';
export type { ViewState } from './store.js';
export type { TranscriptItem } from './transcript.js';

export interface SessionOptions {
  historyFile?: string;
  /** Called once when the user leaves (.exit, Ctrl-D, Ctrl-C twice). */
  onExit?: () => void;
  /** Clears the terminal (for .clear). */
  clearScreen?: () => void;
  /** What dot-commands need from the host (blueprints, .load, names). */
  services?: SessionServices;
}

const CTRL_C_WINDOW_MS = 2000;
/** Inputs whose source the shell keeps, so an error in a function one defined shows its line. */
const KEPT_INPUTS = 200;

/** Dot-commands that never ask the process (they run at once even while it is busy). */
const NO_PROCESS_NEEDED = new Set(['.help', '.blueprints', '.editor', '.unwatch', '.pause', '.live', '.clear', '.exit']);

export class ReplSession {
  private readonly store = new ViewStore();
  private readonly history: InputHistory;
  private readonly live: LiveBuffer;
  private readonly completer: Completer;
  private readonly watchers = new Map<string, { close(): void }>();
  /** The narrow view of the session a dot-command gets. */
  private readonly context: CommandContext;
  private lastCtrlC = 0;
  /** Inputs you stopped waiting for that the process is still handling. */
  private stillRunning = 0;
  private unsubscribeLive?: () => void;
  private waiting?: { cancelled: boolean; stop: () => void };
  /** Evals sent so far (each gets a chunk name of its own: `input 3`). */
  private inputCount = 0;
  /** This shell's start, in every chunk name: `input 3` of another session is another chunk. */
  private readonly sessionMark = new Date().toTimeString().slice(0, 8);
  /** The newest inputs' sources, by chunk name. */
  private readonly kept = new Map<string, EvalSource>();

  constructor(
    private readonly conn: Connection,
    private readonly options: SessionOptions = {},
  ) {
    this.history = new InputHistory(options.historyFile);
    this.live = new LiveBuffer(() => this.store.getView().busy !== undefined, (m) => this.showLive(m));
    this.completer = new Completer(conn, () => this.options.services?.blueprints?.().map((b) => b.name) ?? []);
    const live = this.live;
    this.context = {
      connection: conn,
      services: options.services ?? {},
      print: (item) => this.add(item),
      evaluate: (label, source, locate, modules) => this.evaluate(label, source, locate, modules),
      dryrun: (expr) => this.dryrun(expr),
      editor: { start: () => this.startEditor() },
      watch: (path) => this.watch(path),
      unwatch: (path) => this.unwatch(path),
      live: {
        pause: () => {
          this.live.paused = true;
        },
        resume: () => {
          const n = this.live.heldCount;
          this.live.paused = false;
          this.live.flush();
          return n;
        },
        get paused() {
          return live.paused;
        },
      },
      clear: () => options.clearScreen?.(),
      exit: () => this.exit(),
    };
  }

  // --- the view, for React (useSyncExternalStore) and tests ----------------------

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);
  getView = (): ViewState => this.store.getView();

  private get state(): ViewState {
    return this.store.getView();
  }

  private set(patch: Partial<ViewState>): void {
    this.store.set(patch);
  }

  private add(item: ItemBody): void {
    this.store.add(item);
  }

  get historyEntries(): readonly string[] {
    return this.history.all;
  }

  // --- lifecycle ------------------------------------------------------------

  async start(banner?: string): Promise<void> {
    if (banner) this.add({ type: 'banner', text: banner });
    this.unsubscribeLive = this.conn.onLive((m) => this.live.receive(m));
    this.set({ prompt: await this.conn.prompt() });
  }

  exit(): void {
    if (this.state.exited) return;
    this.unsubscribeLive?.();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.live.paused = false;
    this.live.flush();
    this.set({ exited: true, busy: undefined });
    this.options.onExit?.();
  }

  private showLive(m: LiveMessage): void {
    this.completer.invalidate();
    if (m.error !== undefined) this.add({ type: 'error', text: formatError(m.error, this.where()) });
    if (m.text !== '') this.add({ type: 'live', text: m.text, from: this.conn.capabilities.liveSender ? m.from : undefined });
    if (m.prompt) this.set({ prompt: m.prompt });
  }

  // --- keys -------------------------------------------------------------------

  async handleKey(key: Key): Promise<void> {
    if (this.state.exited) return;
    const s = this.state;
    if (key.type !== 'ctrl-c' && s.hint) this.set({ hint: undefined });
    const action = actionFor(key, s.editor);
    switch (action.kind) {
      case 'edit':
        return this.edit(action.editor);
      case 'history': {
        const text = action.direction === 'older' ? this.history.older(s.editor.text) : this.history.newer();
        if (text !== undefined) this.edit(ed.setText(text), false);
        return;
      }
      case 'tab': {
        // While an input you stopped waiting for still runs, asking the process would hold every key behind it.
        const done = await this.completer.complete(this.state.editor, this.state.mode, this.stillRunning === 0);
        if (done && 'insert' in done) this.edit(ed.insert(this.state.editor, done.insert));
        else if (done) this.set({ hint: done.hint });
        return;
      }
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
      case 'none':
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
      this.waiting.stop();
      this.waiting = undefined;
      this.set({ busy: undefined });
      this.add({ type: 'notice', text: 'Stopped waiting. The message is still being handled; its output will show here when it is done.' });
      this.live.flush();
      return;
    }
    if (s.mode === 'editor') {
      // in the editor, Ctrl-C clears the line being typed; on an empty line it leaves, saying what was dropped
      this.lastCtrlC = 0;
      if (s.editor.text !== '') return this.set({ editor: ed.EMPTY, hint: undefined });
      const n = s.pendingLines.length;
      this.set({ pendingLines: [], mode: 'normal', hint: undefined });
      this.add({ type: 'notice', text: n === 0 ? 'Left the editor.' : `Left the editor; its ${n} line${n === 1 ? ' was' : 's were'} not sent.` });
      return;
    }
    if (s.editor.text !== '' || s.pendingLines.length > 0) {
      this.lastCtrlC = 0;
      this.set({ editor: ed.EMPTY, pendingLines: [], mode: 'normal', hint: undefined });
      return;
    }
    if (this.watchers.size > 0) {
      // Ctrl-C stops a .load --watch first (as it stops a watch in a terminal); the next one exits
      const stopped = this.unwatch();
      this.lastCtrlC = 0;
      this.add({ type: 'notice', text: `Stopped watching ${stopped.join(', ')}.` });
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
    await this.evaluate('evaluating', source);
  }

  private echo(text: string): void {
    this.add({ type: 'input', prompt: this.state.prompt, lines: text.split('\n') });
  }

  // --- .editor ------------------------------------------------------------------

  private async editorLine(line: string): Promise<void> {
    const trimmed = line.trim();
    this.set({ editor: ed.EMPTY });
    const buffer = this.state.pendingLines;
    if (trimmed === '.cancel') {
      this.add({ type: 'notice', text: 'Editor cancelled; nothing was sent.' });
      this.set({ mode: 'normal', pendingLines: [] });
      return;
    }
    if (trimmed === '.done') {
      const source = buffer.join('\n');
      this.set({ mode: 'normal', pendingLines: [] });
      if (source.trim() === '') return;
      this.echo(source);
      this.history.add(source);
      await this.evaluate('evaluating', source);
      return;
    }
    if (trimmed === '.print') {
      this.add({ type: 'notice', text: buffer.length === 0 ? '(the editor is empty)' : buffer.map((l, i) => `${String(i + 1).padStart(3)} | ${l}`).join('\n') });
      return;
    }
    if (trimmed === '.delete') {
      if (buffer.length === 0) this.add({ type: 'notice', text: '(the editor is empty)' });
      else {
        this.add({ type: 'notice', text: `Deleted line ${buffer.length}: ${buffer[buffer.length - 1]}` });
        this.set({ pendingLines: buffer.slice(0, -1) });
      }
      return;
    }
    // A dot and a letter starts a command, never Lua (a line may start with `..`, Lua's concatenation).
    if (/^\.[A-Za-z]/.test(trimmed)) {
      this.add({ type: 'error', text: `${trimmed.split(/\s+/)[0]} does not work in the editor: .done sends, .cancel drops, .print shows the lines, .delete drops the last line.` });
      return;
    }
    this.set({ pendingLines: [...buffer, line] });
  }

  private startEditor(): void {
    this.set({ mode: 'editor', pendingLines: [] });
    this.add({ type: 'notice', text: 'Editor mode: type Lua over several lines; .done sends it, .cancel drops it, .print shows it, .delete drops the last line.' });
  }

  // --- sending ----------------------------------------------------------------

  /**
   * Run something that talks to the process, with the spinner, Ctrl-C and late results handled.
   * A Ctrl-C ends the wait at once (the key chain moves on, so what is typed next shows while the
   * process is still busy); the late result is shown when it comes. Resolves true when the answer
   * came (not stopped) and was not an Error.
   */
  private async request(label: string, run: () => Promise<AoResult>, show: (r: AoResult) => void, what = label): Promise<boolean> {
    let stop!: () => void;
    const stopped = new Promise<'stopped'>((r) => (stop = () => r('stopped')));
    const waiting = { cancelled: false, stop };
    this.waiting = waiting;
    this.set({ busy: { label, since: Date.now() } });
    const answer = run().catch((err: unknown): AoResult => ({ Error: (err as Error).message }));
    const first = await Promise.race([answer, stopped]);
    if (first === 'stopped') {
      this.stillRunning++;
      void answer.then((result) => {
        this.stillRunning--;
        if (this.state.exited) return;
        this.add({ type: 'notice', text: `Result of an input you stopped waiting for (${what}):` });
        show(result);
        this.completer.invalidate();
      });
      return false;
    }
    this.waiting = undefined;
    show(first);
    this.set({ busy: undefined });
    this.live.flush();
    return first.Error === undefined;
  }

  private async evaluate(label: string, source: string, locate?: Locate, modules?: LoadedBundle['modules']): Promise<boolean> {
    const input = this.keep(label.startsWith('loading ') ? label.slice('loading '.length) : `input ${++this.inputCount}`, source, locate);
    // A .load whose bundle does not compile: Lua blames where the chunk ran out (the entry file,
    // past its end), so each file is compiled alone to name the one that is wrong.
    let ownError: string | undefined;
    const send = async () => {
      const r = await this.conn.send({ Tags: [{ name: 'Action', value: 'Eval' }, { name: 'Chunk-Name', value: input.chunk }], Data: source });
      if (r.Error !== undefined && modules && modules.length > 0 && isCompileError(r.Error)) {
        ownError = await moduleSyntaxError(modules, (lua) => this.conn.inspect(lua)).catch(() => undefined);
      }
      return r;
    };
    // the late result names the input it belongs to: `input 3: local n = 0 while true do…`
    const what = `${input.label ?? label}: ${clip(source.trim(), 40)}`;
    const ok = await this.request(label, send, (r) => (ownError !== undefined ? this.add({ type: 'error', text: ownError }) : this.showResult(r, input)), what);
    this.completer.invalidate();
    return ok;
  }

  /**
   * Remember an input's source under a chunk name of its own (the Chunk-Name tag the OS
   * names the chunk by): an error raised later by a function it defined points at it.
   */
  private keep(label: string, source: string, locate?: Locate): EvalSource {
    // the characters the OS accepts in a chunk name (src/lua/eval.lua), 48 at most
    // a long path keeps its end (the file name), which tells two loads apart; and the whole name
    // (with " @HH:MM:SS") stays under the 45 characters Lua shows of a chunk name in an error
    // (`[string "..."]` is cut to LUA_IDSIZE 60), or the error could not be traced back to it
    const name = label.replace(/[^\w\s.\-:/@#]/g, '_').slice(-34);
    const src: EvalSource = { chunk: `${name} @${this.sessionMark}`, source, locate, label: name };
    this.kept.delete(src.chunk);
    this.kept.set(src.chunk, src);
    if (this.kept.size > KEPT_INPUTS) this.kept.delete(this.kept.keys().next().value!);
    return src;
  }

  /** Where an error may point: this session's inputs, then (local processes) the log's earlier Evals. */
  private where(current?: EvalSource): { current?: EvalSource; lookup: (chunk: string) => EvalSource | undefined } {
    return { current, lookup: (chunk) => this.kept.get(chunk) ?? this.options.services?.earlierEval?.(chunk) };
  }

  private showResult(r: AoResult, input?: EvalSource): void {
    const source = input?.source;
    if (r.Error !== undefined) {
      this.add({ type: 'error', text: formatError(r.Error, this.where(input)) });
      if (source !== undefined && secondReturnValue(source, r.Error)) {
        this.add({
          type: 'notice',
          text: SECOND_VALUE_NOTE,
        });
      }
      return;
    }
    const text = outputText(r);
    if (text !== '') this.add({ type: 'result', text });
    // `exit`, `help`, ... typed as a word: Lua here, a global with no value, so nothing shows
    const word = source?.trim();
    const meant = word !== undefined && text === '' ? SHELL_WORDS[word] : undefined;
    if (meant !== undefined) this.add({ type: 'notice', text: `\`${word}\` is Lua here (a global with no value). Did you mean ${meant}?` });
    const prompt = typeof r.Output === 'object' && r.Output !== null ? (r.Output as { prompt?: unknown }).prompt : undefined;
    if (typeof prompt === 'string') this.set({ prompt });
  }

  private async dryrun(expr: string): Promise<void> {
    const input: EvalSource = { chunk: `dry run @${this.sessionMark}`, source: expr, label: 'dry run' };
    await this.request(
      'dry run',
      () => this.conn.dryrun({ Tags: [{ name: 'Action', value: 'Eval' }, { name: 'Chunk-Name', value: input.chunk }], Data: expr }),
      (r) => {
        if (r.Error !== undefined) this.add({ type: 'error', text: formatError(r.Error, this.where(input)) });
        else this.add({ type: 'result', text: outputText(r), note: '(dry run: nothing was kept)' });
      },
    );
  }

  /** .load --watch: send the bundle again whenever one of its files is saved. */
  private watch(path: string): void {
    const watch = this.options.services?.watch;
    if (!watch) throw new Error('.load --watch is not available here');
    this.watchers.get(path)?.close();
    const w = watch(
      path,
      (b) => {
        this.add({ type: 'notice', text: `Changed on disk: reloading ${b.files.join(', ')}` });
        void this.evaluate(`reloading ${path}`, b.source, b.locate, b.modules);
      },
      (err) => this.add({ type: 'error', text: err.message }),
    );
    this.watchers.set(path, w);
    this.add({ type: 'notice', text: `Watching ${path} (and the files it requires): each save reloads it. Ctrl-C stops watching.` });
  }

  private unwatch(path?: string): string[] {
    const stopped: string[] = [];
    for (const [p, w] of this.watchers) {
      if (path !== undefined && p !== path) continue;
      w.close();
      this.watchers.delete(p);
      stopped.push(p);
    }
    return stopped;
  }

  // --- dot-commands ---------------------------------------------------------------

  private async command(line: string): Promise<void> {
    const [name = '', ...rest] = line.split(/\s+/);
    const cmd = findCommand(name);
    if (name === '.') {
      this.add({ type: 'error', text: 'A dot alone is not a command. Type .help to see the commands.' });
      return;
    }
    if (!cmd && AOS_ONLY_COMMANDS[name] !== undefined) {
      this.add({ type: 'error', text: AOS_ONLY_COMMANDS[name]! });
      return;
    }
    if (!cmd) {
      this.add({ type: 'error', text: `Unknown command ${name}. Type .help to see the commands (lines that start with a dot are not sent as Lua).` });
      return;
    }
    const work = (async () => {
      try {
        await cmd.run(this.context, rest, line.slice(name.length).trim());
      } catch (err) {
        this.add({ type: 'error', text: (err as Error).message });
      }
    })();
    // Behind an input you stopped waiting for, a command that asks the process would hold every
    // key unseen: show the spinner instead, and let Ctrl-C stop waiting for it too.
    if (this.stillRunning > 0 && !NO_PROCESS_NEEDED.has(cmd.name)) await this.stoppable(`${cmd.name} (the process is still busy)`, work);
    else await work;
  }

  /** Wait for work with the spinner up; Ctrl-C stops waiting (the work goes on and prints when done). */
  private async stoppable(label: string, work: Promise<void>): Promise<void> {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const waiting = { cancelled: false, stop };
    this.waiting = waiting;
    this.set({ busy: { label, since: Date.now() } });
    await Promise.race([work, stopped]);
    if (waiting.cancelled) return;
    if (this.waiting === waiting) this.waiting = undefined;
    this.set({ busy: undefined });
    this.live.flush();
  }

  /** Run a dot-command as if typed (used for --load at start). */
  async run(line: string): Promise<void> {
    this.echo(line);
    await this.command(line.trim());
  }
}

