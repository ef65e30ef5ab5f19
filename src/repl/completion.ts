// Tab: dot-commands, global names and fields read from the process, paths
// after .load, blueprint names after .load-blueprint. Reading names costs
// the process a snapshot and restore, so it happens on Tab (and again only
// after something may have changed them), not after every Eval.
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Connection } from '../connection.js';
import { commonPrefix, completeCommand } from './commands.js';
import * as ed from './editor.js';

const GLOBALS_LUA = 'local t = {} for k in pairs(_G) do if type(k) == "string" then t[#t + 1] = k end end table.sort(t) return t';

/** The string keys of the table at a dotted path (`Handlers`, `ao.env`), or nothing when it is not a table. */
export function fieldsLua(path: string[]): string {
  const walk = path.map((p) => `if type(v) ~= "table" then return {} end v = rawget(v, ${JSON.stringify(p)})`).join(' ');
  return (
    `local v = _G ${walk} ` +
    'if type(v) ~= "table" then return {} end ' +
    'local t = {} for k in pairs(v) do if type(k) == "string" then t[#t + 1] = k end end ' +
    'local mt = getmetatable(v) if type(mt) == "table" and type(mt.__index) == "table" then for k in pairs(mt.__index) do if type(k) == "string" then t[#t + 1] = k end end end ' +
    'table.sort(t) return t'
  );
}

/** What a Tab does: text to insert, or a hint listing the candidates, or nothing. */
export type Completion = { insert: string } | { hint: string } | undefined;

export class Completer {
  private globals?: string[];
  private fields = new Map<string, string[]>();

  constructor(
    private readonly conn: Connection,
    private readonly blueprints: () => string[] = () => [],
  ) {}

  /** The process may have new globals (after an Eval or a live message). */
  invalidate(): void {
    this.globals = undefined;
    this.fields.clear();
  }

  /** `canAsk` false: the process is busy, so only what needs no answer from it (or was read before) completes. */
  async complete(editor: ed.EditorState, mode: 'normal' | 'continue' | 'editor', canAsk = true): Promise<Completion> {
    const before = editor.text.slice(0, editor.cursor);
    if (mode === 'normal') {
      if (/^\s*\.\S*$/.test(before)) {
        const { completion, candidates } = completeCommand(before.trim());
        return apply(before.trim(), completion, candidates, ' ');
      }
      const load = /^\s*\.load(?:\s+--(?:watch|stop))?\s+(\S*)$/.exec(before);
      if (load) return completePath(load[1]!);
      const bp = /^\s*\.load-blueprint\s+(\S*)$/.exec(before);
      if (bp) {
        const candidates = this.blueprints().filter((n) => n.startsWith(bp[1]!));
        return apply(bp[1]!, commonPrefix(candidates), candidates, '');
      }
      if (/^\s*\./.test(before)) return undefined;
    }
    // A name, possibly after a dotted path of names: `Handl`, `Handlers.ad`, `ao.env.Pro`.
    const m = /((?:[A-Za-z_][A-Za-z0-9_]*\s*[.:]\s*)*)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    const head = before.slice(0, m.index);
    if (/[.:]\s*$/.test(head) || /[0-9]$/.test(head)) return undefined;
    const prefix = m[2] ?? '';
    const path = m[1] === '' ? [] : m[1]!.split(/\s*[.:]\s*/).filter((p) => p !== '');
    const cached = path.length === 0 ? this.globals : this.fields.get(path.join('.'));
    if (!canAsk && !cached) return { hint: '(the process is still busy with an input you stopped waiting for; Tab completes names when it is done)' };
    const names = path.length === 0 ? await this.globalNames() : await this.fieldNames(path);
    const candidates = names.filter((g) => g.startsWith(prefix));
    return apply(prefix, commonPrefix(candidates), candidates, '');
  }

  private async globalNames(): Promise<string[]> {
    if (!this.globals) this.globals = await this.read(GLOBALS_LUA);
    return this.globals ?? [];
  }

  private async fieldNames(path: string[]): Promise<string[]> {
    const key = path.join('.');
    if (!this.fields.has(key)) this.fields.set(key, (await this.read(fieldsLua(path))) ?? []);
    return this.fields.get(key)!;
  }

  private async read(lua: string): Promise<string[] | undefined> {
    try {
      const names = await this.conn.inspect(lua);
      return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    } catch {
      // Completion is a convenience; a process that cannot answer just gets none.
      return undefined;
    }
  }
}

/** Paths for .load: folders (with a slash) and .lua files. */
export function completePath(typed: string): Completion {
  const unquoted = typed.replace(/^["']/, '');
  const expanded = unquoted.startsWith('~/') ? join(homedir(), unquoted.slice(2)) : unquoted;
  const slash = expanded.lastIndexOf('/');
  const dir = slash === -1 ? '.' : expanded.slice(0, slash + 1);
  const base = slash === -1 ? expanded : expanded.slice(slash + 1);
  let entries: string[];
  try {
    entries = readdirSync(resolve(dir === '' ? '/' : dir));
  } catch {
    return undefined;
  }
  const candidates: string[] = [];
  for (const e of entries) {
    if (!e.startsWith(base) || (e.startsWith('.') && !base.startsWith('.'))) continue;
    let isDir = false;
    try {
      isDir = statSync(resolve(dir === '' ? '/' : dir, e)).isDirectory();
    } catch {
      continue;
    }
    if (isDir) candidates.push(`${e}/`);
    else if (e.endsWith('.lua')) candidates.push(e);
  }
  return apply(base, commonPrefix(candidates), candidates, '');
}

function apply(prefix: string, completion: string, candidates: string[], afterOne: string): Completion {
  if (candidates.length === 0) return undefined;
  if (completion.length > prefix.length) {
    return { insert: completion.slice(prefix.length) + (candidates.length === 1 ? afterOne : '') };
  }
  if (candidates.length > 1) return { hint: candidates.slice(0, 30).join('  ') + (candidates.length > 30 ? '  …' : '') };
  return undefined;
}
