-- .crypto.digest.sha1: SHA-1 (FIPS 180-4) over a Stream.
-- sha1(stream) gives the finished SHA1 object; SHA1() is the incremental form.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local unpack, pack, format, byte, rep = string.unpack, string.pack, string.format, string.byte, string.rep

local M = 0xFFFFFFFF
local W = {}

local function compress(H, s, pos)
  local w = W
  w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15], w[16] =
    unpack(">I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4", s, pos)
  for j = 17, 80 do
    local x = w[j - 3] ~ w[j - 8] ~ w[j - 14] ~ w[j - 16]
    w[j] = (x << 1 | x >> 31) & M
  end
  local a, b, c, d, e = H[1], H[2], H[3], H[4], H[5]
  for j = 1, 20 do
    local t = (a << 5 | a >> 27) + ((b & c) | (~b & d)) + e + 0x5A827999 + w[j]
    e, d, c, b, a = d, c, (b << 30 | b >> 2) & M, a, t & M
  end
  for j = 21, 40 do
    local t = (a << 5 | a >> 27) + (b ~ c ~ d) + e + 0x6ED9EBA1 + w[j]
    e, d, c, b, a = d, c, (b << 30 | b >> 2) & M, a, t & M
  end
  for j = 41, 60 do
    local t = (a << 5 | a >> 27) + ((b & c) | (b & d) | (c & d)) + e + 0x8F1BBCDC + w[j]
    e, d, c, b, a = d, c, (b << 30 | b >> 2) & M, a, t & M
  end
  for j = 61, 80 do
    local t = (a << 5 | a >> 27) + (b ~ c ~ d) + e + 0xCA62C1D6 + w[j]
    e, d, c, b, a = d, c, (b << 30 | b >> 2) & M, a, t & M
  end
  H[1], H[2], H[3] = (H[1] + a) & M, (H[2] + b) & M, (H[3] + c) & M
  H[4], H[5] = (H[4] + d) & M, (H[5] + e) & M
end

local function SHA1()
  local self = {}
  local H, pending, total

  function self.init()
    H = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 }
    pending, total = "", 0
    return self
  end

  function self.update(stream)
    local data = drain(stream)
    total = total + #data
    if #pending > 0 then data = pending .. data end
    local len = #data
    local full = len - len % 64
    for pos = 1, full, 64 do compress(H, data, pos) end
    pending = data:sub(full + 1)
    return self
  end

  function self.finish()
    local tail = pending .. "\128" .. rep("\0", (55 - #pending) % 64) .. pack(">I8", total * 8)
    for pos = 1, #tail, 64 do compress(H, tail, pos) end
    pending = ""
    return self
  end

  function self.asBytes()
    return { byte(pack(">I4I4I4I4I4", H[1], H[2], H[3], H[4], H[5]), 1, 20) }
  end

  function self.asHex()
    return format("%08x%08x%08x%08x%08x", H[1], H[2], H[3], H[4], H[5])
  end

  function self.asString()
    return pack(">I4I4I4I4I4", H[1], H[2], H[3], H[4], H[5])
  end

  return self.init()
end

local function sha1(stream)
  return SHA1().update(stream).finish()
end

return { sha1 = sha1, SHA1 = SHA1 }
