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
-- The encoder appends pieces to one buffer and joins it once at the end, so a
-- nested table is never copied into its parent's string. Errors keep the text
-- (and "[string ".json"]:LINE:" position) the original one-string-per-table
-- encoder raised, so callers see exactly the same messages.

local escapes = {
  ["\\"] = "\\\\",
  ["\""] = "\\\"",
  ["\b"] = "\\b",
  ["\f"] = "\\f",
  ["\n"] = "\\n",
  ["\r"] = "\\r",
  ["\t"] = "\\t",
}

-- %c covers bytes 0-31 and 127; everything else (UTF-8 included) passes through.
-- Every byte the pattern matches has its replacement in `escapes`, so gsub
-- takes them from the table (no function call per escaped byte).
local NEEDS_ESCAPE = "[%c\"\\]"
for b = 0, 127 do
  local c = char(b)
  if find(c, NEEDS_ESCAPE) and not escapes[c] then escapes[c] = format("\\u%04x", b) end
end

-- Short strings (names, tags, ids, keys) repeat from message to message:
-- their encoded text is remembered, for a bounded number of them. `quoted`
-- maps a string to its JSON text; `firstKey`/`nextKey` map an object key to
-- '{"key":' / ',"key":'.
local CACHE_LIMIT, SHORT = 1024, 40
local quoted, quotedCount = {}, 0
local firstKey, nextKey, keyCount = {}, {}, 0

local function escapeString(s)
  if find(s, NEEDS_ESCAPE) then return (gsub(s, NEEDS_ESCAPE, escapes)) end
  return s
end

local function quote(s)
  local q = "\"" .. escapeString(s) .. "\""
  if #s <= SHORT then
    if quotedCount >= CACHE_LIMIT then quoted, quotedCount = {}, 0 end
    quotedCount = quotedCount + 1
    quoted[s] = q
  end
  return q
end

local function encodeString(s)
  return quoted[s] or quote(s)
end

-- Appends a string value: long ones as three pieces (never copied twice).
local function putString(s, buf, n)
  local q = quoted[s]
  if q then
    buf[n + 1] = q
    return n + 1
  end
  if #s <= SHORT then
    buf[n + 1] = quote(s)
    return n + 1
  end
  buf[n + 1] = "\""
  buf[n + 2] = escapeString(s)
  buf[n + 3] = "\""
  return n + 3
end

local function keyPiece(isFirst, k)
  local e = escapeString(k)
  if #k > SHORT then
    -- Long keys (addresses as balance keys...) are rarely seen twice.
    return (isFirst and "{\"" or ",\"") .. e .. "\":"
  end
  if keyCount >= CACHE_LIMIT then firstKey, nextKey, keyCount = {}, {}, 0 end
  keyCount = keyCount + 1
  local f, x = "{\"" .. e .. "\":", ",\"" .. e .. "\":"
  firstKey[k], nextKey[k] = f, x
  if isFirst then return f end
  return x
end

local function raise(line, msg)
  error("[string \".json\"]:" .. line .. ": " .. msg, 0)
end

local mathType, huge, tostring_, rawget_, next_, pairs_, type_ =
  math.type, math.huge, tostring, rawget, next, pairs, type

local function encodeNumber(n)
  if mathType(n) == "integer" and n < 100000000000000 and n > -100000000000000 then
    -- %.14g prints such integers digit for digit, as tostring does.
    return tostring_(n)
  end
  if n ~= n or n == huge or n == -huge then
    raise(41, "unexpected number value '" .. tostring_(n) .. "'")
  end
  return format("%.14g", n)
end

local encodeInto

-- Appends the encoding of table t to buf (whose last used slot is n); returns the new n.
local function encodeTable(t, stack, buf, n)
  if stack[t] then raise(49, "circular reference") end
  stack[t] = true
  if rawget_(t, 1) ~= nil or next_(t) == nil then
    -- Array: every key must be a positive integer and there must be no holes.
    -- Keys that come as 1, 2, 3... (the array part, in order) are positive
    -- integers already; from the first one that does not, each is checked.
    local count, inOrder = 0, true
    for k in pairs_(t) do
      count = count + 1
      if inOrder and k ~= count then inOrder = false end
      if not inOrder and (mathType(k) ~= "integer" or k < 1) then
        raise(57, "invalid table: mixed or invalid key types")
      end
    end
    if count ~= #t then raise(61, "invalid table: sparse array") end
    if count == 0 then
      n = n + 1
      buf[n] = "[]"
    else
      n = n + 1
      buf[n] = "["
      for i = 1, count do
        if i > 1 then
          n = n + 1
          buf[n] = ","
        end
        local v = t[i]
        if type_(v) == "table" then
          n = encodeTable(v, stack, buf, n)
        else
          n = encodeInto(v, stack, buf, n)
        end
      end
      n = n + 1
      buf[n] = "]"
    end
    stack[t] = nil
    return n
  end
  -- Object: string keys only; function values are skipped (aos drops them).
  -- A key found in the key cache is a string, and a value found in the
  -- string cache is a string: those skip their type checks.
  local first, keys = true, firstKey
  for k, v in pairs_(t) do
    local key = keys[k]
    if key == nil and type_(k) ~= "string" then
      raise(71, "invalid table: mixed or invalid key types")
    end
    local q = quoted[v]
    if q then
      if key == nil then key = keyPiece(first, k) end
      buf[n + 1] = key
      buf[n + 2] = q
      n = n + 2
      first, keys = false, nextKey
    else
      local tv = type_(v)
      if tv ~= "function" then
        if key == nil then key = keyPiece(first, k) end
        n = n + 1
        buf[n] = key
        first, keys = false, nextKey
        if tv == "string" then
          n = putString(v, buf, n)
        elseif tv == "table" then
          n = encodeTable(v, stack, buf, n)
        else
          n = encodeInto(v, stack, buf, n)
        end
      end
    end
  end
  n = n + 1
  if first then
    buf[n] = "{}"
  else
    buf[n] = "}"
  end
  stack[t] = nil
  return n
