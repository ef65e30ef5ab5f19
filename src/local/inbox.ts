// The Inbox listing, one for every face (`.inbox` in the shell, `aos-ts
// inbox`): the newest entries of a process's Inbox, read with host Lua that
// changes nothing. Data is cut in Lua, at a UTF-8 boundary, so a huge message
// never crosses the bridge whole; `dataLength` says how long it was.

export interface InboxEntry {
  /** Position in Inbox (1-based, as Lua's Inbox[i]). */
  index: number;
  from: string;
  action: string | null;
  data: string;
  /** Bytes of Data, before it was cut. */
  dataLength: number;
  timestamp: number | null;
  id: string | null;
}

export interface InboxListing {
  /** How many messages the Inbox holds. */
  total: number;
  /** The newest `limit` of them, oldest first. */
  entries: InboxEntry[];
}

/** Bytes of Data kept per entry. */
export const INBOX_DATA_BYTES = 512;

/** The host Lua that lists the newest `limit` entries. */
export function inboxLua(limit: number, dataBytes = INBOX_DATA_BYTES): string {
  const n = Math.max(1, Math.floor(limit));
  const cutAt = Math.max(1, Math.floor(dataBytes));
  return `
local box = Inbox
if type(box) ~= "table" then return { total = 0, rows = {} } end
local n = #box
local rows = {}
local okJson, json = pcall(require, ".json")
for i = math.max(1, n - ${n} + 1), n do
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
    if size > ${cutAt} then
      local cut = ${cutAt}
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

/** List the Inbox through any reader of host Lua (LocalProcess.inspect, Connection.inspect). */
export async function readInbox(inspect: (lua: string) => Promise<unknown>, limit: number, dataBytes = INBOX_DATA_BYTES): Promise<InboxListing> {
  const raw = (await inspect(inboxLua(limit, dataBytes))) as { total?: number; rows?: RawRow[] | Record<string, never> } | null;
  const total = typeof raw?.total === 'number' ? raw.total : 0;
  const rows: RawRow[] = Array.isArray(raw?.rows) ? raw.rows : [];
  return {
    total,
    entries: rows.map((r) => ({
      index: r.index,
      from: r.from,
      action: r.action ?? null,
      data: r.data,
      dataLength: r.size,
      timestamp: typeof r.timestamp === 'number' ? r.timestamp : null,
      id: r.id ?? null,
    })),
  };
}
