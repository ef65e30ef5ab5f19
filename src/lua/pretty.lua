-- pretty.lua: `.pretty`, the indented table printer aos ships (spec §4.2).
-- tprint(t, indent) returns one "key: value" line per pair, in pairs order;
-- a nested table gets a "key: " line and its own pairs one space further in.
-- Values are concatenated as they are (numbers, strings), booleans through
-- tostring; a function value or a table key is an error, as in aos.

local pretty = { _version = "0.0.1" }

function pretty.tprint(tbl, indent)
  indent = indent or 0
  local lines = {}
  for k, v in pairs(tbl) do
    local head = string.rep(" ", indent) .. k .. ": "
    local kind = type(v)
    if kind == "table" then
      lines[#lines + 1] = head .. "\n" .. pretty.tprint(v, indent + 1)
    elseif kind == "boolean" then
      lines[#lines + 1] = head .. tostring(v) .. "\n"
    else
      lines[#lines + 1] = head .. v .. "\n"
    end
  end
  return table.concat(lines)
end

return pretty
