-- stringify.lua: the coloured table renderer used by print() and Eval output
-- (spec §7). Three layouts: simple arrays on one line, maps one key per line,
-- and other arrays one item per line. Walks tables in `pairs` order, as aos does.

local stringify = {}

local RED, GREEN, BLUE, RESET = "\27[31m", "\27[32m", "\27[34m", "\27[0m"

local function isSimpleArray(t)
  -- Keys 1..n with only string/number values ({} qualifies).
  local n = 0
  for k, v in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return false end
    local tv = type(v)
    if tv ~= "string" and tv ~= "number" then return false end
    n = n + 1
  end
  return n == #t
end

local function scalar(v)
  if type(v) == "string" then return GREEN .. "\"" .. v .. "\"" .. RESET end
  return BLUE .. tostring(v) .. RESET
end

-- `ancestors` holds the tables currently being rendered, so a cycle prints
-- <circular reference> instead of recursing forever. aos only checks this in
-- map mode; we also guard array mode so a self-referencing array cannot
-- overflow the stack (aos would crash there anyway).
function stringify.format(tbl, indent, ancestors)
  indent = indent or 0
  ancestors = ancestors or {}
  local pad = string.rep(" ", indent)

  if isSimpleArray(tbl) then
    local items = {}
    for i = 1, #tbl do items[i] = scalar(tbl[i]) end
    return "{ " .. table.concat(items, ", ") .. " }"
  end

  ancestors[tbl] = true
  local lines = {}
  local arrayMode, nextIndex = true, 1
  for k, v in pairs(tbl) do
    if arrayMode then
      if k == nextIndex then
        nextIndex = nextIndex + 1
        local rendered
        if type(v) == "table" then
          rendered = ancestors[v] and "<circular reference>" or stringify.format(v, indent + 2, ancestors)
        else
          rendered = scalar(v)
        end
        lines[#lines + 1] = pad .. "  " .. rendered
      else
        -- First non-sequential key: aos switches to map mode and forgets the
        -- array items rendered so far ({1,2,x=3} prints only x).
        arrayMode = false
        lines = {}
      end
    end
    if not arrayMode then
      local rendered
      if type(v) == "table" then
        rendered = ancestors[v] and "<circular reference>" or stringify.format(v, indent + 2, ancestors)
      else
        rendered = scalar(v)
      end
      lines[#lines + 1] = pad .. "   " .. RED .. tostring(k) .. RESET .. " = " .. rendered
    end
  end
  ancestors[tbl] = nil

  if arrayMode then
    return "{\n" .. table.concat(lines, ",\n") .. "\n" .. pad .. " }"
  end
  return "{\n" .. table.concat(lines, ",\n") .. "\n" .. pad .. "}"
end

return stringify
