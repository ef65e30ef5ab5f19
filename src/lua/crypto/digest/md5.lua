-- .crypto.digest.md5: MD5 (RFC 1321) over a Stream; md5(stream) -> result.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local unpack, pack, byte, format, rep = string.unpack, string.pack, string.byte, string.format, string.rep

local K = {
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
}
local R = {
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
}
-- message word used by each step (1-based)
local G = {}
for i = 0, 63 do
  local g
  if i < 16 then g = i elseif i < 32 then g = (5 * i + 1) % 16
  elseif i < 48 then g = (3 * i + 5) % 16 else g = (7 * i) % 16 end
  G[i + 1] = g + 1
end
local M = 0xFFFFFFFF
local X = {}

local function compress(H, s, pos)
  local x = X
  x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15], x[16] =
    unpack("<I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4", s, pos)
  local a, b, c, d = H[1], H[2], H[3], H[4]
  for i = 1, 64 do
    local f
    if i <= 16 then f = (b & c) | (~b & d)
    elseif i <= 32 then f = (b & d) | (c & ~d)
    elseif i <= 48 then f = b ~ c ~ d
    else f = c ~ (b | ~d) end
    local t = (a + f + K[i] + x[G[i]]) & M
    local r = R[i]
    a, d, c = d, c, b
    b = (b + ((t << r) | (t >> (32 - r)))) & M
  end
  H[1], H[2], H[3], H[4] = (H[1] + a) & M, (H[2] + b) & M, (H[3] + c) & M, (H[4] + d) & M
end

return function(stream)
  local data = drain(stream)
  local len = #data
  data = data .. "\128" .. rep("\0", (55 - len) % 64) .. pack("<I8", len * 8)
  local H = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 }
  for pos = 1, #data, 64 do compress(H, data, pos) end
  local digest = pack("<I4I4I4I4", H[1], H[2], H[3], H[4])
  local result = {}
  function result.asBytes() return { byte(digest, 1, 16) } end
  function result.asHex() return format(rep("%02x", 16), byte(digest, 1, 16)) end
  function result.asString() return digest end
  return result
end
