-- bint.lua: `.bint`, fixed-width two's complement integers for process code.
--
-- require('.bint')(bits, wordbits) gives a module for one width (default 256
-- bits in 32-bit words). Values are tables of `bits / wordbits` unsigned words,
-- least significant first, whose metatable is the module itself, so methods
-- work on values (`x:tobase(16)`). Every integer operation wraps modulo
-- 2^bits. The API, the mixed bint/number/string rules and the error texts are
-- those of lua-bint 0.5 as aos ships it (spec: aos-library.md §2); this is an
-- independent implementation written for aos-ts.

local mtype, math_floor, math_ceil, math_abs, math_modf = math.type, math.floor, math.ceil, math.abs, math.modf
local math_max, math_min = math.max, math.min
local MININT = math.mininteger
local sformat, srep, spack, sunpack = string.format, string.rep, string.pack, string.unpack
local concat = table.concat
local rawtype, getmt, setmt, tonum_ = type, getmetatable, setmetatable, tonumber

local INTBITS = 0
do
  local v = math.maxinteger
  while v ~= 0 do v = v >> 1; INTBITS = INTBITS + 1 end
  INTBITS = INTBITS + 1
end

local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
-- Chunks of digits handled per word pass: base^k below 2^31, so that
-- (remainder << 32) | word never leaves the Lua integer range.
local CHUNK_LIMIT = 1 << 31
local chunks = {}
local function chunkof(base)
  local c = chunks[base]
  if c then return c[1], c[2] end
  local m, k = base, 1
  while m * base < CHUNK_LIMIT do m, k = m * base, k + 1 end
  chunks[base] = { m, k }
  return m, k
end

-- Below this many characters, frombase lets tonumber read the whole string
-- (it accepts surrounding spaces there, as lua-bint does).
local shortlens = {}
local function shortlen(base)
  local s = shortlens[base]
  if s then return s end
  local limit, p = math.maxinteger // base, 1
  s = 0
  repeat s, p = s + 1, p * base until p >= limit
  shortlens[base] = s
  return s
end

-- A Lua integer from a number or numeric string (integral floats too), or nil.
local function luaint(x)
  x = tonum_(x)
  if mtype(x) == 'float' then
    local f = math_floor(x)
    if f == x then x = f end
  end
  if mtype(x) == 'integer' then return x end
  return
end

local modules = {}

