-- .crypto.digest.sha3: SHA3-256/512 (FIPS 202) and the original Keccak
-- padding (keccak256/512, as Ethereum uses), over strings. Results have
-- asString and asHex.
--
-- Like aos's module, a message whose length is one byte short of a whole
-- number of blocks (rate - 1 bytes, mod rate) is padded with one more block
-- of zeros; the digest of such a message is therefore not the FIPS 202 one,
-- but it is the one a process gets on AO.
local Hex = require(".crypto.util.hex")
local unpack, pack, rep, concat = string.unpack, string.pack, string.rep, table.concat

-- Round constants from the LFSR of FIPS 202 (section 3.2.5).
local function rcBit(t)
  t = t % 255
  local r = 1
  for _ = 1, t do
    r = r << 1
    if r & 0x100 ~= 0 then r = r ~ 0x171 end
  end
  return r & 1
end
local RC = {}
for round = 1, 24 do
  local v = 0
  for j = 0, 6 do
    v = v | (rcBit(j + 7 * (round - 1)) << ((1 << j) - 1))
  end
  RC[round] = v
end

-- State S[1..25], lane (x, y) at 1 + x + 5y.
local function permute(S)
  local a00, a10, a20, a30, a40, a01, a11, a21, a31, a41,
        a02, a12, a22, a32, a42, a03, a13, a23, a33, a43,
        a04, a14, a24, a34, a44 =
    S[1], S[2], S[3], S[4], S[5], S[6], S[7], S[8], S[9], S[10],
    S[11], S[12], S[13], S[14], S[15], S[16], S[17], S[18], S[19], S[20],
    S[21], S[22], S[23], S[24], S[25]
  for round = 1, 24 do
    local c0, c1, c2, c3, c4 = a00 ~ a01 ~ a02 ~ a03 ~ a04, a10 ~ a11 ~ a12 ~ a13 ~ a14, a20 ~ a21 ~ a22 ~ a23 ~ a24, a30 ~ a31 ~ a32 ~ a33 ~ a34, a40 ~ a41 ~ a42 ~ a43 ~ a44
    local d0, d1, d2, d3, d4 = c4 ~ (c1 << 1 | c1 >> 63), c0 ~ (c2 << 1 | c2 >> 63), c1 ~ (c3 << 1 | c3 >> 63), c2 ~ (c4 << 1 | c4 >> 63), c3 ~ (c0 << 1 | c0 >> 63)
    local b00 = a00 ~ d0
    local b01 = a01 ~ d0
    local b02 = a02 ~ d0
    local b03 = a03 ~ d0
    local b04 = a04 ~ d0
    local b10 = a10 ~ d1
    local b11 = a11 ~ d1
    local b12 = a12 ~ d1
    local b13 = a13 ~ d1
    local b14 = a14 ~ d1
    local b20 = a20 ~ d2
    local b21 = a21 ~ d2
    local b22 = a22 ~ d2
    local b23 = a23 ~ d2
    local b24 = a24 ~ d2
    local b30 = a30 ~ d3
    local b31 = a31 ~ d3
    local b32 = a32 ~ d3
    local b33 = a33 ~ d3
    local b34 = a34 ~ d3
    local b40 = a40 ~ d4
    local b41 = a41 ~ d4
    local b42 = a42 ~ d4
    local b43 = a43 ~ d4
    local b44 = a44 ~ d4
    local e00 = b00
    local e01 = (b30 << 28 | b30 >> 36)
    local e02 = (b10 << 1 | b10 >> 63)
    local e03 = (b40 << 27 | b40 >> 37)
    local e04 = (b20 << 62 | b20 >> 2)
    local e10 = (b11 << 44 | b11 >> 20)
    local e11 = (b41 << 20 | b41 >> 44)
    local e12 = (b21 << 6 | b21 >> 58)
    local e13 = (b01 << 36 | b01 >> 28)
    local e14 = (b31 << 55 | b31 >> 9)
    local e20 = (b22 << 43 | b22 >> 21)
    local e21 = (b02 << 3 | b02 >> 61)
    local e22 = (b32 << 25 | b32 >> 39)
    local e23 = (b12 << 10 | b12 >> 54)
    local e24 = (b42 << 39 | b42 >> 25)
    local e30 = (b33 << 21 | b33 >> 43)
    local e31 = (b13 << 45 | b13 >> 19)
    local e32 = (b43 << 8 | b43 >> 56)
    local e33 = (b23 << 15 | b23 >> 49)
    local e34 = (b03 << 41 | b03 >> 23)
    local e40 = (b44 << 14 | b44 >> 50)
    local e41 = (b24 << 61 | b24 >> 3)
    local e42 = (b04 << 18 | b04 >> 46)
    local e43 = (b34 << 56 | b34 >> 8)
    local e44 = (b14 << 2 | b14 >> 62)
    a00 = e00 ~ (~e10 & e20)
    a10 = e10 ~ (~e20 & e30)
    a20 = e20 ~ (~e30 & e40)
    a30 = e30 ~ (~e40 & e00)
    a40 = e40 ~ (~e00 & e10)
    a01 = e01 ~ (~e11 & e21)
    a11 = e11 ~ (~e21 & e31)
    a21 = e21 ~ (~e31 & e41)
    a31 = e31 ~ (~e41 & e01)
    a41 = e41 ~ (~e01 & e11)
    a02 = e02 ~ (~e12 & e22)
    a12 = e12 ~ (~e22 & e32)
    a22 = e22 ~ (~e32 & e42)
    a32 = e32 ~ (~e42 & e02)
    a42 = e42 ~ (~e02 & e12)
    a03 = e03 ~ (~e13 & e23)
    a13 = e13 ~ (~e23 & e33)
    a23 = e23 ~ (~e33 & e43)
    a33 = e33 ~ (~e43 & e03)
    a43 = e43 ~ (~e03 & e13)
    a04 = e04 ~ (~e14 & e24)
    a14 = e14 ~ (~e24 & e34)
    a24 = e24 ~ (~e34 & e44)
    a34 = e34 ~ (~e44 & e04)
    a44 = e44 ~ (~e04 & e14)
    a00 = a00 ~ RC[round]
  end
  S[1], S[2], S[3], S[4], S[5], S[6], S[7], S[8], S[9], S[10],
  S[11], S[12], S[13], S[14], S[15], S[16], S[17], S[18], S[19], S[20],
  S[21], S[22], S[23], S[24], S[25] =
    a00, a10, a20, a30, a40, a01, a11, a21, a31, a41,
    a02, a12, a22, a32, a42, a03, a13, a23, a33, a43,
    a04, a14, a24, a34, a44
