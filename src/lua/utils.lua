-- utils.lua: the functional helpers aos exposes as `Utils` / require('.utils'),
-- plus the message matchers the handlers and assignables rely on (spec §3.2, §7).

local utils, normalized, normalizedCount = { _version = "0.0.5" }, {}, 0

-- A "real array": only positive integer keys and no holes.
function utils.isArray(t)
  if type(t) ~= "table" then return false end
  local maxIndex = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return false end
    if k > maxIndex then maxIndex = k end
  end
  return maxIndex == #t
end

-- curry(fn, arity): each call may pass any number of arguments; once `arity`
-- arguments (nil counts, via select('#')) are collected fn runs.
function utils.curry(fn, arity)
  assert(type(fn) == "function", "function is required as first argument")
  if arity == nil and debug and debug.getinfo then
    arity = debug.getinfo(fn, "u").nparams
  end
  arity = arity or 1
  if arity < 2 then return fn end
  local function collect(got)
    return function(...)
      local args = { n = got.n }
      for i = 1, got.n do args[i] = got[i] end
      for i = 1, select("#", ...) do
        args.n = args.n + 1
        args[args.n] = (select(i, ...))
      end
      if args.n >= arity then
        return fn(table.unpack(args, 1, args.n))
      end
      return collect(args)
    end
  end
  return collect({ n = 0 })
end

-- concat(a)(b): array concatenation into a new array.
utils.concat = utils.curry(function(a, b)
  assert(utils.isArray(a), "first argument should be a table that is an array")
  assert(utils.isArray(b), "second argument should be a table that is an array")
  local result = {}
  for i = 1, #a do result[#result + 1] = a[i] end
  for i = 1, #b do result[#result + 1] = b[i] end
  return result
end, 2)

-- reduce(fn)(initial)(t): fn(acc, v, k); a nil initial is seeded with the first element.
utils.reduce = utils.curry(function(fn, initial, t)
  assert(type(fn) == "function", "first argument should be a function that accepts (result, value, key)")
  assert(utils.isArray(t), "third argument should be a table that is an array")
  local acc = initial
  for k = 1, #t do
    if acc == nil then acc = t[k] else acc = fn(acc, t[k], k) end
  end
  return acc
end, 3)

-- map(fn)(t): fn(v, k) for every element, collected into a new array.
utils.map = utils.curry(function(fn, t)
  assert(type(fn) == "function", "first argument should be a unary function")
  assert(utils.isArray(t), "second argument should be an Array")
  local result = {}
  for k = 1, #t do result[k] = fn(t[k], k) end
  return result
end, 2)

-- filter(fn)(t): elements for which fn(v) is truthy, in order.
utils.filter = utils.curry(function(fn, t)
  assert(type(fn) == "function", "first argument should be a unary function")
  assert(utils.isArray(t), "second argument should be an Array")
  local result = {}
  for k = 1, #t do
    if fn(t[k]) then result[#result + 1] = t[k] end
  end
  return result
end, 2)

-- find(fn)(t): first element for which fn(v) is truthy, else nil.
utils.find = utils.curry(function(fn, t)
  assert(type(fn) == "function", "first argument should be a unary function")
  assert(type(t) == "table", "second argument should be a table")
  for k = 1, #t do
    if fn(t[k]) then return t[k] end
  end
  return nil
end, 2)

-- propEq(name)(value)(obj): obj[name] == value; value must be a string.
utils.propEq = utils.curry(function(propName, value, object)
  assert(type(propName) == "string", "first argument should be a string")
  assert(type(value) == "string", "second argument should be a string")
  assert(type(object) == "table", "third argument should be a table<object>")
  return object[propName] == value
end, 3)

-- prop(name)(obj): obj[name].
utils.prop = utils.curry(function(propName, object)
  return object[propName]
end, 2)

-- includes(v)(t): whether any element equals v.
utils.includes = utils.curry(function(val, t)
  assert(type(t) == "table", "argument needs to be a table")
  for k = 1, #t do
    if t[k] == val then return true end
  end
  return false
end, 2)

-- reverse(t): a new array in reverse order.
function utils.reverse(t)
  assert(utils.isArray(t), "argument needs to be a table that is an array")
  local result = {}
  for i = #t, 1, -1 do result[#result + 1] = t[i] end
  return result
end

-- compose(f, g, ...)(x): applied right to left.
function utils.compose(...)
  local fns = table.pack(...)
  return function(...)
    local results = table.pack(...)
    for i = fns.n, 1, -1 do
      results = table.pack(fns[i](table.unpack(results, 1, results.n)))
    end
    return table.unpack(results, 1, results.n)
  end
end

-- keys / values in pairs order.
function utils.keys(t)
  assert(type(t) == "table", "argument needs to be a table")
  local result = {}
  for k in pairs(t) do result[#result + 1] = k end
  return result
end

function utils.values(t)
  assert(type(t) == "table", "argument needs to be a table")
  local result = {}
  for _, v in pairs(t) do result[#result + 1] = v end
  return result
end

-- capitalize("foo-bar") -> "Foo-bar": only the very first character.
function utils.capitalize(s)
  return (s:gsub("^%l", string.upper))
end

-- normalize(name): "_" -> "-", lowercase everything, then uppercase the first
-- letter and every letter right after "-" (x_custom-HEADER -> X-Custom-Header). Results for up to 512 short names are remembered.
function utils.normalize(name)
  if type(name) ~= "string" then return name end
  local s = normalized[name] if s then return s end s = name:gsub("_", "-"):lower()
  s = s:gsub("^%l", string.upper)
  s = s:gsub("%-%l", string.upper)
  if #name > 64 then return s end if normalizedCount >= 512 then normalized, normalizedCount = {}, 0 end normalizedCount = normalizedCount + 1 normalized[name] = s return s
end

-- Characters that turn a string pattern into a Lua pattern (a lone "-" does not).
local MAGIC = "[%^%$%(%)%%%.%[%]%*%+%?]"

-- matchesPattern(pattern, value, msg) (spec §3.2).
function utils.matchesPattern(pattern, value, msg)
  if pattern == nil then return false end
  if pattern == "_" then return true end
  local tp = type(pattern)
  if tp == "function" then
    return pattern(value, msg) and true or false
  end
  if tp == "string" then
    local tv = type(value)
    if tv ~= "string" and tv ~= "number" then return false end
    local v, p = string.lower(value), string.lower(pattern)
    if pattern:find(MAGIC) then
      return string.match(v, p) ~= nil
    end
    return v == p
  end
  if tp == "table" then
    for _, sub in pairs(pattern) do
      if utils.matchesPattern(sub, value, msg) then return true end
    end
    return false
  end
  return false
end

-- matchesSpec(msg, spec) (spec §3.2). Function specs return their own value.
function utils.matchesSpec(msg, spec)
  local ts = type(spec)
  if ts == "function" then
    return spec(msg)
  elseif ts == "table" then
    for key, pattern in pairs(spec) do
      local value = msg[key]
      if not value then return false end
      if not utils.matchesPattern(pattern, value, msg) then return false end
    end
    return true
  elseif ts == "string" then
    return msg.Action ~= nil and msg.Action == spec
  end
  return false
end

return utils
