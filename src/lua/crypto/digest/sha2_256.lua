-- .crypto.digest.sha2_256: SHA-256 (FIPS 180-4) over a Stream.
-- sha2_256(stream) gives the finished SHA2_256 object; SHA2_256() is the
-- incremental form: init(), update(stream), finish(), then asBytes/asHex/asString.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local unpack, pack, format, byte, rep = string.unpack, string.pack, string.format, string.byte, string.rep

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}
local M = 0xFFFFFFFF
local W = {}

local function compress(H, s, pos)
  local w = W
  w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15], w[16] =
    unpack(">I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4I4", s, pos)
  for j = 17, 64 do
    local x, y = w[j - 15], w[j - 2]
    local s0 = (x >> 7 | x << 25) ~ (x >> 18 | x << 14) ~ (x >> 3)
    local s1 = (y >> 17 | y << 15) ~ (y >> 19 | y << 13) ~ (y >> 10)
    w[j] = (w[j - 16] + s0 + w[j - 7] + s1) & M
  end
  local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
  for j = 1, 64 do
    local t1 = h + ((e >> 6 | e << 26) ~ (e >> 11 | e << 21) ~ (e >> 25 | e << 7))
      + ((e & f) ~ (~e & g)) + K[j] + w[j]
    local t2 = ((a >> 2 | a << 30) ~ (a >> 13 | a << 19) ~ (a >> 22 | a << 10))
      + ((a & b) ~ (a & c) ~ (b & c))
    h, g, f = g, f, e
    e = (d + t1) & M
    d, c, b = c, b, a
    a = (t1 + t2) & M
  end
  H[1], H[2], H[3], H[4] = (H[1] + a) & M, (H[2] + b) & M, (H[3] + c) & M, (H[4] + d) & M
  H[5], H[6], H[7], H[8] = (H[5] + e) & M, (H[6] + f) & M, (H[7] + g) & M, (H[8] + h) & M
end

local function SHA2_256()
  local self = {}
  local H, pending, total

  function self.init()
    H = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
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
    return { byte(pack(">I4I4I4I4I4I4I4I4", H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]), 1, 32) }
  end

  function self.asHex()
    return format("%08x%08x%08x%08x%08x%08x%08x%08x", H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8])
  end

  function self.asString()
    return pack(">I4I4I4I4I4I4I4I4", H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8])
  end

  return self.init()
end

local function sha2_256(stream)
  return SHA2_256().update(stream).finish()
end

return { sha2_256 = sha2_256, SHA2_256 = SHA2_256 }
