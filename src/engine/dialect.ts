// AO's Lua dialect on top of wasmoon's Lua 5.4.
//
// AO's process module is PUC Lua 5.3.4 built with LUA_COMPAT_5_2 (spec:
// aos-library.md §5). This chunk runs once per engine, right after the
// sandbox and before the OS modules load, and makes what a program can observe
// match that build where Lua code can do it:
//   * the 5.3 compatibility set: bit32 (also require('bit32')), math.pow,
//     math.atan2, math.cosh/sinh/tanh, math.frexp/ldexp, math.log10,
//     ipairs honouring __ipairs; _VERSION "Lua 5.3";
//   * what 5.3 lacks: warn, coroutine.close, the 'incremental' and
//     'generational' options of collectgarbage; gmatch's 4th argument;
//   * number coercion of strings as 5.3's VM does it: "10" + 1 is 11.0 (a
//     float), and bitwise operators accept numeric strings ("3" & 1 is 1);
//   * utf8.char up to 0x10FFFF, surrogates accepted by utf8.len/codepoint/
//     codes, and 5.3's utf8.charpattern;
//   * 5.4-only syntax refused by load (so by Evals and .load too): a chunk
//     with `local x <const>` or `<close>` gets a one-line error naming the
//     attribute and its line.
// Everything is plain Lua in the state (no host function), so memory images
// keep working. What cannot be reproduced this way is listed in docs-dialect.md.

