-- .crypto.util.stream: a Stream is a function giving one byte (0..255) per
-- call and nil at the end; using it consumes it.
local Queue = require(".crypto.util.queue")
local byte, char, format, concat, unpack = string.byte, string.char, string.format, table.concat, table.unpack

local Stream = {}

-- Streams made from strings remember their text, so that digests can take
-- the rest of it in one piece instead of a byte per call (same result, the
-- stream is consumed all the same).
local rests = setmetatable({}, { __mode = "k" })

function Stream.fromString(s)
  local i, len = 0, #s
  local function next()
    i = i + 1
    return byte(s, i)
  end
  rests[next] = function()
    local from = i + 1
    i = len
    if from > len then return "" end
    return s:sub(from)
  end
  return next
end

-- The bytes left in a stream, as a string; the stream is used up.
local function drain(stream)
  local rest = rests[stream]
  if rest then return rest() end
  if type(stream) ~= "function" then
    -- AO's Lua says "attempt to call a <type> value" here; say what to pass.
    error("attempt to call a " .. type(stream) .. " value: this crypto function reads a Stream;" ..
      " make one with crypto.utils.stream.fromString(s) or .fromArray(bytes)", 0)
  end
  local parts, buf, n = {}, {}, 0
  for b in stream do
    n = n + 1
    buf[n] = b
    if n == 4096 then
      parts[#parts + 1] = char(unpack(buf, 1, n))
      n = 0
    end
  end
  if n > 0 then parts[#parts + 1] = char(unpack(buf, 1, n)) end
  return concat(parts)
end

function Stream.toString(stream) return drain(stream) end

function Stream.fromArray(array)
  local items, n = {}, 0
  while array[n + 1] ~= nil do
    n = n + 1
    items[n] = array[n]
  end
  local i = 0
  local function next()
    if i >= n then return nil end
    i = i + 1
    return items[i]
  end
  rests[next] = function()
    local from = i + 1
    i = n
    local parts = {}
    for j = from, n, 4096 do
      local last = j + 4095
      if last > n then last = n end
      parts[#parts + 1] = char(unpack(items, j, last))
    end
    return concat(parts)
  end
  return next
end

function Stream.toArray(stream)
  local out, i = {}, 0
  for b in stream do
    i = i + 1
    out[i] = b
  end
  return out
end

local FROM_HEX = {}
for i = 0, 255 do
  FROM_HEX[format("%02X", i)] = i
  FROM_HEX[format("%02x", i)] = i
end

function Stream.fromHex(hex)
  local q = Queue()
  for i = 1, #hex / 2 do q.push(FROM_HEX[hex:sub(2 * i - 1, 2 * i)]) end
  return q.pop
end

local TO_HEX = {}
for i = 0, 255 do TO_HEX[i] = format("%02X", i) end

function Stream.toHex(stream)
  local out, i = {}, 0
  for b in stream do
    i = i + 1
    out[i] = TO_HEX[b]
  end
  return concat(out)
end

-- Not listed by pairs: the helpers the digests share.
return setmetatable(Stream, { __index = { _drain = drain, _FROM_HEX = FROM_HEX, _TO_HEX = TO_HEX } })
