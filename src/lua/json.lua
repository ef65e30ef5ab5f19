-- json.lua: the JSON codec the process OS and the host both use.
-- Behaviour follows the small "rxi-style" codec bundled with aos (spec §1.5, §7):
--   * empty table -> [] ; a table with [1] -> array ; otherwise object
--   * function values inside objects are dropped
--   * numbers use %.14g ; NaN/inf raise
--   * sparse arrays / mixed key types raise
--   * decode: null -> nil, \uXXXX (with surrogate pairs) -> UTF-8
-- Control characters are always escaped as \u00XX so the host never sees a raw NUL.

local json = { _version = "0.1.0" }

local byte, char, sub, format, gsub, find =
  string.byte, string.char, string.sub, string.format, string.gsub, string.find
local concat = table.concat

-------------------------------------------------------------------------------
-- Encode
-------------------------------------------------------------------------------

local escapes = {
  ["\\"] = "\\\\",
  ["\""] = "\\\"",
  ["\b"] = "\\b",
  ["\f"] = "\\f",
  ["\n"] = "\\n",
  ["\r"] = "\\r",
  ["\t"] = "\\t",
}

local function escapeChar(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

local function encodeString(s)
  -- %c covers bytes 0-31 and 127; everything else (UTF-8 included) passes through.
  return "\"" .. gsub(s, "[%c\"\\]", escapeChar) .. "\""
end

local function encodeNumber(n)
  if n ~= n or n == math.huge or n == -math.huge then
    error("unexpected number value '" .. tostring(n) .. "'")
  end
  return format("%.14g", n)
end

local encodeValue

local function encodeTable(t, stack)
  if stack[t] then error("circular reference") end
  stack[t] = true
  local out = {}
  if rawget(t, 1) ~= nil or next(t) == nil then
    -- Array: every key must be a positive integer and there must be no holes.
    local n = 0
    for k in pairs(t) do
      if math.type(k) ~= "integer" or k < 1 then
        error("invalid table: mixed or invalid key types")
      end
      n = n + 1
    end
    if n ~= #t then error("invalid table: sparse array") end
    for i = 1, n do
      out[i] = encodeValue(t[i], stack)
    end
    stack[t] = nil
    return "[" .. concat(out, ",") .. "]"
  end
  -- Object: string keys only; function values are skipped (aos drops them).
  for k, v in pairs(t) do
    if type(k) ~= "string" then
      error("invalid table: mixed or invalid key types")
    end
    if type(v) ~= "function" then
      out[#out + 1] = encodeString(k) .. ":" .. encodeValue(v, stack)
    end
  end
  stack[t] = nil
  return "{" .. concat(out, ",") .. "}"
end

encodeValue = function(v, stack)
  local tv = type(v)
  if tv == "nil" then return "null"
  elseif tv == "boolean" then return tostring(v)
  elseif tv == "number" then return encodeNumber(v)
  elseif tv == "string" then return encodeString(v)
  elseif tv == "table" then return encodeTable(v, stack)
  end
  error("unexpected type '" .. tv .. "'")
end

function json.encode(v)
  return encodeValue(v, {})
end

-------------------------------------------------------------------------------
-- Decode
-------------------------------------------------------------------------------

local function position(str, idx)
  -- Human-readable "line L col C" like rxi's error messages.
  local line, col = 1, 1
  for i = 1, idx - 1 do
    col = col + 1
    if sub(str, i, i) == "\n" then line = line + 1; col = 1 end
  end
  return line, col
end

local function decodeError(str, idx, msg)
  local line, col = position(str, idx)
  error(format("%s at line %d col %d", msg, line, col), 0)
end

local function skipSpace(str, i)
  local _, e = find(str, "^[ \t\r\n]*", i)
  return e + 1
end

local decodeValue

local unescapes = {
  ["\""] = "\"", ["\\"] = "\\", ["/"] = "/",
  b = "\b", f = "\f", n = "\n", r = "\r", t = "\t",
}

local function decodeString(str, i)
  -- i points at the opening quote.
  local parts = {}
  local j = i + 1
  while true do
    -- Raw bytes 0-31 are not allowed in JSON strings; everything else (DEL and
    -- UTF-8 included) is literal text.
    local s, e = find(str, "^[^\"\\\0-\31]+", j)
    if s then
      parts[#parts + 1] = sub(str, s, e)
      j = e + 1
    end
    local c = sub(str, j, j)
    if c == "\"" then
      return concat(parts), j + 1
    elseif c == "\\" then
      local x = sub(str, j + 1, j + 1)
      if x == "u" then
        local hex = sub(str, j + 2, j + 5)
        if not find(hex, "^%x%x%x%x$") then
          decodeError(str, j, "invalid unicode escape in string")
        end
        local cp = tonumber(hex, 16)
        j = j + 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          -- High surrogate: combine with the following \uDC00-\uDFFF if present.
          local lo = sub(str, j, j + 5)
          if find(lo, "^\\u[dD][c-fC-F]%x%x$") then
            local lcp = tonumber(sub(lo, 3), 16)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lcp - 0xDC00)
            j = j + 6
          end
        end
        parts[#parts + 1] = utf8.char(cp)
      elseif unescapes[x] then
        parts[#parts + 1] = unescapes[x]
        j = j + 2
      else
        decodeError(str, j, "invalid escape char '" .. x .. "' in string")
      end
    elseif c == "" then
      decodeError(str, i, "expected closing quote for string")
    else
      decodeError(str, j, "control character in string")
    end
  end
end

local function decodeNumber(str, i)
  local s, e = find(str, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if not s then decodeError(str, i, "invalid number") end
  local text = sub(str, s, e)
  local n = tonumber(text)
  if not n then decodeError(str, i, "invalid number '" .. text .. "'") end
  return n, e + 1
end

local literals = { ["true"] = true, ["false"] = false, ["null"] = nil }

local function decodeLiteral(str, i)
  local s, e = find(str, "^%a+", i)
  local word = s and sub(str, s, e)
  if word == "true" or word == "false" or word == "null" then
    return literals[word], e + 1
  end
  decodeError(str, i, "invalid literal '" .. (word or sub(str, i, i)) .. "'")
end

local function decodeArray(str, i)
  local res, n = {}, 0
  i = skipSpace(str, i + 1)
  if sub(str, i, i) == "]" then return res, i + 1 end
  while true do
    local v
    v, i = decodeValue(str, i)
    n = n + 1
    res[n] = v
    i = skipSpace(str, i)
    local c = sub(str, i, i)
    if c == "]" then return res, i + 1 end
    if c ~= "," then decodeError(str, i, "expected ']' or ','") end
    i = skipSpace(str, i + 1)
  end
end

local function decodeObject(str, i)
  local res = {}
  i = skipSpace(str, i + 1)
  if sub(str, i, i) == "}" then return res, i + 1 end
  while true do
    if sub(str, i, i) ~= "\"" then decodeError(str, i, "expected string for key") end
    local k
    k, i = decodeString(str, i)
    i = skipSpace(str, i)
    if sub(str, i, i) ~= ":" then decodeError(str, i, "expected ':' after key") end
    i = skipSpace(str, i + 1)
    local v
    v, i = decodeValue(str, i)
    res[k] = v
    i = skipSpace(str, i)
    local c = sub(str, i, i)
    if c == "}" then return res, i + 1 end
    if c ~= "," then decodeError(str, i, "expected '}' or ','") end
    i = skipSpace(str, i + 1)
  end
end

decodeValue = function(str, i)
  local c = sub(str, i, i)
  if c == "{" then return decodeObject(str, i)
  elseif c == "[" then return decodeArray(str, i)
  elseif c == "\"" then return decodeString(str, i)
  elseif c == "-" or find(c, "^%d$") then return decodeNumber(str, i)
  elseif c == "" then decodeError(str, i, "unexpected end of input")
  end
  return decodeLiteral(str, i)
end

function json.decode(str)
  if type(str) ~= "string" then
    error("expected argument of type string, got " .. type(str))
  end
  local v, i = decodeValue(str, skipSpace(str, 1))
  i = skipSpace(str, i)
  if i <= #str then decodeError(str, i, "trailing garbage") end
  return v
end

return json
