// The shell's dot-commands: one table, so .help, Tab completion and the
// dispatcher can never disagree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrapAnsi from 'wrap-ansi';
import { expandPath } from '../bundle/resolve.js';
import { paint } from '../text/ansi.js';
import { clip, shortId, textWidth } from '../text/width.js';
import type { DotCommand } from './context.js';

export type { DotCommand } from './context.js';

function luaString(s: string): string {
  return JSON.stringify(s);
}

/** Words as a shell splits them: quotes group (`Foo="a b"`, `"two words"`) and are dropped; a backslash escapes. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && i + 1 < line.length && (line[i + 1] === quote || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if (c === '\\' && i + 1 < line.length) word += line[++i];
      else word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`Unclosed ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** The list of commands as text, the descriptions wrapped at word boundaries to the terminal width. */
export function helpText(columns: number): string {
  const names = COMMANDS.map((c) => `${c.name}${c.args ? ` ${c.args}` : ''}`);
  // Names wider than half the screen go on a line of their own.
  const nameWidth = Math.min(Math.max(...names.map(textWidth)), 40, Math.floor(columns / 2));
  const room = Math.max(10, columns - nameWidth - 2);
  const lines: string[] = [];
  COMMANDS.forEach((c, i) => {
    const name = names[i]!;
    const wrapped = wrapAnsi(c.summary, room, { hard: true, trim: true }).split('\n');
    if (textWidth(name) > nameWidth) {
      lines.push(name);
      for (const w of wrapped) lines.push(`${' '.repeat(nameWidth + 2)}${w}`);
      return;
    }
    lines.push(`${name.padEnd(nameWidth)}  ${wrapped[0] ?? ''}`);
    for (const w of wrapped.slice(1)) lines.push(`${' '.repeat(nameWidth + 2)}${w}`);
  });
  const after =
    'Anything else is Lua, sent to the process as an Eval. Unfinished blocks continue on the next line. ' +
    'Keys: Up/Down history · Tab completes names, fields, paths and blueprints · Ctrl-C clears the line (twice on an empty line exits) · Ctrl-D exits';
  return `${lines.join('\n')}\n\n${wrapAnsi(after, Math.max(20, columns - 1), { hard: true, trim: true })}`;
}

/** Where .pad keeps its file for a process (kept between .pad runs, so you edit on from where you were). */
function padFile(id: string): string {
  return join(tmpdir(), `aos-ts-pad-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.lua`);
}

