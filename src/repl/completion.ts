// Tab: dot-commands, and global names read from the process. Reading the
// names costs the process a snapshot and restore, so it happens on Tab (and
// again only after something may have changed them), not after every Eval.
import type { Connection } from '../connection.js';
import { commonPrefix, completeCommand } from './commands.js';
import * as ed from './editor.js';

const GLOBALS_LUA = 'local t = {} for k in pairs(_G) do if type(k) == "string" then t[#t + 1] = k end end table.sort(t) return t';

/** What a Tab does: text to insert, or a hint listing the candidates, or nothing. */
export type Completion = { insert: string } | { hint: string } | undefined;

export class Completer {
  private globals?: string[];

  constructor(private readonly conn: Connection) {}

  /** The process may have new globals (after an Eval or a live message). */
  invalidate(): void {
    this.globals = undefined;
  }

  async complete(editor: ed.EditorState, mode: 'normal' | 'continue' | 'editor'): Promise<Completion> {
    const before = editor.text.slice(0, editor.cursor);
    if (/^\s*\.\S*$/.test(before) && mode === 'normal') {
      const { completion, candidates } = completeCommand(before.trim());
      return apply(before.trim(), completion, candidates);
    }
    const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before);
    if (!m || /[.:]$/.test(before.slice(0, before.length - m[0].length))) return undefined;
    const prefix = m[0];
    if (!this.globals) await this.refresh();
    const candidates = (this.globals ?? []).filter((g) => g.startsWith(prefix));
    return apply(prefix, commonPrefix(candidates), candidates);
  }

  private async refresh(): Promise<void> {
    try {
      const names = await this.conn.inspect(GLOBALS_LUA);
      this.globals = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    } catch {
      // Completion is a convenience; a process that cannot answer just gets none.
    }
  }
}

function apply(prefix: string, completion: string, candidates: string[]): Completion {
  if (candidates.length === 0) return undefined;
  if (completion.length > prefix.length) {
    return { insert: completion.slice(prefix.length) + (candidates.length === 1 && completion.startsWith('.') ? ' ' : '') };
  }
  if (candidates.length > 1) return { hint: candidates.slice(0, 30).join('  ') + (candidates.length > 30 ? '  …' : '') };
  return undefined;
}