local function build(bits, wordbits)
  local B = {}
  B.__index = B
  B.bits = bits

  local W = wordbits
  local N = bits // wordbits
  local MASK = (1 << W) - 1
  local MSB = 1 << (W - 1)
  local BYTES = bits // 8
  local PACK = '<' .. srep('I' .. (W // 8), N)
  local LOWWORDS = math_min(N, 64 // W) -- words that hold the low 64 bits

  local function blank() return setmt({}, B) end
  local function zero()
    local z = setmt({}, B)
    for i = 1, N do z[i] = 0 end
    return z
  end
  local function copy(x)
    local z = setmt({}, B)
    for i = 1, N do z[i] = x[i] end
    return z
  end
  -- Words of a Lua integer, sign-extended or not.
  local function fill(v, signed)
    local z = setmt({}, B)
    local ext = (signed and v < 0) and MASK or 0
    for i = 1, N do
      local s = (i - 1) * W
      z[i] = s < 64 and ((v >> s) & MASK) or ext
    end
    return z
  end

  local function isneg(x) return x[N] & MSB ~= 0 end
  local function iszero(x)
    for i = 1, N do if x[i] ~= 0 then return false end end
    return true
  end
  -- Unsigned comparison: -1, 0 or 1.
  local function ucmp(a, b)
    for i = N, 1, -1 do
      local p, q = a[i], b[i]
      if p ~= q then return p < q and -1 or 1 end
    end
    return 0
  end
  local function scmp(a, b)
    local na, nb = isneg(a), isneg(b)
    if na ~= nb then return na and -1 or 1 end
    return ucmp(a, b)
  end
  local function low64(x)
    local v = 0
    for i = 1, LOWWORDS do v = v | (x[i] << ((i - 1) * W)) end
    return v
  end
  -- True when x lies in Lua's integer range (so low64 is its value).
  local function fits64(x)
    local neg = isneg(x)
    local ext = neg and MASK or 0
    for i = LOWWORDS + 1, N do if x[i] ~= ext then return false end end
    return (low64(x) < 0) == neg
  end

  local function addto(z, a, b)
    local c = 0
    for i = 1, N do
      local t = a[i] + b[i] + c
      z[i] = t & MASK
      c = t >> W
    end
    return z
  end
  local function subto(z, a, b)
    local borrow = 0
    for i = 1, N do
      local t = a[i] - b[i] - borrow
      if t < 0 then z[i], borrow = t + MASK + 1, 1 else z[i], borrow = t, 0 end
    end
    return z
  end
  local function negto(z, a)
    local c = 1
    for i = 1, N do
      local t = ((~a[i]) & MASK) + c
      z[i] = t & MASK
      c = t >> W
    end
    return z
  end
  local function incself(x)
    for i = 1, N do
      local v = (x[i] + 1) & MASK
      x[i] = v
      if v ~= 0 then break end
    end
    return x
  end
  local function decself(x)
    for i = 1, N do
      local old = x[i]
      x[i] = (old - 1) & MASK
      if old ~= 0 then break end
    end
    return x
  end
  local function mul(a, b)
    local z = zero()
    local top = 0
    for j = N, 1, -1 do if b[j] ~= 0 then top = j break end end
    if top == 0 then return z end
    for i = 1, N do
      local ai = a[i]
      if ai ~= 0 then
        local c, k = 0, i
        local last = math_min(N - i + 1, top)
        for j = 1, last do
          -- ai * b[j] + z[k] + c stays below 2^64: the logical shift reads it unsigned.
          local t = z[k] + ai * b[j] + c
          z[k] = t & MASK
          c = t >> W
          k = k + 1
        end
        while c ~= 0 and k <= N do
          local t = z[k] + c
          z[k] = t & MASK
          c = t >> W
          k = k + 1
        end
      end
    end
    return z
  end
  -- n = n * m + d in place, for small m and d (below 2^31).
  local function muladdsmall(n, m, d)
    local c = d
    for i = 1, N do
      local t = n[i] * m + c
      n[i] = t & MASK
      c = t >> W
    end
    return n
  end
  -- n = n // d in place for 0 < d < 2^31; returns the remainder.
  local function divsmall(n, d)
    local r = 0
    for i = N, 1, -1 do
      local cur = (r << W) | n[i]
      n[i] = cur // d
      r = cur % d
    end
    return r
  end
  local function shlself(x, y)
    local ws, bs = y // W, y % W
    if ws > 0 then
      for i = N, 1, -1 do x[i] = i > ws and x[i - ws] or 0 end
    end
    if bs > 0 then
      local back = W - bs
      for i = N, 2, -1 do x[i] = ((x[i] << bs) | (x[i - 1] >> back)) & MASK end
      x[1] = (x[1] << bs) & MASK
    end
    return x
  end
  local function shrself(x, y)
    local ws, bs = y // W, y % W
    if ws > 0 then
      for i = 1, N do x[i] = (i + ws <= N) and x[i + ws] or 0 end
    end
    if bs > 0 then
      local back = W - bs
      for i = 1, N - 1 do x[i] = ((x[i] >> bs) | (x[i + 1] << back)) & MASK end
      x[N] = x[N] >> bs
    end
    return x
  end

  -- Unsigned division of bints; the divisor is not zero.
  local function udiv(a, b)
    local top = 0
    for i = N, 1, -1 do if b[i] ~= 0 then top = i break end end
    if top == 1 and b[1] < CHUNK_LIMIT then
      local q = copy(a)
      local r = divsmall(q, b[1])
      return q, fill(r, false)
    end
    if ucmp(a, b) < 0 then return zero(), copy(a) end
    local q, r = zero(), zero()
    local atop = N
    while a[atop] == 0 do atop = atop - 1 end
    for bit = atop * W - 1, 0, -1 do
      local carry = r[N] & MSB ~= 0
      shlself(r, 1)
      local wi = bit // W + 1
      r[1] = r[1] | ((a[wi] >> (bit % W)) & 1)
      if carry or ucmp(r, b) >= 0 then
        subto(r, r, b)
        q[wi] = q[wi] | (1 << (bit % W))
      end
    end
    return q, r
  end

  local function chunkdigits(v, base, k, pad)
    local s
    if base == 10 then
      s = sformat('%d', v)
    elseif base == 16 then
      s = sformat('%x', v)
    else
      local t, n = {}, 0
      repeat
        local d = v % base
        n = n + 1
        t[n] = DIGITS:sub(d + 1, d + 1)
        v = v // base
      until v == 0
      s = concat(t):reverse()
    end
    if pad and #s < k then s = srep('0', k - #s) .. s end
    return s
  end

  ---------------------------------------------------------------------------
  -- Construction and conversion

  function B.zero() return zero() end
  function B.one()
    local z = zero()
    z[1] = 1
    return z
  end

  function B.fromuinteger(x)
    x = luaint(x)
    if x then return fill(x, false) end
    return
  end
  function B.frominteger(x)
    x = luaint(x)
    if x then return fill(x, true) end
    return
  end
  local frominteger = B.frominteger

  function B.frombase(s, base)
    if rawtype(s) ~= 'string' then return end
    base = base or 10
    if not (base >= 2 and base <= 36) then return end
    if #s < shortlen(base) then return frominteger(tonum_(s, base)) end
    local sign, digits = s:lower():match('^([+-]?)(%w+)$')
    if not sign then return end
    local m, k = chunkof(base)
    local n = zero()
    for i = 1, #digits, k do
      local part = digits:sub(i, i + k - 1)
      local d = tonum_(part, base)
      if not d then return end
      local scale = m
      if #part < k then
        scale = 1
        for _ = 1, #part do scale = scale * base end
      end
      muladdsmall(n, scale, d)
    end
    if sign == '-' then negto(n, n) end
    return n
  end
  local frombase = B.frombase

  function B.fromstring(s)
    if rawtype(s) ~= 'string' then return end
    if s:find('^[+-]?%d+$') then
      return frombase(s, 10)
    elseif s:find('^[+-]?0[xX]%x+$') then
      return frombase((s:gsub('0[xX]', '', 1)), 16)
    elseif s:find('^[+-]?0[bB][01]+$') then
      return frombase((s:gsub('0[bB]', '', 1)), 2)
    end
    return
  end
  local fromstring = B.fromstring

  local function fromwords(buffer)
    local z = setmt({}, B)
    local size = W // 8
    for i = 1, N do z[i] = sunpack('<I' .. size, buffer, (i - 1) * size + 1) end
    return z
  end
  function B.fromle(buffer)
    assert(rawtype(buffer) == 'string', 'buffer is not a string')
    if #buffer > BYTES then
      buffer = buffer:sub(1, BYTES)
    elseif #buffer < BYTES then
      buffer = buffer .. srep('\0', BYTES - #buffer)
    end
    return fromwords(buffer)
  end
  function B.frombe(buffer)
    assert(rawtype(buffer) == 'string', 'buffer is not a string')
    if #buffer > BYTES then
      buffer = buffer:sub(-BYTES)
    elseif #buffer < BYTES then
      buffer = srep('\0', BYTES - #buffer) .. buffer
    end
    return fromwords(buffer:reverse())
  end

  -- A bint from a bint, number or string, or nil (no copy unless asked).
  local function tobint(x, clone)
    if getmt(x) == B then return clone and copy(x) or x end
    local t = rawtype(x)
    if t == 'number' then return frominteger(x) end
    if t == 'string' then return fromstring(x) end
    return
  end
  B.tobint = tobint

  function B.new(x)
    if getmt(x) == B then return copy(x) end
    local t = rawtype(x)
    if t == 'number' then
      x = frominteger(x)
    elseif t == 'string' then
      x = fromstring(x)
    end
    assert(x, 'value cannot be represented by a bint')
    return x
  end
  local new = B.new

  function B.parse(x, clone)
    local v = tobint(x, clone)
    if v then return v end
    return tonum_(x)
  end

  function B.touinteger(x)
    if getmt(x) == B then return low64(x) end
    return luaint(x)
  end
  function B.tointeger(x)
    if getmt(x) == B then return low64(x) end
    return luaint(x)
  end
  local tointeger = B.tointeger

  local function toint_or_error(x)
    local v = tointeger(x)
    if not v then error('value has no integer representation') end
    return v
  end
  local function convert_or_error(x)
    return assert(tobint(x), 'value has not integer representation')
  end

  function B.tobase(x, base, unsigned)
    x = tobint(x)
    if not x then return end
    base = base or 10
    if mtype(base) ~= 'integer' then base = luaint(base) end
    if not base or base < 2 or base > 36 then return end
    if unsigned == nil then unsigned = base ~= 10 end
    local neg = isneg(x)
    if base == 10 and not unsigned and fits64(x) then return sformat('%d', low64(x)) end
    local v = (neg and not unsigned) and negto(blank(), x) or copy(x)
    if iszero(v) then return '0' end
    local m, k = chunkof(base)
    local parts, n = {}, 0
    local top = N
    while true do
      while top > 0 and v[top] == 0 do top = top - 1 end
      if top == 0 then break end
      local r = 0
      for i = top, 1, -1 do
        local cur = (r << W) | v[i]
        v[i] = cur // m
        r = cur % m
      end
      n = n + 1
      parts[n] = r
    end
    local out = {}
    if neg and not unsigned then out[1] = '-' end
    for i = n, 1, -1 do out[#out + 1] = chunkdigits(parts[i], base, k, i ~= n) end
    return concat(out)
  end
  local tobase = B.tobase

  function B.tonumber(x)
    if getmt(x) == B then
      if fits64(x) then return low64(x) end
      return tonum_(tobase(x, 10))
    end
    return tonum_(x)
  end
  local tonumber = B.tonumber

  function B.tole(x, trim)
    x = convert_or_error(x)
    local s = spack(PACK, table.unpack(x, 1, N))
    if trim then
      s = s:gsub('\0+$', '')
      if s == '' then s = '\0' end
    end
    return s
  end
  function B.tobe(x, trim)
    x = convert_or_error(x)
    local s = spack(PACK, table.unpack(x, 1, N)):reverse()
    if trim then
      s = s:gsub('^\0+', '')
      if s == '' then s = '\0' end
    end
    return s
  end

  ---------------------------------------------------------------------------
  -- Predicates and constants

  function B.iszero(x)
    if getmt(x) == B then return iszero(x) end
    return x == 0
  end
  function B.isone(x)
    if getmt(x) == B then
      if x[1] ~= 1 then return false end
      for i = 2, N do if x[i] ~= 0 then return false end end
      return true
    end
    return x == 1
  end
  function B.isminusone(x)
    if getmt(x) == B then
      for i = 1, N do if x[i] ~= MASK then return false end end
      return true
    end
    return x == -1
  end
  local isminusone = B.isminusone
  function B.isbint(x) return getmt(x) == B end
  function B.isintegral(x) return getmt(x) == B or mtype(x) == 'integer' end
  function B.isnumeric(x) return getmt(x) == B or rawtype(x) == 'number' end
  function B.type(x)
    if getmt(x) == B then return 'bint' end
    return mtype(x)
  end
  function B.isneg(x)
    if getmt(x) == B then return isneg(x) end
    return x < 0
  end
  local bisneg = B.isneg
  function B.ispos(x)
    if getmt(x) == B then return not isneg(x) and not iszero(x) end
    return x > 0
  end
  function B.iseven(x)
    if getmt(x) == B then return x[1] & 1 == 0 end
    return math_abs(x) % 2 == 0
  end
  function B.isodd(x)
    if getmt(x) == B then return x[1] & 1 == 1 end
    return math_abs(x) % 2 == 1
  end
  function B.maxinteger()
    local z = zero()
    for i = 1, N - 1 do z[i] = MASK end
    z[N] = MASK ~ MSB
    return z
  end
  function B.mininteger()
    local z = zero()
    z[N] = MSB
    return z
  end
  local MINVALUE = B.mininteger()

  ---------------------------------------------------------------------------
  -- In-place operations (they change and return their first operand)

  function B._shlone(x) return shlself(x, 1) end
  function B._shrone(x) return shrself(x, 1) end
  function B._shlwords(x, n) return shlself(x, n * W) end
  function B._shrwords(x, n)
    if n >= N then
      for i = 1, N do x[i] = 0 end
      return x
    end
    return shrself(x, n * W)
  end
  function B._inc(x) return incself(x) end
  function B._dec(x) return decself(x) end
  function B._unm(x) return negto(x, x) end
  function B._abs(x)
    if isneg(x) then negto(x, x) end
    return x
  end
  function B._bnot(x)
    for i = 1, N do x[i] = (~x[i]) & MASK end
    return x
  end
  function B._assign(x, y)
    y = convert_or_error(y)
    for i = 1, N do x[i] = y[i] end
    return x
  end
  function B._add(x, y) return addto(x, x, convert_or_error(y)) end
  function B._sub(x, y) return subto(x, x, convert_or_error(y)) end
  function B._band(x, y)
    y = convert_or_error(y)
    for i = 1, N do x[i] = x[i] & y[i] end
    return x
  end
  function B._bor(x, y)
    y = convert_or_error(y)
    for i = 1, N do x[i] = x[i] | y[i] end
    return x
  end
  function B._bxor(x, y)
    y = convert_or_error(y)
    for i = 1, N do x[i] = x[i] ~ y[i] end
    return x
  end

  function B.inc(x)
    local v = tobint(x, true)
    if v then return incself(v) end
    return x + 1
  end
  function B.dec(x)
    local v = tobint(x, true)
    if v then return decself(v) end
    return x - 1
  end
  function B.abs(x)
    local v = tobint(x, true)
    if v then return B._abs(v) end
    return math_abs(x)
  end
  local babs = B.abs

  function B.floor(x)
    if getmt(x) == B then return copy(x) end
    return new(math_floor(tonum_(x)))
  end
  function B.ceil(x)
    if getmt(x) == B then return copy(x) end
    return new(math_ceil(tonum_(x)))
  end
  function B.trunc(x)
    if getmt(x) == B then return copy(x) end
    x = tonum_(x)
    if x == nil then return end
    if mtype(x) == 'float' then x = math_modf(x) end
    return frominteger(x)
  end

  ---------------------------------------------------------------------------
  -- Arithmetic metamethods: bint results when both operands convert,
  -- otherwise plain Lua arithmetic on the numbers.

  function B.__add(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return addto(blank(), a, b) end
    return tonumber(x) + tonumber(y)
  end
  function B.__sub(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return subto(blank(), a, b) end
    return tonumber(x) - tonumber(y)
  end
  function B.__mul(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return mul(a, b) end
    return tonumber(x) * tonumber(y)
  end

  function B.udivmod(x, y)
    local a = new(x)
    local b = convert_or_error(y)
    assert(not iszero(b), 'attempt to divide by zero')
    return udiv(a, b)
  end
  local udivmod = B.udivmod
  function B.udiv(x, y) return (udivmod(x, y)) end
  function B.umod(x, y)
    local _, r = udivmod(x, y)
    return r
  end
  local umod = B.umod

  -- Floor division of two bints: quotient and remainder.
  local function floordivmod(a, b, y)
    local an, bn = isneg(a), isneg(b)
    if an then a = negto(blank(), a) end
    if bn then b = negto(blank(), b) end
    assert(not iszero(b), 'attempt to divide by zero')
    local q, r = udiv(a, b)
    if an ~= bn then
      negto(q, q)
      if not iszero(r) then
        decself(q)
        if an then
          negto(r, r)
          addto(r, r, y)
        else
          addto(r, r, y)
        end
      end
    elseif an then
      negto(r, r)
    end
    return q, r
  end
  function B.idivmod(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return floordivmod(a, b, b) end
    local nx, ny = tonumber(x), tonumber(y)
    return nx // ny, nx % ny
  end
  local idivmod = B.idivmod
  -- As lua-bint: the quotient is floored, the second value is the remainder
  -- of the magnitudes (idivmod gives the floored one).
  function B.__idiv(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then
      local an, bn = isneg(a), isneg(b)
      if an then a = negto(blank(), a) end
      if bn then b = negto(blank(), b) end
      assert(not iszero(b), 'attempt to divide by zero')
      local q, r = udiv(a, b)
      if an ~= bn then
        negto(q, q)
        if not iszero(r) then decself(q) end
      end
      return q, r
    end
    return tonumber(x) // tonumber(y)
  end
  function B.__mod(x, y)
    local _, r = idivmod(x, y)
    return r
  end
  function B.__div(x, y) return tonumber(x) / tonumber(y) end
  function B.__pow(x, y) return tonumber(x) ^ tonumber(y) end

  function B.tdivmod(x, y)
    local ax, ay = babs(x), babs(y)
    local a, b = tobint(ax), tobint(ay)
    local q, r
    if a and b then
      assert(not (B.eq(x, MINVALUE) and isminusone(y)), 'division overflow')
      q, r = udivmod(a, b)
    else
      q, r = ax // ay, ax % ay
    end
    local xn, yn = bisneg(x), bisneg(y)
    if xn ~= yn then q = -q end
    if xn then r = -r end
    return q, r
  end
  local tdivmod = B.tdivmod
  function B.tdiv(x, y) return (tdivmod(x, y)) end
  function B.tmod(x, y)
    local _, r = tdivmod(x, y)
    return r
  end

  function B.ipow(x, y)
    y = convert_or_error(y)
    if iszero(y) then return B.one() end
    if B.isone(y) then return new(x) end
    local base, e = new(x), copy(y)
    local z = B.one()
    while not iszero(e) do
      if e[1] & 1 == 1 then z = mul(z, base) end
      shrself(e, 1)
      if not iszero(e) then base = mul(base, base) end
    end
    return z
  end
  function B.upowmod(x, y, m)
    m = convert_or_error(m)
    if B.isone(m) then return zero() end
    local base, e = new(x), new(y)
    local z = B.one()
    base = umod(base, m)
    while not iszero(e) do
      if e[1] & 1 == 1 then z = umod(mul(z, base), m) end
      shrself(e, 1)
      base = umod(mul(base, base), m)
    end
    return z
  end

  function B.__unm(x) return negto(blank(), x) end

  ---------------------------------------------------------------------------
  -- Bitwise

  function B.__shl(x, y)
    x, y = new(x), toint_or_error(y)
    if y == MININT or math_abs(y) >= bits then return zero() end
    if y < 0 then return shrself(x, -y) end
    return shlself(x, y)
  end
  function B.__shr(x, y)
    x, y = new(x), toint_or_error(y)
    if y == MININT or math_abs(y) >= bits then return zero() end
    if y < 0 then return shlself(x, -y) end
    return shrself(x, y)
  end
  function B.__band(x, y) return B._band(new(x), y) end
  function B.__bor(x, y) return B._bor(new(x), y) end
  function B.__bxor(x, y) return B._bxor(new(x), y) end
  function B.__bnot(x)
    local z = blank()
    for i = 1, N do z[i] = (~x[i]) & MASK end
    return z
  end

  function B.bwrap(x, y)
    x = convert_or_error(x)
    if y <= 0 then return zero() end
    if y < bits then
      local m = B.__shl(B.one(), y)
      return B._band(decself(m), x)
    end
    return copy(x)
  end
  function B.brol(x, y)
    x, y = convert_or_error(x), toint_or_error(y)
    if y > 0 then return (x << y) | (x >> (bits - y)) end
    if y < 0 and y ~= MININT then return B.bror(x, -y) end
    return x
  end
  function B.bror(x, y)
    x, y = convert_or_error(x), toint_or_error(y)
    if y > 0 then return (x >> y) | (x << (bits - y)) end
    if y < 0 and y ~= MININT then return B.brol(x, -y) end
    return x
  end

  ---------------------------------------------------------------------------
  -- Comparison

  function B.__eq(x, y)
    for i = 1, N do if x[i] ~= y[i] then return false end end
    return true
  end
  function B.eq(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return ucmp(a, b) == 0 end
    return x == y
  end
  function B.ult(x, y)
    x, y = convert_or_error(x), convert_or_error(y)
    return ucmp(x, y) < 0
  end
  function B.ule(x, y)
    x, y = convert_or_error(x), convert_or_error(y)
    return ucmp(x, y) <= 0
  end
  function B.__lt(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return scmp(a, b) < 0 end
    return tonumber(x) < tonumber(y)
  end
  function B.__le(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return scmp(a, b) <= 0 end
    return tonumber(x) <= tonumber(y)
  end

  function B.max(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return copy(scmp(a, b) > 0 and a or b) end
    return B.parse(math_max(x, y))
  end
  function B.min(x, y)
    local a, b = tobint(x), tobint(y)
    if a and b then return copy(scmp(a, b) < 0 and a or b) end
    return B.parse(math_min(x, y))
  end

  function B.__tostring(x) return tobase(x, 10) end

  setmt(B, { __call = function(_, x) return new(x) end })
  return B
end

return function(bits, wordbits)
  bits = bits or 256
  wordbits = wordbits or (INTBITS // 2)
  local key = bits * 64 + wordbits
  local m = modules[key]
  if m then return m end
  assert(bits % wordbits == 0, 'bitsize is not multiple of word bitsize')
  assert(2 * wordbits <= INTBITS, 'word bitsize must be half of the lua integer bitsize')
  assert(bits >= 64, 'bitsize must be >= 64')
  assert(wordbits >= 8, 'wordbits must be at least 8')
  assert(bits % 8 == 0, 'bitsize must be multiple of 8')
  m = build(bits, wordbits)
  modules[key] = m
  return m
end
