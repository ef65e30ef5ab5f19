-- .crypto.cipher.aes128 (and, built from the same code, aes192 / aes256):
-- the AES block cipher (FIPS 197). AES.encrypt(keyArray, blockArray) and
-- AES.decrypt(keyArray, blockArray) take and give 16-byte Arrays; only the
-- first 16 / 24 / 32 key bytes are used.

-- S-box: inverse in GF(2^8) (modulus x^8+x^4+x^3+x+1) then the affine map.
local EXP, LOG = {}, {}
do
  local x = 1
  for i = 0, 254 do
    EXP[i], LOG[x] = x, i
    local x2 = (x << 1) ~ ((x & 0x80) ~= 0 and 0x11B or 0)
    x = x2 ~ x -- times 3, a generator of the multiplicative group
  end
end
local function gmul(a, b)
  if a == 0 or b == 0 then return 0 end
  return EXP[(LOG[a] + LOG[b]) % 255]
end
local SBOX, INV = {}, {}
for a = 0, 255 do
  local b = a == 0 and 0 or EXP[(255 - LOG[a]) % 255]
  local s = b
  for _ = 1, 4 do
    b = ((b << 1) | (b >> 7)) & 0xFF
    s = s ~ b
  end
  s = s ~ 0x63
  SBOX[a], INV[s] = s, a
end
local M2, M3, M9, M11, M13, M14 = {}, {}, {}, {}, {}, {}
for a = 0, 255 do
  M2[a], M3[a], M9[a] = gmul(a, 2), gmul(a, 3), gmul(a, 9)
  M11[a], M13[a], M14[a] = gmul(a, 11), gmul(a, 13), gmul(a, 14)
end

-- byte (row r, column c) of the state is at 1 + r + 4c
local SHIFT, UNSHIFT = {}, {}
for r = 0, 3 do
  for c = 0, 3 do
    SHIFT[1 + r + 4 * c] = 1 + r + 4 * ((c + r) % 4)
    UNSHIFT[1 + r + 4 * c] = 1 + r + 4 * ((c - r) % 4)
  end
end

local function build(nk)
  local nr = nk + 6
  local bits = nk * 32
  local keyBytes = nk * 4
  local schedules = setmetatable({}, { __mode = "v" })

  local function expand(key)
    local k = {}
    for i = 1, keyBytes do
      local b = key[i]
      if math.type(b) ~= "integer" or b < 0 or b > 255 then
        error("AES-" .. bits .. " needs a key of " .. keyBytes .. " bytes" ..
          (b == nil and (", got " .. (i - 1)) or (": key byte " .. i .. " is not a byte")), 0)
      end
      k[i] = b
    end
    local id = string.char(table.unpack(k))
    local w = schedules[id]
    if w then return w end
    w = k
    local rcon = 1
    for i = nk, 4 * (nr + 1) - 1 do
      local p = 4 * (i - 1)
      local t0, t1, t2, t3 = w[p + 1], w[p + 2], w[p + 3], w[p + 4]
      if i % nk == 0 then
        t0, t1, t2, t3 = SBOX[t1] ~ rcon, SBOX[t2], SBOX[t3], SBOX[t0]
        rcon = M2[rcon]
      elseif nk > 6 and i % nk == 4 then
        t0, t1, t2, t3 = SBOX[t0], SBOX[t1], SBOX[t2], SBOX[t3]
      end
      local q = 4 * (i - nk)
      w[4 * i + 1], w[4 * i + 2], w[4 * i + 3], w[4 * i + 4] =
        w[q + 1] ~ t0, w[q + 2] ~ t1, w[q + 3] ~ t2, w[q + 4] ~ t3
    end
    schedules[id] = w
    return w
  end

  local AES = { blockSize = 16 }

  function AES.encrypt(key, block)
    local w = expand(key)
    local s, t = {}, {}
    for i = 1, 16 do s[i] = block[i] ~ w[i] end
    for round = 1, nr do
      for i = 1, 16 do t[i] = SBOX[s[SHIFT[i]]] end
      local o = 16 * round
      if round < nr then
        for c = 0, 12, 4 do
          local a0, a1, a2, a3 = t[c + 1], t[c + 2], t[c + 3], t[c + 4]
          s[c + 1] = M2[a0] ~ M3[a1] ~ a2 ~ a3 ~ w[o + c + 1]
          s[c + 2] = a0 ~ M2[a1] ~ M3[a2] ~ a3 ~ w[o + c + 2]
          s[c + 3] = a0 ~ a1 ~ M2[a2] ~ M3[a3] ~ w[o + c + 3]
          s[c + 4] = M3[a0] ~ a1 ~ a2 ~ M2[a3] ~ w[o + c + 4]
        end
      else
        for i = 1, 16 do s[i] = t[i] ~ w[o + i] end
      end
    end
    return s
  end

  function AES.decrypt(key, block)
    local w = expand(key)
    local s, t = {}, {}
    local o = 16 * nr
    for i = 1, 16 do s[i] = block[i] ~ w[o + i] end
    for round = nr - 1, 0, -1 do
      for i = 1, 16 do t[i] = INV[s[UNSHIFT[i]]] end
      o = 16 * round
      if round > 0 then
        for c = 0, 12, 4 do
          local a0, a1, a2, a3 = t[c + 1] ~ w[o + c + 1], t[c + 2] ~ w[o + c + 2],
            t[c + 3] ~ w[o + c + 3], t[c + 4] ~ w[o + c + 4]
          s[c + 1] = M14[a0] ~ M11[a1] ~ M13[a2] ~ M9[a3]
          s[c + 2] = M9[a0] ~ M14[a1] ~ M11[a2] ~ M13[a3]
          s[c + 3] = M13[a0] ~ M9[a1] ~ M14[a2] ~ M11[a3]
          s[c + 4] = M11[a0] ~ M13[a1] ~ M9[a2] ~ M14[a3]
        end
      else
        for i = 1, 16 do s[i] = t[i] ~ w[i] end
      end
    end
    return s
  end

  return AES
end

local AES128 = build(4)
return setmetatable(AES128, { __index = { _build = build } })