/** A path as typed: quotes around it (for spaces) are dropped; ~ and relative paths resolve. */
function typedPath(p: string): string {
  return expandPath(p.replace(/^(["'])(.*)\1$/, '$2'));
}

const INBOX_LUA = (n: number) => `
local out, first = {}, math.max(1, #Inbox - ${n} + 1)
for i = first, #Inbox do
  local m = Inbox[i]
  local data = m.Data
  if type(data) ~= "string" then data = data == nil and "" or require(".json").encode(data) end
  out[#out + 1] = { i = i, from = tostring(m.From or ""), action = tostring(m.Action or ""),
    data = data:sub(1, 240), ts = tostring(m.Timestamp or "") }
end
return { total = #Inbox, rows = out }`;

const HANDLERS_LUA = `
local out = {}
for i, h in ipairs(Handlers.list) do
  local p = h.pattern
  local kind = type(p) == "string" and ('"' .. p .. '"') or type(p)
  out[#out + 1] = { i = i, name = tostring(h.name), pattern = kind, maxRuns = tostring(h.maxRuns or "inf") }
end
return out`;

/** aos's dot-commands that aos-ts has no use for: what to know instead. */
export const AOS_ONLY_COMMANDS: Record<string, string> = {
  '.update':
    ".update is aos's (it sends a newer OS to the process). A local process always runs the OS bundled with aos-ts, so there is nothing to update; for a process on AO, use aos's .update.",
};

export const COMMANDS: DotCommand[] = [
  {
    name: '.help',
    summary: 'this list',
    run(s) {
      s.print({ type: 'notice', text: helpText(process.stdout.columns || 100) });
    },
  },
  {
    name: '.load',
    args: '[--watch|--stop] <file.lua>',
    summary: 'send a file and the local modules it requires, as one Eval (--watch: again on every save, until Ctrl-C or --stop)',
    async run(s, _args, rest) {
      if (/^--stop(\s+|$)/.test(rest)) return unwatch(s, rest.replace(/^--stop\s*/, ''));
      const watch = /^--watch(\s+|$)/.test(rest);
      const path = watch ? rest.replace(/^--watch\s*/, '') : rest;
      if (!path) throw new Error('Usage: .load [--watch] <file.lua> (paths with spaces may be quoted)');
      const bundle = s.services.bundle;
      if (!bundle) throw new Error('.load is not available here');
      const file = typedPath(path);
      const b = await bundle(file);
      s.print({ type: 'notice', text: `Loading ${b.files.join(', ')}` });
      await s.evaluate(`loading ${path}`, b.source, b.locate, b.modules);
      if (watch) s.watch(file);
    },
  },
  {
    name: '.load-blueprint',
    args: '<name>',
    summary: 'load one of the bundled blueprints (see .blueprints)',
    async run(s, args) {
      const name = args[0];
      if (!name) throw new Error('Usage: .load-blueprint <name>; .blueprints lists them');
      const source = s.services.blueprintSource?.(name);
      if (source === undefined) throw new Error('blueprints are not available here');
      if (await s.evaluate(`loading blueprint ${name}`, source)) s.print({ type: 'notice', text: `Loaded the ${name} blueprint.` });
    },
  },
  {
    name: '.blueprints',
    summary: 'list the blueprints you can load',
    run(s) {
      const list = s.services.blueprints?.() ?? [];
      if (list.length === 0) s.print({ type: 'notice', text: 'No blueprints found.' });
      else s.print({ type: 'table', dim: true, headers: ['name', 'what it is'], rows: list.map((b) => [b.name, b.summary]) });
    },
  },
  {
    name: '.editor',
    summary: 'type Lua over several lines; .done sends it, .cancel drops it',
    run(s) {
      s.editor.start();
    },
  },
  {
    name: '.dryrun',
    args: '<lua>',
    summary: 'evaluate once against the current state and keep nothing',
    async run(s, _args, rest) {
      if (!rest) throw new Error('Usage: .dryrun <lua>, e.g. .dryrun #Inbox');
      await s.dryrun(rest);
    },
  },
  {
    name: '.inbox',
    args: '[n]',
    summary: 'the last n messages in the Inbox (default 10)',
    async run(s, args) {
      const n = args[0] === undefined ? 10 : Number(args[0]);
      if (!Number.isInteger(n) || n < 0) throw new Error('Usage: .inbox [n] with n a whole number');
      const r = (await s.connection.inspect(INBOX_LUA(n))) as { total: number; rows: { i: number; from: string; action: string; data: string; ts: string }[] | Record<string, never> };
      const rows = Array.isArray(r.rows) ? r.rows : [];
      if (rows.length === 0) {
        s.print({ type: 'notice', text: `The Inbox is empty (${r.total} messages).` });
        return;
      }
      const ts = (t: string) => (/^\d{10,}$/.test(t) ? new Date(Number(t)).toISOString().replace('T', ' ').slice(0, 19) : t);
      s.print({
        type: 'table',
        headers: ['#', 'from', 'action', 'data', 'time'],
        // clip: a process's Data often holds colour codes (the token's notices), which a cut would leave open
        rows: rows.map((m) => [String(m.i), shortId(clip(m.from, 43)), clip(m.action, 24), clip(m.data.replace(/\s+/g, ' '), 40), ts(m.ts)]),
        after: paint.gray(`${rows.length} of ${r.total} messages`),
      });
    },
  },
  {
    name: '.handlers',
    summary: 'the handlers the process has, in the order they run',
    async run(s) {
      const list = (await s.connection.inspect(HANDLERS_LUA)) as { i: number; name: string; pattern: string; maxRuns: string }[] | Record<string, never>;
      const rows = Array.isArray(list) ? list : [];
      s.print({ type: 'table', headers: ['#', 'name', 'pattern', 'runs left'], rows: rows.map((h) => [String(h.i), h.name, h.pattern, h.maxRuns]) });
    },
  },
  {
    name: '.send',
    args: '<target> <Action> [k=v ...] [data]',
    summary: 'send a message from the process (target: a local name or an id); quote values with spaces: Note="a b"',
    async run(s, _args, rest) {
      const [target, action, ...more] = splitWords(rest);
      if (!target || !action) throw new Error('Usage: .send <target> <Action> [key=value ...] [data]');
      let id = target;
      let pending: string | undefined;
      if (s.connection.capabilities.names) {
        const local = await s.services.resolveTarget?.(target);
        if (local !== undefined) id = local;
        else if (ID.test(target)) pending = `pending: ${target} is not a local process, so the message is not delivered here; it stays recorded as pending in this process's outbox.`;
        else throw new Error(`No local process is named ${target}. .send takes a local process name or a 43-character process id (aos-ts list shows them).`);
      } else if (!ID.test(target)) {
        // on AO a Target is an id; a name would be sent as it is, to nobody
        throw new Error(`${target} is not a process id. On AO, .send takes the 43-character id of the target (names work for local processes only).`);
      }
      const fields = [`Target = ${luaString(id)}`, `Action = ${luaString(action)}`];
      const data: string[] = [];
      for (const part of more) {
        const eq = part.indexOf('=');
        if (eq > 0 && data.length === 0) fields.push(`[${luaString(part.slice(0, eq))}] = ${luaString(part.slice(eq + 1))}`);
        else data.push(part);
      }
      if (data.length > 0) fields.push(`Data = ${luaString(data.join(' '))}`);
      const ok = await s.evaluate(`sending ${action}`, `Send({ ${fields.join(', ')} }) return ${luaString(`sent ${action} to ${target === id ? id : `${target} (${id})`}`)}`);
      if (ok && pending) s.print({ type: 'notice', text: pending });
    },
  },
  {
    name: '.undo',
    summary: 'local processes: go back to the state before your last message',
    async run(s) {
      const conn = s.connection;
      if (!conn.capabilities.undo || !conn.undo) throw new Error('.undo works on local processes only');
      const what = await conn.undo();
      s.print({ type: 'notice', text: what ? `Undone: ${what}` : 'Nothing to undo.' });
      if (what) s.print({ type: 'notice', text: 'Messages it sent to other processes are not taken back.' });
    },
  },
  {
    name: '.unwatch',
    args: '[file.lua]',
    summary: 'stop .load --watch (one file, or all)',
    run(s, _args, rest) {
      unwatch(s, rest);
    },
  },
  {
    name: '.pause',
    summary: 'hold live messages (none are lost; .live shows them)',
    run(s) {
      if (s.live.paused) s.print({ type: 'notice', text: 'The live feed is already paused; .live resumes it.' });
      else {
        s.live.pause();
        s.print({ type: 'notice', text: '=== Live feed paused: messages are kept; .live shows them ===' });
      }
    },
  },
  {
    name: '.live',
    summary: 'show live messages again, starting with those held by .pause',
    run(s) {
      if (!s.live.paused) {
        s.print({ type: 'notice', text: 'The live feed is on.' });
        return;
      }
      s.print({ type: 'notice', text: '=== Live feed on ===' });
      const n = s.live.resume();
      if (n > 0) s.print({ type: 'notice', text: `(${n} message${n === 1 ? '' : 's'} held while paused, shown above in order)` });
    },
  },
  {
    name: '.monitor',
    summary: "local processes: run the process's cron ticks while the shell is open (on by default)",
    async run(s) {
      if (!s.services.monitor) throw new Error('.monitor works on local processes only (on AO, cron ticks are pushed by the network)');
      s.print({ type: 'notice', text: await s.services.monitor(true) });
    },
  },
  {
    name: '.unmonitor',
    summary: 'local processes: stop the cron ticks until .monitor (ticks that fall due meanwhile come then)',
    async run(s) {
      if (!s.services.monitor) throw new Error('.unmonitor works on local processes only');
      s.print({ type: 'notice', text: await s.services.monitor(false) });
    },
  },
  {
    name: '.pad',
    summary: 'write Lua in $EDITOR; what you save is sent as one Eval when the editor exits',
    async run(s) {
      const runEditor = s.services.runEditor;
      if (!runEditor) throw new Error('.pad needs a terminal');
      const file = padFile(s.connection.info().id);
      if (!existsSync(file)) writeFileSync(file, '-- Write Lua here; save and quit to send it as one Eval.\n');
      const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
      const before = digest();
      const code = await runEditor(file);
      if (code !== 0) {
        s.print({ type: 'notice', text: `The editor exited with code ${code}; nothing was sent.` });
        return;
      }
      const source = readFileSync(file, 'utf8');
      if (digest() === before) {
        s.print({ type: 'notice', text: `Unchanged; nothing was sent (${file}).` });
        return;
      }
      if (source.replace(/^\s*--.*$/gm, '').trim() === '') {
        s.print({ type: 'notice', text: 'The pad is empty; nothing was sent.' });
        return;
      }
      s.print({ type: 'input', prompt: paint.gray('pad> '), lines: source.replace(/\n+$/, '').split('\n') });
      await s.evaluate('evaluating the pad', source);
    },
  },
  {
    name: '.clear',
    summary: 'clear the screen (your scrollback stays)',
    run(s) {
      s.clear();
    },
  },
  {
    name: '.exit',
    summary: 'leave (Ctrl-D does too)',
    run(s) {
      s.exit();
    },
  },
];

function unwatch(s: Parameters<DotCommand['run']>[0], rest: string): void {
  const path = rest.trim() === '' ? undefined : typedPath(rest.trim());
  const stopped = s.unwatch(path);
  if (stopped.length > 0) s.print({ type: 'notice', text: `Stopped watching ${stopped.join(', ')}.` });
  else s.print({ type: 'notice', text: path === undefined ? 'Nothing is being watched.' : `${path} is not being watched.` });
}

export function findCommand(name: string): DotCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

export function completeCommand(prefix: string): { completion: string; candidates: string[] } {
  const candidates = COMMANDS.map((c) => c.name).filter((n) => n.startsWith(prefix));
  return { completion: candidates.length === 0 ? prefix : commonPrefix(candidates), candidates };
}
