-- base64.lua: standard alphabet (RFC 4648) encoder/decoder with '=' padding.
-- aos exposes a `base64` global; processes use it for binary payloads.

local base64 = {}

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local encodeMap, decodeMap = {}, {}
for i = 1, 64 do
  local c = alphabet:sub(i, i)
  encodeMap[i - 1] = c
  decodeMap[c:byte()] = i - 1
end

function base64.encode(s)
  assert(type(s) == "string", "base64.encode expects a string")
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = (a << 16) | ((b or 0) << 8) | (c or 0)
    out[#out + 1] = encodeMap[(n >> 18) & 63] .. encodeMap[(n >> 12) & 63]
      .. (b and encodeMap[(n >> 6) & 63] or "=")
      .. (c and encodeMap[n & 63] or "=")
  end
  return table.concat(out)
end

function base64.decode(s)
  assert(type(s) == "string", "base64.decode expects a string")
  -- Ignore whitespace and padding; decode whatever full groups remain.
  s = s:gsub("[^%w%+/]", "")
  local out = {}
  for i = 1, #s, 4 do
    local n, bits = 0, 0
    for j = i, math.min(i + 3, #s) do
      n = (n << 6) | decodeMap[s:byte(j)]
      bits = bits + 6
    end
    n = n << (24 - bits)
    local bytes = bits // 8
    local chunk = string.char((n >> 16) & 255, (n >> 8) & 255, n & 255)
    out[#out + 1] = chunk:sub(1, bytes)
  end
  return table.concat(out)
end

return base64
