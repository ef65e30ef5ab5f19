-- .crypto.digest.blake2b: BLAKE2b (RFC 7693) of a string.
-- blake2b(data, outlen = 64, key = "") -> result, or nil, "illegal parameters"
-- when outlen is not 1..64 or the key is longer than 64 bytes.
-- As in aos: asBytes() gives one-character strings, and every full 128-byte
-- block (key block included) is compressed as it fills, so a message whose
-- key block + data is a whole number of blocks ends with an extra, empty,
-- final block (RFC 7693 would finalize the last full block instead).
local Hex = require(".crypto.util.hex")
local unpack, pack, rep, char, concat = string.unpack, string.pack, string.rep, string.char, table.concat

local IV = {
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}
local SIGMA = {
  { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
  { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
  { 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
  { 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
  { 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
  { 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
  { 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
  { 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
  { 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
  { 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
}
for r = 1, 10 do
  for i = 1, 16 do SIGMA[r][i] = SIGMA[r][i] + 1 end
end
SIGMA[11], SIGMA[12] = SIGMA[1], SIGMA[2]

local v = {}
local function G(a, b, c, d, x, y)
  local va, vb, vc, vd = v[a], v[b], v[c], v[d]
  va = va + vb + x
  vd = vd ~ va; vd = vd >> 32 | vd << 32
  vc = vc + vd
  vb = vb ~ vc; vb = vb >> 24 | vb << 40
  va = va + vb + y
  vd = vd ~ va; vd = vd >> 16 | vd << 48
  vc = vc + vd
  vb = vb ~ vc; vb = vb >> 63 | vb << 1
  v[a], v[b], v[c], v[d] = va, vb, vc, vd
end

local function compress(h, s, pos, counter, last)
  local m = { unpack("<i8i8i8i8i8i8i8i8i8i8i8i8i8i8i8i8", s, pos) }
  for i = 1, 8 do
    v[i] = h[i]
    v[i + 8] = IV[i]
  end
  v[13] = v[13] ~ counter
  if last then v[15] = ~v[15] end
  for r = 1, 12 do
    local s_ = SIGMA[r]
    G(1, 5, 9, 13, m[s_[1]], m[s_[2]])
    G(2, 6, 10, 14, m[s_[3]], m[s_[4]])
    G(3, 7, 11, 15, m[s_[5]], m[s_[6]])
    G(4, 8, 12, 16, m[s_[7]], m[s_[8]])
    G(1, 6, 11, 16, m[s_[9]], m[s_[10]])
    G(2, 7, 12, 13, m[s_[11]], m[s_[12]])
    G(3, 8, 9, 14, m[s_[13]], m[s_[14]])
    G(4, 5, 10, 15, m[s_[15]], m[s_[16]])
  end
  for i = 1, 8 do h[i] = h[i] ~ v[i] ~ v[i + 8] end
end

return function(data, outlen, key)
  outlen = outlen or 64
  key = key or ""
  if outlen < 1 or outlen > 64 or #key > 64 then
    return nil, "illegal parameters"
  end
  local h = {}
  for i = 1, 8 do h[i] = IV[i] end
  h[1] = h[1] ~ 0x01010000 ~ (#key << 8) ~ outlen
  if #key > 0 then data = key .. rep("\0", 128 - #key) .. data end
  local len = #data
  local full = len - len % 128
  for pos = 1, full, 128 do compress(h, data, pos, pos + 127, false) end
  local last = data:sub(full + 1)
  compress(h, last .. rep("\0", 128 - #last), 1, len, true)
  local hash = pack("<i8i8i8i8i8i8i8i8", h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]):sub(1, outlen)
  local bytes = {}
  for i = 1, outlen do bytes[i] = hash:sub(i, i) end
  local result = {}
  function result.asBytes() return bytes end
  function result.asString() return hash end
  function result.asHex() return Hex.stringToHex(hash) end
  return result
end
