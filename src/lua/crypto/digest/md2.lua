-- .crypto.digest.md2: MD2 (RFC 1319) over a Stream; md2(stream) -> result.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local byte, char, format, rep, concat = string.byte, string.char, string.format, string.rep, table.concat

-- The substitution table of RFC 1319 (digits of pi), as hex.
local SHEX = "292e43c9a2d87c013d3654a1ecf0061362a705f3c0c7738c98932bd9bc4c82ca1e9b573cfdd4e01667426f188a17e512be4ec4d6da9ede49a0fbf58ebb2fee7aa968799115b2073f94c210890b225f21807f5d9a5a903227353ecce7bff79703ff1930b348a5b5d1d75e922aac56aac64fb838d296a47db676fc6be29c7404f1459d705964718720865bcf65e62da8021b6025adaeb0b9f61c46616934407e0f5547a323dd51af3ac35cf9cebac5ea262c530d6e85288409d3dfcdf441814d526adc37c86cc1abfa24e17b080cbdb14a7888958be363e86de9cbd5fe3b001d39f2efb70e6658d0e4a67772f8eb754b0a314450b48fed1f1adb998d339f118314"
local S = {}
for i = 0, 255 do S[i] = tonumber(SHEX:sub(2 * i + 1, 2 * i + 2), 16) end

-- The 48-byte state lives in locals x0..x47 while a block is mixed; only
-- x0..x15 carry over to the next block.
local function compress(X, data, pos)
  local S = S
  local x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = table.unpack(X, 0, 15)
  local x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30, x31, x32, x33, x34, x35, x36, x37, x38, x39, x40, x41, x42, x43, x44, x45, x46, x47
  x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30, x31 = byte(data, pos, pos + 15)
  x32, x33, x34, x35, x36, x37, x38, x39 = x16 ~ x0, x17 ~ x1, x18 ~ x2, x19 ~ x3, x20 ~ x4, x21 ~ x5, x22 ~ x6, x23 ~ x7
  x40, x41, x42, x43, x44, x45, x46, x47 = x24 ~ x8, x25 ~ x9, x26 ~ x10, x27 ~ x11, x28 ~ x12, x29 ~ x13, x30 ~ x14, x31 ~ x15
  local t = 0
  for round = 0, 17 do
    x0 = x0 ~ S[t]; t = x0
    x1 = x1 ~ S[t]; t = x1
    x2 = x2 ~ S[t]; t = x2
    x3 = x3 ~ S[t]; t = x3
    x4 = x4 ~ S[t]; t = x4
    x5 = x5 ~ S[t]; t = x5
    x6 = x6 ~ S[t]; t = x6
    x7 = x7 ~ S[t]; t = x7
    x8 = x8 ~ S[t]; t = x8
    x9 = x9 ~ S[t]; t = x9
    x10 = x10 ~ S[t]; t = x10
    x11 = x11 ~ S[t]; t = x11
    x12 = x12 ~ S[t]; t = x12
    x13 = x13 ~ S[t]; t = x13
    x14 = x14 ~ S[t]; t = x14
    x15 = x15 ~ S[t]; t = x15
    x16 = x16 ~ S[t]; t = x16
    x17 = x17 ~ S[t]; t = x17
    x18 = x18 ~ S[t]; t = x18
    x19 = x19 ~ S[t]; t = x19
    x20 = x20 ~ S[t]; t = x20
    x21 = x21 ~ S[t]; t = x21
    x22 = x22 ~ S[t]; t = x22
    x23 = x23 ~ S[t]; t = x23
    x24 = x24 ~ S[t]; t = x24
    x25 = x25 ~ S[t]; t = x25
    x26 = x26 ~ S[t]; t = x26
    x27 = x27 ~ S[t]; t = x27
    x28 = x28 ~ S[t]; t = x28
    x29 = x29 ~ S[t]; t = x29
    x30 = x30 ~ S[t]; t = x30
    x31 = x31 ~ S[t]; t = x31
    x32 = x32 ~ S[t]; t = x32
    x33 = x33 ~ S[t]; t = x33
    x34 = x34 ~ S[t]; t = x34
    x35 = x35 ~ S[t]; t = x35
    x36 = x36 ~ S[t]; t = x36
    x37 = x37 ~ S[t]; t = x37
    x38 = x38 ~ S[t]; t = x38
    x39 = x39 ~ S[t]; t = x39
    x40 = x40 ~ S[t]; t = x40
    x41 = x41 ~ S[t]; t = x41
    x42 = x42 ~ S[t]; t = x42
    x43 = x43 ~ S[t]; t = x43
    x44 = x44 ~ S[t]; t = x44
    x45 = x45 ~ S[t]; t = x45
    x46 = x46 ~ S[t]; t = x46
    x47 = x47 ~ S[t]; t = x47
    t = (t + round) & 0xFF
  end
  X[0], X[1], X[2], X[3], X[4], X[5], X[6], X[7], X[8], X[9], X[10], X[11], X[12], X[13], X[14], X[15] =
    x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15
end

return function(stream)
  local data = drain(stream)
  local pad = 16 - #data % 16
  data = data .. rep(char(pad), pad)
  local X, C = {}, {}
  for i = 0, 47 do X[i] = 0 end
  for i = 0, 15 do C[i] = 0 end
  -- checksum
  local L = 0
  for pos = 1, #data, 16 do
    for j = 0, 15 do
      C[j] = C[j] ~ S[byte(data, pos + j) ~ L]
      L = C[j]
    end
  end
  local cs = {}
  for j = 0, 15 do cs[j + 1] = char(C[j]) end
  data = data .. concat(cs)
  for pos = 1, #data, 16 do compress(X, data, pos) end
  local out = {}
  for i = 0, 15 do out[i + 1] = X[i] end
  local result = {}
  function result.asBytes() return { table.unpack(out) } end
  function result.asHex() return format(rep("%02x", 16), table.unpack(out)) end
  function result.asString() return char(table.unpack(out)) end
  return result
end
