-- .crypto.cipher.morus: MORUS-1280 authenticated encryption (CAESAR
-- finalist; 16- or 32-byte key, 16-byte nonce, 16-byte tag).
-- encrypt(key, iv, msg, ad = "") -> result whose text is ad .. ciphertext ..
-- tag (asBytes gives those pieces as strings); decrypt(key, iv, text,
-- adLen = 0) -> plaintext, or nil, "decrypt error".
local Hex = require(".crypto.util.hex")
local unpack, pack, rep, concat = string.unpack, string.pack, string.rep, table.concat

-- the constant row: Fibonacci numbers mod 256, as four little-endian words
local CONST
do
  local fib = { 0, 1 }
  for i = 3, 32 do fib[i] = (fib[i - 1] + fib[i - 2]) & 0xFF end
  CONST = { unpack("<i8i8i8i8", string.char(table.unpack(fib))) }
end

local function rotl(x, n) return (x << n) | (x >> (64 - n)) end

-- rows S0..S4 are s[1..4], s[5..8], s[9..12], s[13..16], s[17..20]
local function rotateRow(s, row, by)
  local b = 4 * row
  local w = { s[b + 1], s[b + 2], s[b + 3], s[b + 4] }
  for j = 0, 3 do s[b + 1 + j] = w[(j - by) % 4 + 1] end
end

-- one of the five steps: S[a] ^= m, S[a] ^= S[d], rotate the words of S[d],
-- S[a] ^= S[b] & S[c], rotate the bits of S[a]'s words
local STEPS = {
  { 0, 1, 2, 3, 13, 1, false },
  { 1, 2, 3, 4, 46, 2, true },
  { 2, 3, 4, 0, 38, 3, true },
  { 3, 4, 0, 1, 7, 2, true },
  { 4, 0, 1, 2, 4, 1, true },
}
local function update(s, m)
  for k = 1, 5 do
    local st = STEPS[k]
    local a, b, c, d = 4 * st[1], 4 * st[2], 4 * st[3], 4 * st[4]
    for j = 1, 4 do
      local v = s[a + j] ~ s[d + j]
      if st[7] then v = v ~ m[j] end
      s[a + j] = v
    end
    rotateRow(s, st[4], st[6])
    for j = 1, 4 do
      s[a + j] = rotl(s[a + j] ~ (s[b + j] & s[c + j]), st[5])
    end
  end
end

local function keystream(s)
  return s[1] ~ s[6] ~ (s[9] & s[13]), s[2] ~ s[7] ~ (s[10] & s[14]),
    s[3] ~ s[8] ~ (s[11] & s[15]), s[4] ~ s[5] ~ (s[12] & s[16])
end

local ZERO = { 0, 0, 0, 0 }

local function init(key, iv)
  assert(#key == 16 or #key == 32, "key must be 16 or 32 bytes")
  assert(#iv == 16, "iv must be 16 bytes")
  local k = { unpack("<i8i8", key) }
  if #key == 32 then k = { unpack("<i8i8i8i8", key) } else k[3], k[4] = k[1], k[2] end
  local n0, n1 = unpack("<i8i8", iv)
  local s = {
    n0, n1, 0, 0,
    k[1], k[2], k[3], k[4],
    -1, -1, -1, -1,
    0, 0, 0, 0,
    CONST[1], CONST[2], CONST[3], CONST[4],
  }
  for _ = 1, 16 do update(s, ZERO) end
  for j = 1, 4 do s[4 + j] = s[4 + j] ~ k[j] end
  return s
end

local function absorb(s, ad)
  for pos = 1, #ad, 32 do
    local blk = ad:sub(pos, pos + 31)
    if #blk < 32 then blk = blk .. rep("\0", 32 - #blk) end
    update(s, { unpack("<i8i8i8i8", blk) })
  end
end

local function tag(s, mlen, adlen)
  for j = 1, 4 do s[16 + j] = s[16 + j] ~ s[j] end
  local m = { adlen << 3, mlen << 3, 0, 0 }
  for _ = 1, 10 do update(s, m) end
  local t0, t1 = keystream(s)
  return pack("<i8i8", t0, t1)
end

local function encrypt(key, iv, msg, ad)
  ad = ad or ""
  local s = init(key, iv)
  absorb(s, ad)
  local out = { ad }
  local mlen = #msg
  for pos = 1, mlen, 32 do
    local blk = msg:sub(pos, pos + 31)
    local blen = #blk
    if blen < 32 then blk = blk .. rep("\0", 32 - blen) end
    local m = { unpack("<i8i8i8i8", blk) }
    local k0, k1, k2, k3 = keystream(s)
    out[#out + 1] = pack("<i8i8i8i8", m[1] ~ k0, m[2] ~ k1, m[3] ~ k2, m[4] ~ k3):sub(1, blen)
    update(s, m)
  end
  out[#out + 1] = tag(s, mlen, #ad)
  local text = concat(out)
  local result = {}
  function result.asBytes() return out end
  function result.asHex() return Hex.stringToHex(text) end
  function result.asString() return text end
  return result
end

local function decrypt(key, iv, text, adLen)
  adLen = adLen or 0
  local s = init(key, iv)
  local elen = #text - 16
  absorb(s, adLen > 0 and text:sub(1, adLen) or "")
  local out = {}
  for pos = adLen + 1, elen, 32 do
    local last = pos + 31
    if last > elen then last = elen end
    local blk = text:sub(pos, last)
    local blen = #blk
    if blen < 32 then blk = blk .. rep("\0", 32 - blen) end
    local c0, c1, c2, c3 = unpack("<i8i8i8i8", blk)
    local k0, k1, k2, k3 = keystream(s)
    local plain = pack("<i8i8i8i8", c0 ~ k0, c1 ~ k1, c2 ~ k2, c3 ~ k3):sub(1, blen)
    out[#out + 1] = plain
    update(s, { unpack("<i8i8i8i8", plain .. rep("\0", 32 - blen)) })
  end
  local expected = tag(s, elen - adLen, adLen)
  if expected ~= text:sub(elen + 1, elen + 16) then
    return nil, "decrypt error"
  end
  return concat(out)
end

return {
  state_update = function(s, m0, m1, m2, m3) update(s, { m0, m1, m2, m3 }) end,
  encrypt = encrypt,
  decrypt = decrypt,
  key_size = 32,
  nonce_size = 16,
  variant = "Morus-1280",
}