end

encodeInto = function(v, stack, buf, n)
  local tv = type_(v)
  if tv == "string" then
    return putString(v, buf, n)
  elseif tv == "table" then
    return encodeTable(v, stack, buf, n)
  elseif tv == "number" then
    buf[n + 1] = encodeNumber(v)
  elseif tv == "boolean" then
    buf[n + 1] = v and "true" or "false"
  elseif tv == "nil" then
    buf[n + 1] = "null"
  else
    raise(89, "unexpected type '" .. tv .. "'")
  end
  return n + 1
end

local spareBuf, spareStack = {}, {}

function json.encode(v)
  local tv = type_(v)
  if tv == "string" then return encodeString(v) end
  if tv ~= "table" then
    local buf = {}
    encodeInto(v, nil, buf, 0)
    return buf[1]
  end
  -- The buffer and the circular-reference set of the last encode are reused
  -- (taken while in use, so a nested encode gets its own). The set is empty
  -- after an encode that succeeded; after an error neither is handed back.
  local buf, stack = spareBuf, spareStack
  if buf then
    spareBuf, spareStack = nil, nil
  else
    buf, stack = {}, {}
  end
  local n = encodeTable(v, stack, buf, 0)
  local s = concat(buf, "", 1, n)
  -- Only a small result's pieces stay referenced by the buffer until reused.
  if n <= 2048 and #s <= 65536 then spareBuf, spareStack = buf, stack end
  return s
end

-------------------------------------------------------------------------------
-- Decode
-------------------------------------------------------------------------------
-- Dispatch is on bytes (no one-character substrings), whitespace is skipped
-- only when present, and a string without escapes is read with one find.
-- Every error is raised at the same index, with the same text, as before.

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

-- Bytes: space, tab, CR, LF, quote, backslash, and the structural characters.
local SP, TAB, CR, LF = 32, 9, 13, 10
local QUOTE, BSLASH, COLON, COMMA = 34, 92, 58, 44
local LBRACE, RBRACE, LBRACKET, RBRACKET, MINUS = 123, 125, 91, 93, 45

local function skipSpace(str, i)
  local b = byte(str, i)
  if b ~= SP and b ~= TAB and b ~= CR and b ~= LF then return i end
  local _, e = find(str, "^[ \t\r\n]*", i)
  return e + 1
end

local decodeValue

local unescapes = {
  ["\""] = "\"", ["\\"] = "\\", ["/"] = "/",
  b = "\b", f = "\f", n = "\n", r = "\r", t = "\t",
}

-- Raw bytes 0-31 are not allowed in JSON strings; everything else (DEL and
-- UTF-8 included) is literal text.
local PLAIN_TO_QUOTE = "^[^\"\\\0-\31]*\""

local function decodeString(str, i)
  -- i points at the opening quote.
  local _, q = find(str, PLAIN_TO_QUOTE, i + 1)
  if q then return sub(str, i + 1, q - 1), q + 1 end
  local parts = {}
  local j = i + 1
  while true do
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

local SPACE = { [SP] = true, [TAB] = true, [CR] = true, [LF] = true }

local function decodeArray(str, i)
  local res, n = {}, 0
  i = i + 1
  if SPACE[byte(str, i)] then i = skipSpace(str, i) end
  if byte(str, i) == RBRACKET then return res, i + 1 end
  while true do
    local v
    if byte(str, i) == QUOTE then
      v, i = decodeString(str, i)
    else
      v, i = decodeValue(str, i)
    end
    n = n + 1
    res[n] = v
    local c = byte(str, i)
    if SPACE[c] then
      i = skipSpace(str, i)
      c = byte(str, i)
    end
    if c == RBRACKET then return res, i + 1 end
    if c ~= COMMA then decodeError(str, i, "expected ']' or ','") end
    i = i + 1
    if SPACE[byte(str, i)] then i = skipSpace(str, i) end
  end
