-- chance.lua: MT19937 (32-bit Mersenne Twister), the generator aos seeds once
-- per process so math.random is reproducible on every CU (spec §5.1).
-- State lives in this module table, so it persists with the VM across messages.

local chance = { mt = {}, index = 625 }

local N, M = 624, 397
local MASK32 = 0xFFFFFFFF
local UPPER, LOWER = 0x80000000, 0x7FFFFFFF
local MATRIX_A = 0x9908B0DF

function chance.seed(s)
  local mt = chance.mt
  mt[0] = math.tointeger(s) & MASK32
  for i = 1, N - 1 do
    local prev = mt[i - 1] ~ (mt[i - 1] >> 30)
    mt[i] = (1812433253 * prev + i) & MASK32
  end
  chance.index = N
end

local function twist()
  local mt = chance.mt
  for i = 0, N - 1 do
    local y = (mt[i] & UPPER) | (mt[(i + 1) % N] & LOWER)
    local v = mt[(i + M) % N] ~ (y >> 1)
    if y & 1 == 1 then v = v ~ MATRIX_A end
    mt[i] = v
  end
  chance.index = 0
end

-- Next 32-bit unsigned integer.
function chance.int32()
  if chance.index >= N then
    if chance.mt[0] == nil then chance.seed(5489) end
    twist()
  end
  local y = chance.mt[chance.index]
  chance.index = chance.index + 1
  y = y ~ (y >> 11)
  y = y ~ ((y << 7) & 0x9D2C5680)
  y = y ~ ((y << 15) & 0xEFC60000)
  y = y ~ (y >> 18)
  return y & MASK32
end

-- Float in [0, 1).
function chance.random()
  return chance.int32() / 4294967296
end

-- Replacement for math.random with aos's formulas:
-- () -> r ; (n) -> floor(r*n + 1) ; (a, b) -> floor(r*(b-a+1) + a).
function chance.mathRandom(a, b)
  local r = chance.random()
  if a == nil then return r end
  if b == nil then return math.floor(r * a + 1) end
  return math.floor(r * (b - a + 1) + a)
end

return chance