export const DIALECT_LUA = String.raw`
local rawtype, rawget_, select_, tonumber_, error_ = type, rawget, select, tonumber, error
local mtype, mtointeger = math.type, math.tointeger
local sformat, sfind, smatch, ssub, sbyte, srep, sgsub = string.format, string.find, string.match, string.sub, string.byte, string.rep, string.gsub
local dgetmt, tostring_ = debug.getmetatable, tostring

_VERSION = "Lua 5.3"
warn = nil
coroutine.close = nil

-- The error luaL_argerror raises, at the position of the library function's
-- caller: level 4 is argerror <- check <- library function <- caller.
local function argerror(i, fname, msg, level)
  error_(sformat("bad argument #%d to '%s' (%s)", i, fname, msg), level or 4)
end

-- luaL_checkinteger: integers, integral floats and numeric strings.
local function checkint(v, i, fname, present, level)
  if mtype(v) == "integer" then return v end
  local t = rawtype(v)
  if t == "number" or t == "string" then
    local n = tonumber_(v)
    if n ~= nil then
      local k = mtointeger(n)
      if k ~= nil then return k end
      argerror(i, fname, "number has no integer representation", level)
    end
  end
  argerror(i, fname, "number expected, got " .. ((present == false) and "no value" or t), level)
end

-- luaL_checknumber: numbers and numeric strings.
local function checknum(v, i, fname, present)
  if rawtype(v) == "number" then return v end
  if rawtype(v) == "string" then
    local n = tonumber_(v)
    if n ~= nil then return n end
  end
  argerror(i, fname, "number expected, got " .. ((present == false) and "no value" or rawtype(v)))
end

---------------------------------------------------------------------------
-- bit32 (Lua 5.3's lbitlib: 32-bit unsigned results)
do
  local M = 0xFFFFFFFF
  local bit32 = {}

  local function fold(fname, op, acc, ...)
    local n = select_("#", ...)
    for i = 1, n do
      acc = op(acc, checkint((select_(i, ...)), i, fname))
    end
    return acc & M
  end
  local function andop(a, b) return a & b end
  local function orop(a, b) return a | b end
  local function xorop(a, b) return a ~ b end

  function bit32.band(...)
    local a, b = ...
    if mtype(a) == "integer" and mtype(b) == "integer" and select_("#", ...) == 2 then return a & b & M end
    return fold("band", andop, M, ...)
  end
  function bit32.bor(...)
    local a, b = ...
    if mtype(a) == "integer" and mtype(b) == "integer" and select_("#", ...) == 2 then return (a | b) & M end
    return fold("bor", orop, 0, ...)
  end
  function bit32.bxor(...)
    local a, b = ...
    if mtype(a) == "integer" and mtype(b) == "integer" and select_("#", ...) == 2 then return (a ~ b) & M end
    return fold("bxor", xorop, 0, ...)
  end
  function bit32.btest(...)
    return fold("btest", andop, M, ...) ~= 0
  end
  function bit32.bnot(...)
    local x = checkint((...), 1, "bnot", select_("#", ...) > 0)
    return (~x) & M
  end

  local function shift(x, d)
    if d < 0 then
      if d <= -32 then return 0 end
      return (x & M) >> -d
    end
    if d >= 32 then return 0 end
    return (x << d) & M
  end
  function bit32.lshift(...)
    local n = select_("#", ...)
    local x, d = ...
    x = checkint(x, 1, "lshift", n > 0)
    d = checkint(d, 2, "lshift", n > 1)
    return shift(x, d)
  end
  function bit32.rshift(...)
    local n = select_("#", ...)
    local x, d = ...
    x = checkint(x, 1, "rshift", n > 0)
    d = checkint(d, 2, "rshift", n > 1)
    if d == math.mininteger then return 0 end
    return shift(x, -d)
  end
  function bit32.arshift(...)
    local n = select_("#", ...)
    local x, d = ...
    x = checkint(x, 1, "arshift", n > 0) & M
    d = checkint(d, 2, "arshift", n > 1)
    if d < 0 or x & 0x80000000 == 0 then
      if d == math.mininteger then return 0 end
      return shift(x, -d)
    end
    if d >= 32 then return M end
    return ((x >> d) | ~(M >> d)) & M
  end
  local function rotate(x, d)
    local i = d & 31
    x = x & M
    if i ~= 0 then x = ((x << i) | (x >> (32 - i))) & M end
    return x
  end
  function bit32.lrotate(...)
    local n = select_("#", ...)
    local x, d = ...
    return rotate(checkint(x, 1, "lrotate", n > 0), checkint(d, 2, "lrotate", n > 1))
  end
  function bit32.rrotate(...)
    local n = select_("#", ...)
    local x, d = ...
    return rotate(checkint(x, 1, "rrotate", n > 0), -checkint(d, 2, "rrotate", n > 1))
  end

  local function field(fname, farg, f, w, nargs)
    f = checkint(f, farg, fname, nargs >= farg, 5)
    if w == nil then w = 1 else w = checkint(w, farg + 1, fname, true, 5) end
    if f < 0 then argerror(farg, fname, "field cannot be negative") end
    if w <= 0 then argerror(farg + 1, fname, "width must be positive") end
    if f + w > 32 then error_("trying to access non-existent bits", 3) end
    return f, w
  end
  function bit32.extract(...)
    local nargs = select_("#", ...)
    local x, f, w = ...
    x = checkint(x, 1, "extract", nargs > 0)
    f, w = field("extract", 2, f, w, nargs)
    return ((x & M) >> f) & ((1 << w) - 1)
  end
  function bit32.replace(...)
    local nargs = select_("#", ...)
    local x, v, f, w = ...
    x = checkint(x, 1, "replace", nargs > 0)
    v = checkint(v, 2, "replace", nargs > 1)
    f, w = field("replace", 3, f, w, nargs)
    local m = (1 << w) - 1
    return ((x & M & ~(m << f)) | ((v & m) << f)) & M
  end

  _G.bit32 = bit32
  package.loaded.bit32 = bit32
end

---------------------------------------------------------------------------
-- math: the LUA_COMPAT_MATHLIB functions
do
  local exp, log, atan, huge = math.exp, math.log, math.atan, math.huge

  function math.pow(...)
    local n = select_("#", ...)
    local x, y = ...
    return checknum(x, 1, "pow", n > 0) ^ checknum(y, 2, "pow", n > 1)
  end
  math.atan2 = atan
  function math.log10(...)
    return log(checknum((...), 1, "log10", select_("#", ...) > 0), 10)
  end

  -- sinh for small |x| by its series (exp would cancel), else from exp.
  local function sinhabs(a)
    if a < 0.5 then
      local x2, term, sum, k = a * a, a, a, 1
      repeat
        term = term * x2 / ((k + 1) * (k + 2))
        k = k + 2
        local before = sum
        sum = sum + term
      until sum == before
      return sum
    end
    if a > 20 then
      local t = exp(a / 2)
      return (0.5 * t) * t
    end
    local e = exp(a)
    return (e - 1 / e) / 2
  end
  function math.sinh(...)
    local x = checknum((...), 1, "sinh", select_("#", ...) > 0)
    if x ~= x or x == 0 then return x + 0.0 end
    if x < 0 then return -sinhabs(-x) end
    return sinhabs(x)
  end
  function math.cosh(...)
    local x = checknum((...), 1, "cosh", select_("#", ...) > 0)
    local a = x < 0 and -x or x
    if a ~= a then return a + 0.0 end
    if a > 20 then
      local t = exp(a / 2)
      return (0.5 * t) * t
    end
    local e = exp(a)
    return (e + 1 / e) / 2
  end
  function math.tanh(...)
    local x = checknum((...), 1, "tanh", select_("#", ...) > 0)
    if x ~= x or x == 0 then return x + 0.0 end
    local a = x < 0 and -x or x
    local r
    if a > 22 then
      r = 1.0
    elseif a < 0.5 then
      local e = exp(a)
      r = sinhabs(a) / ((e + 1 / e) / 2)
    else
      local e = exp(-2 * a)
      r = (1 - e) / (1 + e)
    end
    return x < 0 and -r or r
  end

  -- Scale by 2^e without overflowing or double-rounding the steps.
  local function scale(m, e)
    while e > 1023 do
      m = m * 0x1p1023
      e = e - 1023
      if m == huge or m == -huge then return m end
    end
    while e < -1022 do
      m = m * 0x1p-969
      e = e + 969
      if m == 0 then return m end
    end
    return m * (2.0 ^ e)
  end
  function math.ldexp(...)
    local n = select_("#", ...)
    local m, e = ...
    m = checknum(m, 1, "ldexp", n > 0) + 0.0
    e = checkint(e, 2, "ldexp", n > 1)
    return scale(m, e)
  end
  function math.frexp(...)
    local x = checknum((...), 1, "frexp", select_("#", ...) > 0) + 0.0
    if x == 0 or x ~= x or x == huge or x == -huge then return x, 0 end
    local e = tonumber_(smatch(sformat("%a", x), "p([-+]%d+)$")) + 1
    return scale(x, -e), e
  end
end

---------------------------------------------------------------------------
-- Library behaviour that differs
do
  local rawipairs = ipairs
  ipairs = function(...)
    local t = ...
    if t == nil and select_("#", ...) == 0 then error_("bad argument #1 to 'ipairs' (value expected)", 2) end
    local mt = dgetmt(t)
    if mt ~= nil then
      local h = rawget_(mt, "__ipairs")
      if h ~= nil then
        local f, s, i = h(t)
        return f, s, i
      end
    end
    return rawipairs(t)
  end

  local rawgmatch = string.gmatch
  local function strarg(v, i, fname, present)
    local t = rawtype(v)
    if t ~= "string" and t ~= "number" then
      argerror(i, fname, "string expected, got " .. (present and t or "no value"), 4)
    end
  end
  string.gmatch = function(...)
    local n = select_("#", ...)
    local s, p = ...
    strarg(s, 1, "gmatch", n > 0)
    strarg(p, 2, "gmatch", n > 1)
    return rawgmatch(s, p)
  end

  local rawcollect = collectgarbage
  local options = { stop = true, restart = true, collect = true, count = true, step = true,
    setpause = true, setstepmul = true, isrunning = true }
  local function collect(opt, ...)
    if opt ~= nil then
      if rawtype(opt) ~= "string" then
        error_("bad argument #1 to 'collectgarbage' (string expected, got " .. rawtype(opt) .. ")", 2)
      end
      if not options[opt] then
        error_("bad argument #1 to 'collectgarbage' (invalid option '" .. opt .. "')", 2)
      end
    end
    return rawcollect(opt, ...)
  end
  collectgarbage = collect

  local uchar, ulen, ucodepoint, ucodes = utf8.char, utf8.len, utf8.codepoint, utf8.codes
  utf8.charpattern = "[\0-\x7F\xC2-\xF4][\x80-\xBF]*"
  utf8.char = function(...)
    local n = select_("#", ...)
    if n == 1 then
      local c = ...
      if mtype(c) == "integer" and c >= 0 and c <= 0x10FFFF then return uchar(c) end
    end
    for i = 1, n do
      local c = checkint((select_(i, ...)), i, "char")
      if c < 0 or c > 0x10FFFF then argerror(i, "char", "value out of range", 3) end
    end
    local char = uchar
    local s = char(...)
    return s
  end
  utf8.len = function(...)
    local s, i, j = ...
    strarg(s, 1, "len", select_("#", ...) > 0)
    return ulen(s, i, j, true)
  end
  utf8.codepoint = function(...)
    local s, i, j = ...
    strarg(s, 1, "codepoint", select_("#", ...) > 0)
    return ucodepoint(s, i, j, true)
  end
  utf8.codes = function(...)
    local s = ...
    strarg(s, 1, "codes", select_("#", ...) > 0)
    return ucodes(s, true)
  end
end

---------------------------------------------------------------------------
-- Strings in arithmetic, as 5.3's VM converts them
do
  local smt = getmetatable("")
  -- A numeric string becomes a float (5.3 converts through lua_Number).
  local function arithnum(v)
    local t = rawtype(v)
    if t == "number" then return v end
    if t == "string" then
      local n = tonumber_(v)
      if mtype(n) == "integer" then n = n + 0.0 end
      return n
    end
    return nil
  end
  local function othermeta(b, event)
    if rawtype(b) == "string" then return nil end
    local mt = dgetmt(b)
    return mt and rawget_(mt, event)
  end
  local function arith(event, op)
    smt[event] = function(a, b)
      local x, y = arithnum(a), arithnum(b)
      if x ~= nil and y ~= nil then return op(x, y) end
      local h = othermeta(b, event)
      if h then return h(a, b) end
      local blame = x == nil and a or b
      error_("attempt to perform arithmetic on a " .. rawtype(blame) .. " value", 2)
    end
  end
  arith("__add", function(x, y) return x + y end)
  arith("__sub", function(x, y) return x - y end)
  arith("__mul", function(x, y) return x * y end)
  arith("__div", function(x, y) return x / y end)
  arith("__mod", function(x, y) return x % y end)
  arith("__pow", function(x, y) return x ^ y end)
  arith("__idiv", function(x, y) return x // y end)
  arith("__unm", function(x) return -x end)

  -- Bitwise: integer strings (or integral values) work; others fail as in 5.3.
  local function bitint(v)
    local t = rawtype(v)
    if t == "number" or t == "string" then
      local n = tonumber_(v)
      if n == nil then return nil, false end
      return mtointeger(n), true
    end
    return nil, false
  end
  local function bitwise(event, op)
    smt[event] = function(a, b)
      local x, xnum = bitint(a)
      local y, ynum = bitint(b)
      if x ~= nil and y ~= nil then return op(x, y) end
      local h = othermeta(b, event)
      if h then return h(a, b) end
      if xnum and ynum then error_("number has no integer representation", 2) end
      local blame = xnum and b or a
      error_("attempt to perform bitwise operation on a " .. rawtype(blame) .. " value", 2)
    end
  end
  bitwise("__band", function(x, y) return x & y end)
  bitwise("__bor", function(x, y) return x | y end)
  bitwise("__bxor", function(x, y) return x ~ y end)
  bitwise("__shl", function(x, y) return x << y end)
  bitwise("__shr", function(x, y) return x >> y end)
  bitwise("__bnot", function(x) return ~x end)
end

---------------------------------------------------------------------------
-- load: refuse Lua 5.4 attributes, which AO's Lua 5.3 cannot parse
do
  local rawload = load
  local concat = table.concat

  -- The scanner runs only for chunks that mention <const> or <close>, so it
  -- is compiled the first time one does (its text is smaller than its code).
  local SCANNER = [==[
  local sbyte, sfind, smatch, ssub, sgsub = string.byte, string.find, string.match, string.sub, string.gsub
  local function newlines(s, i, j)
    local _, n = sgsub(ssub(s, i, j), "\n", "")
    return n
  end

  -- Line, attribute and variable of the first "local name <attrib>" in a
  -- chunk that compiled as Lua 5.4; nil if there is none.
  local function findattrib(src)
    local pos, line, len = 1, 1, #src
    local state, var = 0, nil -- 1: after 'local'; 2: after 'local name'
    while pos <= len do
      local c = sbyte(src, pos)
      local token, word = nil, nil
      if c == 10 then
        line = line + 1
        pos = pos + 1
      elseif c == 32 or c == 9 or c == 13 or c == 11 or c == 12 then
        pos = pos + 1
      elseif c == 45 and sbyte(src, pos + 1) == 45 then
        local eqs = smatch(src, "^%[(=*)%[", pos + 2)
        if eqs then
          local _, stop = sfind(src, "]" .. eqs .. "]", pos + 4 + #eqs, true)
          stop = stop or len
          line = line + newlines(src, pos, stop)
          pos = stop + 1
        else
          pos = sfind(src, "\n", pos, true) or len + 1
        end
      elseif c == 91 and smatch(src, "^%[=*%[", pos) then
        local eqs = smatch(src, "^%[(=*)%[", pos)
        local _, stop = sfind(src, "]" .. eqs .. "]", pos + 2 + #eqs, true)
        stop = stop or len
        line = line + newlines(src, pos, stop)
        pos = stop + 1
        token = "string"
      elseif c == 34 or c == 39 then
        local i = pos + 1
        while i <= len do
          local d = sbyte(src, i)
          if d == 92 then
            local e = sbyte(src, i + 1)
            if e == 122 then
              local _, ws = sfind(src, "^%s*", i + 2)
              line = line + newlines(src, i + 2, ws)
              i = ws + 1
            else
              if e == 10 then line = line + 1 end
              i = i + 2
            end
          elseif d == c or d == 10 then
            break
          else
            i = i + 1
          end
        end
        pos = i + 1
        token = "string"
      elseif (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or c == 95 then
        local _, e = sfind(src, "^[%w_]*", pos + 1)
        word = ssub(src, pos, e)
        pos = e + 1
        token = "name"
      elseif c >= 48 and c <= 57 or (c == 46 and smatch(src, "^%.%d", pos)) then
        local _, e = sfind(src, "^[%w_.]*", pos)
        while smatch(src, "^[eEpP][+-]", e) do
          _, e = sfind(src, "^[%w_.]*", e + 2)
        end
        pos = e + 1
        token = "number"
      else
        token = ssub(src, pos, pos)
        pos = pos + 1
      end
      if token then
        if state == 2 and token == "<" then
          return line, smatch(src, "^%s*([%a_][%w_]*)", pos) or "?", var
        end
        if state == 2 and token == "," then
          state = 1
        elseif state == 1 and token == "name" and word ~= "function" then
          state, var = 2, word
        else
          state = (token == "name" and word == "local") and 1 or 0
        end
      end
    end
    return nil
  end
  return findattrib
  ]==]
  local scanner
  local function findattrib(src)
    if scanner == nil then scanner = rawload(SCANNER, "=aos-dialect", "t")() end
    return scanner(src)
  end

  local function refuse(chunk, chunkname, line, attrib, var)
    -- Let Lua format the chunk name, as it does in its own syntax errors.
    local _, probe = rawload(srep("\n", line - 1) .. "\1", chunkname, "t")
    local where = tostring_(probe)
    local at = sfind(where, ":" .. line .. ":", 1, true)
    where = at and ssub(where, 1, at + #tostring_(line)) or ("[string \"?\"]:" .. line)
    return where .. ": '<" .. attrib .. ">' (local " .. var .. " <" .. attrib .. ">) is Lua 5.4 syntax; AO runs Lua 5.3, where it is a syntax error"
  end

  load = function(chunk, name, ...)
    if rawtype(chunk) == "function" then
      local parts, n = {}, 0
      while true do
        local ok, piece = pcall(chunk)
        if not ok then return nil, piece end
        if piece == nil or piece == "" then break end
        if rawtype(piece) ~= "string" then return nil, "reader function must return a string" end
        n = n + 1
        parts[n] = piece
      end
      local f, err = rawload(concat(parts), name or "=(load)", ...)
      if f and n > 0 then
        local src = concat(parts)
        if sfind(src, "<", 1, true) and (sfind(src, "<%s*const%s*>") or sfind(src, "<%s*close%s*>")) then
          local line, attrib, var = findattrib(src)
          if line then return nil, refuse(src, name or "=(load)", line, attrib, var) end
        end
      end
      return f, err
    end
    local f, err = rawload(chunk, name, ...)
    if f and rawtype(chunk) == "string" and sfind(chunk, "<", 1, true)
      and (sfind(chunk, "<%s*const%s*>") or sfind(chunk, "<%s*close%s*>")) then
      local line, attrib, var = findattrib(chunk)
      if line then return nil, refuse(chunk, name or chunk, line, attrib, var) end
    end
    return f, err
  end
end
`;
