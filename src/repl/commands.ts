// The shell's dot-commands: one table, so .help, Tab completion and the
// dispatcher can never disagree.
import { expandPath } from '../bundle/resolve.js';
import { paint } from '../text/ansi.js';
import { shortId } from '../text/width.js';
import type { DotCommand } from './context.js';

export type { DotCommand } from './context.js';

function luaString(s: string): string {
  return JSON.stringify(s);
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
    data = data:sub(1, 60), ts = tostring(m.Timestamp or "") }
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

export const COMMANDS: DotCommand[] = [
  {
    name: '.help',
    summary: 'this list',
    run(s) {
      const rows = COMMANDS.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary]);
      s.print({
        type: 'table',
        dim: true,
        headers: ['command', 'what it does'],
        rows,
        after:
          'Anything else is Lua, sent to the process as an Eval. Unfinished blocks continue on the next line.\n' +
          'Keys: Up/Down history · Tab completes · Ctrl-C clears the line (twice on an empty line exits) · Ctrl-D exits',
      });
    },
  },
  {
    name: '.load',
    args: '[--watch] <file.lua>',
    summary: 'send a file and the local modules it requires, as one Eval (--watch: again on every save)',
    async run(s, _args, rest) {
      const watch = /^--watch(\s+|$)/.test(rest);
      const path = watch ? rest.replace(/^--watch\s*/, '') : rest;
      if (!path) throw new Error('Usage: .load [--watch] <file.lua> (paths with spaces may be quoted)');
      const bundle = s.services.bundle;
      if (!bundle) throw new Error('.load is not available here');
      const file = typedPath(path);
      const b = await bundle(file);
      s.print({ type: 'notice', text: `Loading ${b.files.join(', ')}` });
      await s.evaluate(`loading ${path}`, b.source, b.locate);
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
      await s.evaluate(`loading blueprint ${name}`, source);
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
        rows: rows.map((m) => [String(m.i), shortId(m.from), m.action, m.data.replace(/\s+/g, ' ').slice(0, 40), ts(m.ts)]),
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
    summary: 'send a message from the process (target: a local name or an id)',
    async run(s, args) {
      const [target, action, ...more] = args;
      if (!target || !action) throw new Error('Usage: .send <target> <Action> [key=value ...] [data]');
      const id = (s.connection.capabilities.names ? await s.services.resolveTarget?.(target) : undefined) ?? target;
      const fields = [`Target = ${luaString(id)}`, `Action = ${luaString(action)}`];
      const data: string[] = [];
      for (const part of more) {
        const eq = part.indexOf('=');
        if (eq > 0 && data.length === 0) fields.push(`[${luaString(part.slice(0, eq))}] = ${luaString(part.slice(eq + 1))}`);
        else data.push(part);
      }
      if (data.length > 0) fields.push(`Data = ${luaString(data.join(' '))}`);
      await s.evaluate(`sending ${action}`, `Send({ ${fields.join(', ')} }) return "sent ${action} to ${id}"`);
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
    name: '.clear',
    summary: 'clear the screen',
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
