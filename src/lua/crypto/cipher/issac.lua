-- .crypto.cipher.issac: the ISAAC generator (Bob Jenkins) and aos's
-- Vigenere-style cipher over printable ASCII keyed by it. The generator's
-- state belongs to the module: every seed (and every random() call, which
-- reseeds) starts it over.
local Hex = require(".crypto.util.hex")

local M = 0xFFFFFFFF
local mm, rsl = {}, {}
local aa, bb, cc, cnt = 0, 0, 0, 0

local function isaac()
  cc = (cc + 1) & M
  bb = (bb + cc) & M
  for i = 0, 255 do
    local x = mm[i]
    local r = i & 3
    if r == 0 then aa = aa ~ (aa << 13)
    elseif r == 1 then aa = aa ~ (aa >> 6)
    elseif r == 2 then aa = aa ~ (aa << 2)
    else aa = aa ~ (aa >> 16) end
    aa = (mm[(i + 128) & 255] + aa) & M
    local y = (mm[(x >> 2) & 255] + aa + bb) & M
    mm[i] = y
    bb = (mm[(y >> 10) & 255] + x) & M
    rsl[i] = bb
  end
  cnt = 0
end

local function mix(v)
  local a, b, c, d, e, f, g, h = v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]
  a = (a ~ (b << 11)) & M; d = (d + a) & M; b = (b + c) & M
  b = b ~ (c >> 2);        e = (e + b) & M; c = (c + d) & M
  c = (c ~ (d << 8)) & M;  f = (f + c) & M; d = (d + e) & M
  d = d ~ (e >> 16);       g = (g + d) & M; e = (e + f) & M
  e = (e ~ (f << 10)) & M; h = (h + e) & M; f = (f + g) & M
  f = f ~ (g >> 4);        a = (a + f) & M; g = (g + h) & M
  g = (g ~ (h << 8)) & M;  b = (b + g) & M; h = (h + a) & M
  h = h ~ (a >> 9);        c = (c + h) & M; a = (a + b) & M
  v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] = a, b, c, d, e, f, g, h
end

local function randInit(useSeed)
  local v = { 0x9e3779b9, 0x9e3779b9, 0x9e3779b9, 0x9e3779b9, 0x9e3779b9, 0x9e3779b9, 0x9e3779b9, 0x9e3779b9 }
  aa, bb, cc = 0, 0, 0
  for _ = 1, 4 do mix(v) end
  for pass = 1, useSeed and 2 or 1 do
    local src = pass == 1 and rsl or mm
    for i = 0, 255, 8 do
      if useSeed then
        for j = 1, 8 do v[j] = (v[j] + src[i + j - 1]) & M end
      end
      mix(v)
      for j = 1, 8 do mm[i + j - 1] = v[j] end
    end
  end
  isaac()
end

-- seedIsaac(seed, flag): seed is a string (its first 256 bytes are used);
-- with flag false the seed does not enter the state.
local function seedIsaac(seed, flag)
  for i = 0, 255 do
    mm[i] = 0
    rsl[i] = seed:byte(i + 1) or 0
  end
  randInit(flag)
end

local function getRandom()
  local r = rsl[cnt]
  cnt = cnt + 1
  if cnt > 255 then isaac() end
  return r
end

-- random(min = 0, max = 2^31 - 1, seed): without a seed the generator is
-- started unseeded (aos draws math.random for a seed it then does not use).
local function random(min, max, seed)
  min = min or 0
  max = max or 2 ^ 31 - 1
  if seed then
    seedIsaac(seed, true)
  else
    seedIsaac(tostring(math.random(2 ^ 31 - 1)), false)
  end
  return getRandom() % (max - min + 1) + min
end

local function getRandomChar()
  return getRandom() % 95 + 32
end

-- shift ch within [start, start + modulo) by shift (backwards to decrypt)
local function caesar(decrypting, ch, shift, modulo, start)
  if decrypting then shift = -shift end
  local n = ch - start + shift
  local sign = 1
  if n < 0 then sign, n = -1, -n end
  n = (n % modulo) * sign
  if n < 0 then n = n + modulo end
  return start + n
end

local function encrypt(msg, key)
  seedIsaac(key, true)
  local chars = {}
  for i = 1, #msg do
    chars[i] = string.char(caesar(false, msg:byte(i), getRandomChar(), 95, 32))
  end
  local result = {}
  function result.asBytes() return chars end
  function result.asString() return table.concat(chars) end
  function result.asHex() return Hex.stringToHex(table.concat(chars)) end
  return result
end

local function decrypt(encrypted, key)
  seedIsaac(key, true)
  local chars = {}
  for i = 1, #encrypted do
    chars[i] = string.char(caesar(true, encrypted:byte(i), getRandomChar(), 95, 32))
  end
  return table.concat(chars)
end

return {
  seedIsaac = seedIsaac,
  getRandomChar = getRandomChar,
  random = random,
  getRandom = getRandom,
  encrypt = encrypt,
  decrypt = decrypt,
}