end

-- "key":"value" with nothing to unescape and no spaces, read in one match
-- (most pairs of a message: ids, tags); anything else takes the long way.
local PLAIN_PAIR = "^\"([^\"\\\0-\31]*)\":\"([^\"\\\0-\31]*)\"()"
local match = string.match

local function decodeObject(str, i)
  local res = {}
  i = i + 1
  if SPACE[byte(str, i)] then i = skipSpace(str, i) end
  if byte(str, i) == RBRACE then return res, i + 1 end
  while true do
    local k, v, e = match(str, PLAIN_PAIR, i)
    if k then
      res[k] = v
      i = e
      local c = byte(str, i)
      if c == COMMA then
        i = i + 1
        if SPACE[byte(str, i)] then i = skipSpace(str, i) end
        goto continue
      elseif c == RBRACE then
        return res, i + 1
      end
      -- Anything else (spaces, a bad separator): the general path below
      -- reports or skips it exactly as it would have.
      if SPACE[c] then i = skipSpace(str, i) c = byte(str, i) end
      if c == RBRACE then return res, i + 1 end
      if c ~= COMMA then decodeError(str, i, "expected '}' or ','") end
      i = i + 1
      if SPACE[byte(str, i)] then i = skipSpace(str, i) end
      goto continue
    end
    if byte(str, i) ~= QUOTE then decodeError(str, i, "expected string for key") end
    k, i = decodeString(str, i)
    if byte(str, i) ~= COLON then
      i = skipSpace(str, i)
      if byte(str, i) ~= COLON then decodeError(str, i, "expected ':' after key") end
    end
    i = i + 1
    local c = byte(str, i)
    if SPACE[c] then
      i = skipSpace(str, i)
      c = byte(str, i)
    end
    if c == QUOTE then
      v, i = decodeString(str, i)
    else
      v, i = decodeValue(str, i)
    end
    res[k] = v
    c = byte(str, i)
    if SPACE[c] then
      i = skipSpace(str, i)
      c = byte(str, i)
    end
    if c == RBRACE then return res, i + 1 end
    if c ~= COMMA then decodeError(str, i, "expected '}' or ','") end
    i = i + 1
    if SPACE[byte(str, i)] then i = skipSpace(str, i) end
    ::continue::
  end
end

decodeValue = function(str, i)
  local c = byte(str, i)
  if c == QUOTE then return decodeString(str, i)
  elseif c == LBRACE then return decodeObject(str, i)
  elseif c == LBRACKET then return decodeArray(str, i)
  elseif c == MINUS or (c and c >= 48 and c <= 57) then return decodeNumber(str, i)
  elseif c == nil then decodeError(str, i, "unexpected end of input")
  end
  return decodeLiteral(str, i)
end

function json.decode(str)
  if type(str) ~= "string" then
    error("[string \".json\"]:247: expected argument of type string, got " .. type(str), 0)
  end
  local v, i = decodeValue(str, skipSpace(str, 1))
  i = skipSpace(str, i)
  if i <= #str then decodeError(str, i, "trailing garbage") end
  return v
end

-------------------------------------------------------------------------------
-- Host support: rebuilding a value decoded before
-------------------------------------------------------------------------------
-- The host sends the same process environment with every message. Rather
-- than decode that text again, the bridge keeps a "program" made from it
-- once: objects as { o = true, n = 2m, k1, v1, ..., km, vm } and arrays as
-- { n = m, v1, ..., vm }, in text order, nulls kept as holes. Rebuilding runs
-- the very table operations decode runs, in the same order, so the tables
-- come out the same, down to their pairs order.

local function programValue(str, i)
  local c = byte(str, i)
  if c == LBRACE or c == LBRACKET then
    local close = c == LBRACE and RBRACE or RBRACKET
    local p, n = { o = c == LBRACE or nil }, 0
    i = skipSpace(str, i + 1)
    if byte(str, i) == close then
      p.n = 0
      return p, i + 1
    end
    while true do
      if p.o then
        local k
        k, i = decodeString(str, i)
        i = skipSpace(str, skipSpace(str, i) + 1)
        n = n + 1
        p[n] = k
      end
      local v
      v, i = programValue(str, i)
      n = n + 1
      p[n] = v
      i = skipSpace(str, i)
      if byte(str, i) == close then
        p.n = n
        return p, i + 1
      end
      i = skipSpace(str, i + 1)
    end
  end
  return decodeValue(str, i)
end

-- Only for text that json.decode has just accepted.
function json._program(str)
  return (programValue(str, skipSpace(str, 1)))
end

local function rebuild(p)
  if type(p) ~= "table" then return p end
  local t, n = {}, p.n
  if p.o then
    for j = 1, n, 2 do t[p[j]] = rebuild(p[j + 1]) end
  else
    for j = 1, n do t[j] = rebuild(p[j]) end
  end
  return t
end
json._rebuild = rebuild

return json
