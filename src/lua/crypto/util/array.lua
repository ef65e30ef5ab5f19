-- .crypto.util.array: an Array is a 1-based table of byte values.
local Bit = require(".crypto.util.bit")
local Queue = require(".crypto.util.queue")
local Stream = require(".crypto.util.stream")
local byte, char, concat, unpack = string.byte, string.char, table.concat, table.unpack
local FROM_HEX, TO_HEX = Stream._FROM_HEX, Stream._TO_HEX
local bxor = Bit.bxor

local Array = {}

function Array.size(a) return #a end

function Array.fromString(s)
  local out = {}
  for i = 1, #s, 4096 do
    local part = { byte(s, i, i + 4095) }
    for j = 1, #part do out[i + j - 1] = part[j] end
  end
  return out
end

function Array.toString(a)
  local n = 0
  while a[n + 1] ~= nil do n = n + 1 end
  local parts = {}
  for i = 1, n, 4096 do
    local last = i + 4095
    if last > n then last = n end
    parts[#parts + 1] = char(unpack(a, i, last))
  end
  return concat(parts)
end

Array.fromStream = Stream.toArray

function Array.readFromQueue(queue, size)
  local out = {}
  for i = 1, size do out[i] = queue.pop() end
  return out
end

function Array.writeToQueue(queue, a)
  for i = 1, #a do queue.push(a[i]) end
end

Array.toStream = Stream.fromArray

function Array.fromHex(hex)
  local out = {}
  for i = 1, #hex / 2 do out[i] = FROM_HEX[hex:sub(2 * i - 1, 2 * i)] end
  return out
end

function Array.toHex(a)
  local out, i = {}, 1
  while a[i] ~= nil do
    out[i] = TO_HEX[a[i]]
    i = i + 1
  end
  return concat(out)
end

function Array.concat(a, b)
  local out, n, i = {}, 0, 1
  while a[i] ~= nil do
    n = n + 1; out[n] = a[i]; i = i + 1
  end
  i = 1
  while b[i] ~= nil do
    n = n + 1; out[n] = b[i]; i = i + 1
  end
  return out
end

function Array.truncate(a, size)
  local out = {}
  for i = 1, size do out[i] = a[i] end
  return out
end

function Array.XOR(a, b)
  local out = {}
  for k, v in pairs(a) do out[k] = bxor(v, b[k]) end
  return out
end

function Array.substitute(input, sbox)
  local out = {}
  for k, v in pairs(input) do out[k] = sbox[v] end
  return out
end

function Array.permute(input, pbox)
  local out = {}
  for k, v in pairs(pbox) do out[k] = input[v] end
  return out
end

function Array.copy(input)
  local out = {}
  for k, v in pairs(input) do out[k] = v end
  return out
end

function Array.slice(input, start, stop)
  local n = #input
  if start == nil then start = 1 elseif start < 0 then start = n + start + 1 end
  if stop == nil then stop = n elseif stop < 0 then stop = n + stop + 1 end
  local out = {}
  for i = start, stop do out[#out + 1] = input[i] end
  return out
end

return Array
