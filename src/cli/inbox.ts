// `aos-ts inbox <process>`: the newest entries of the process's Inbox, read
// with isolated host Lua (the process is not changed, nothing is logged),
// through src/local/inbox.ts (the one Inbox listing).
import { clip, plainTable as table, shortId } from '../text/width.js';
import { findProcess, openNetwork, parsePositive, type CommonOptions } from './common.js';
import { out, printJson, runCommand } from './output.js';

export interface InboxCommandOptions extends CommonOptions {
  n?: string;
}

export type { InboxEntry } from '../local/inbox.js';

export function runInbox(target: string, opts: InboxCommandOptions): Promise<number> {
  return runCommand(async () => {
    const limit = parsePositive('-n', opts.n, 20);
    // A read: cron ticks that are due wait for the next real open.
    const network = await openNetwork(opts, { cron: false });
    try {
      const id = findProcess(network, target);
      // A read needs no lock: works while a shell holds the process.
      const proc = await network.readOnly(id);
      const { readInbox } = await import('../local/inbox.js');
      const { total, entries } = await readInbox((lua) => proc.inspect(lua), limit);
      if (opts.json) {
        printJson({ process: id, name: proc.name, total, entries });
        return 0;
      }
      if (total === 0) {
        out(`The Inbox of "${proc.name}" is empty. Messages no handler takes land there; try: aos-ts send ${proc.name} --action Hello`);
        return 0;
      }
      const names = new Map(network.list().map((m) => [m.id, m.name]));
      names.set(network.identity.address, 'you');
      const from = (addr: string) => {
        const known = names.get(addr);
        return known ? `${clip(known, 16)} (${shortId(addr)})` : shortId(addr);
      };
      const table_ = [['#', 'FROM', 'ACTION', 'DATA', 'TIMESTAMP']];
      for (const e of entries) {
        table_.push([
          String(e.index),
          from(e.from),
          e.action === null ? '-' : clip(e.action, 24),
          e.data === '' ? '-' : clip(e.data, 40),
          e.timestamp === null ? '-' : new Date(e.timestamp).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        ]);
      }
      const shown = entries.length < total ? `, showing the last ${entries.length} (-n to see more)` : '';
      out(`Inbox of "${proc.name}": ${total} message${total === 1 ? '' : 's'}${shown}\n${table(table_)}`);
      return 0;
    } finally {
      await network.close();
    }
  });
}