end

local FORMATS = {}
local function hash(rateBytes, outBytes, padByte, data)
  if type(data) ~= "string" then
    error("bad argument #1 (string expected, got " .. type(data) .. ")", 3)
  end
  local total = #data + 1
  data = data .. padByte .. rep("\0", rateBytes - total % rateBytes)
  local lanes = rateBytes // 8
  local fmt = FORMATS[lanes]
  if not fmt then
    fmt = "<" .. rep("i8", lanes)
    FORMATS[lanes] = fmt
  end
  local S = {}
  for i = 1, 25 do S[i] = 0 end
  local len = #data
  for pos = 1, len, rateBytes do
    local w = { unpack(fmt, data, pos) }
    if pos + rateBytes > len then w[lanes] = w[lanes] | (1 << 63) end
    for i = 1, lanes do S[i] = S[i] ~ w[i] end
    permute(S)
  end
  local out = {}
  for i = 1, (outBytes + 7) // 8 do out[i] = pack("<i8", S[i]) end
  local encoded = concat(out):sub(1, outBytes)
  local result = {}
  function result.asString() return encoded end
  function result.asHex() return Hex.stringToHex(encoded) end
  return result
end

return {
  sha3_256 = function(data) return hash(136, 32, "\6", data) end,
  sha3_512 = function(data) return hash(72, 64, "\6", data) end,
  keccak256 = function(data) return hash(136, 32, "\1", data) end,
  keccak512 = function(data) return hash(72, 64, "\1", data) end,
}
