-- .crypto.digest.md4: MD4 (RFC 1320) over a Stream; md4(stream) -> result.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local unpack, pack, byte, format, rep = string.unpack, string.pack, string.byte, string.format, string.rep

local M = 0xFFFFFFFF
local ORDER2 = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 }
local ORDER3 = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 }
local S1, S2, S3 = { 3, 7, 11, 19 }, { 3, 5, 9, 13 }, { 3, 9, 11, 15 }
local X = {}

local function rotl(t, r)
  t = t & M
  return ((t << r) | (t >> (32 - r))) & M
end

local function compress(H, s, pos)
  local x = X
  x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15] =
    unpack("<I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4", s, pos)
  local a, b, c, d = H[1], H[2], H[3], H[4]
  for i = 0, 15 do
    local t = rotl(a + ((b & c) | (~b & d)) + x[i], S1[i % 4 + 1])
    a, b, c, d = d, t, b, c
  end
  for i = 0, 15 do
    local t = rotl(a + ((b & c) | (b & d) | (c & d)) + x[ORDER2[i + 1]] + 0x5A827999, S2[i % 4 + 1])
    a, b, c, d = d, t, b, c
  end
  for i = 0, 15 do
    local t = rotl(a + (b ~ c ~ d) + x[ORDER3[i + 1]] + 0x6ED9EBA1, S3[i % 4 + 1])
    a, b, c, d = d, t, b, c
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
