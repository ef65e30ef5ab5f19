-- .crypto.util.bit: the bit32 library when the process has one, else a
-- bit32-compatible table made of Lua's integer operators (32-bit results).
local ok, lib = pcall(require, "bit32")
if ok and type(lib) == "table" then return lib end
if type(bit32) == "table" then return bit32 end

local M32 = 0xFFFFFFFF
local function n(x) return math.tointeger(x) or (math.floor(x) & M32) end
local b = {}
function b.band(...)
  local r = M32
  for i = 1, select("#", ...) do r = r & n(select(i, ...)) end
  return r & M32
end
function b.bor(...)
  local r = 0
  for i = 1, select("#", ...) do r = r | n(select(i, ...)) end
  return r & M32
end
function b.bxor(...)
  local r = 0
  for i = 1, select("#", ...) do r = r ~ n(select(i, ...)) end
  return r & M32
end
function b.btest(...) return b.band(...) ~= 0 end
function b.bnot(x) return ~n(x) & M32 end
function b.lshift(x, s)
  x, s = n(x) & M32, n(s)
  if s <= -32 or s >= 32 then return 0 end
  if s < 0 then return x >> -s end
  return (x << s) & M32
end
function b.rshift(x, s)
  x, s = n(x) & M32, n(s)
  if s <= -32 or s >= 32 then return 0 end
  if s < 0 then return (x << -s) & M32 end
  return x >> s
end
function b.arshift(x, s)
  x, s = n(x) & M32, n(s)
  if s < 0 then return b.lshift(x, -s) end
  if x & 0x80000000 == 0 then return b.rshift(x, s) end
  if s >= 32 then return M32 end
  return ((x >> s) | (M32 << (32 - s))) & M32
end
function b.lrotate(x, s)
  x, s = n(x) & M32, n(s) % 32
  return ((x << s) | (x >> (32 - s))) & M32
end
function b.rrotate(x, s) return b.lrotate(x, -n(s)) end
local function field(f, w)
  w = w or 1
  if f < 0 then error("bad argument #2 to 'extract' (field cannot be negative)", 3) end
  if w <= 0 then error("bad argument #3 to 'extract' (width must be positive)", 3) end
  if f + w > 32 then error("trying to access non-existent bits", 3) end
  return f, w
end
function b.extract(x, f, w)
  f, w = field(n(f), w and n(w))
  return (n(x) >> f) & ((1 << w) - 1)
end
function b.replace(x, v, f, w)
  f, w = field(n(f), w and n(w))
  local m = ((1 << w) - 1) << f
  return ((n(x) & ~m) | ((n(v) << f) & m)) & M32
end
return b
