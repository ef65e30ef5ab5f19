// `aos-ts inbox <process>`: the newest entries of the process's Inbox, read
// with isolated host Lua (the process is not changed, nothing is logged).
import { clip, shortId } from '../text/width.js';
import { findProcess, openNetwork, parsePositive, type CommonOptions } from './common.js';
import { out, printJson, runCommand, table } from './output.js';

export interface InboxCommandOptions extends CommonOptions {
  n?: string;
}

export interface InboxEntry {
  /** Position in Inbox (1-based, as Lua's Inbox[i]). */
  index: number;
  from: string;
  action: string | null;
  data: string;
  /** Bytes of Data, before it was cut for display. */
  dataLength: number;
  timestamp: number | null;
  id: string | null;
}

// Data is cut in Lua (at a UTF-8 boundary) so a huge message never crosses the bridge whole.
const DATA_BYTES = 512;

function inboxLua(limit: number): string {
  return `
local box = Inbox
if type(box) ~= "table" then return { total = 0, rows = {} } end
local n = #box
local rows = {}
local okJson, json = pcall(require, ".json")
for i = math.max(1, n - ${limit} + 1), n do
  local m = box[i]
  if type(m) == "table" then
    local data = m.Data
    if type(data) == "table" and okJson then
      local ok, text = pcall(json.encode, data)
      data = ok and text or tostring(data)
    elseif data == nil then
      data = ""
    else
      data = tostring(data)
    end
    local size = #data
    if size > ${DATA_BYTES} then
      local cut = ${DATA_BYTES}
      while cut > 0 and (data:byte(cut + 1) or 0) >= 0x80 and (data:byte(cut + 1) or 0) < 0xC0 do cut = cut - 1 end
      data = data:sub(1, cut)
    end
    local action = m.Action
    if action == nil and type(m.Tags) == "table" then action = m.Tags.Action end
    rows[#rows + 1] = {
      index = i,
      from = tostring(m.From or ""),
      action = action ~= nil and tostring(action) or nil,
      data = data,
      size = size,
      timestamp = tonumber(m.Timestamp),
      id = m.Id ~= nil and tostring(m.Id) or nil,
    }
  end
end
return { total = n, rows = rows }
`;
}

interface RawRow {
  index: number;
  from: string;
  action?: string;
  data: string;
  size: number;
  timestamp?: number;
  id?: string;
}

export function runInbox(target: string, opts: InboxCommandOptions): Promise<number> {
  return runCommand(async () => {
    const limit = parsePositive('-n', opts.n, 20);
    // A read: cron ticks that are due wait for the next real open.
    const network = await openNetwork(opts, { cron: false });
    try {
      const id = findProcess(network, target);
      const proc = await network.get(id);
      const raw = (await proc.inspect(inboxLua(limit))) as { total?: number; rows?: RawRow[] | Record<string, never> } | null;
      const total = typeof raw?.total === 'number' ? raw.total : 0;
      const rows: RawRow[] = Array.isArray(raw?.rows) ? raw.rows : [];
      const entries: InboxEntry[] = rows.map((r) => ({
        index: r.index,
        from: r.from,
        action: r.action ?? null,
        data: r.data,
        dataLength: r.size,
        timestamp: typeof r.timestamp === 'number' ? r.timestamp : null,
        id: r.id ?? null,
      }));
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
