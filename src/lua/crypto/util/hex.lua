-- .crypto.util.hex: lower-case hex of a string, and back.
local byte, format, concat = string.byte, string.format, table.concat

local HEX = {}
for i = 0, 255 do HEX[i] = format("%02x", i) end

-- stringToHex(s, ln, sep): with ln, a newline after every ln bytes and sep
-- between the other bytes.
local function stringToHex(s, ln, sep)
  local len = #s
  if len == 0 then return "" end
  local out = {}
  if not ln then
    for i = 1, len, 4096 do
      local last = i + 4095
      if last > len then last = len end
      local part = { byte(s, i, last) }
      for j = 1, #part do part[j] = HEX[part[j]] end
      out[#out + 1] = concat(part)
    end
    return concat(out)
  end
  sep = sep or ""
  for i = 1, len - 1 do
    out[i] = HEX[byte(s, i)] .. ((i % ln == 0) and "\n" or sep)
  end
  out[len] = HEX[byte(s, len)]
  return concat(out)
end

-- hexToString(hs, unsafe): unless unsafe, white space is dropped and the
-- text must be an even number of letters and digits.
local function hexToString(hs, unsafe)
  if not unsafe then
    hs = hs:gsub("%s+", "")
    if hs:find("[^0-9A-Za-z]") or #hs % 2 ~= 0 then
      error("invalid hex string")
    end
  end
  local s = hs:gsub("(%x%x)", function(h) return string.char(tonumber(h, 16)) end)
  return s
end

return { stringToHex = stringToHex, hexToString = hexToString }
