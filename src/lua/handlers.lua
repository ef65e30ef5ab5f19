-- handlers.lua: the ordered handler list and the evaluate loop (spec §3.1, §3.3).
-- Each entry is {name, pattern, handle, maxRuns}. Patterns are matched with
-- Utils.matchesSpec; the numeric result decides run/skip/continue/break.

local utils = require(".utils")

local handlers = {
  _version = "0.0.5",
  list = {},
  coroutines = {},
  onceNonce = 0,
}
handlers.utils = require(".handlers-utils")

local INVALID_ARGS = "Invalid arguments given. Expected: \n"
  .. "\tname : string, "
  .. "\tpattern : Action : string | MsgMatch : table,\n"
  .. "\t\tfunction(msg: Message) : {-1 = break, 0 = skip, 1 = continue},\n"
  .. "\thandle(msg : Message) : void) | Resolver,\n"
  .. "\tMaxRuns? : number | \"inf\" | nil"

local function indexOf(name)
  for i, h in ipairs(handlers.list) do
    if h.name == name then return i end
  end
  return nil
end

-- A table handle {[spec] = fn} runs the first fn whose spec matches (pairs order).
function handlers.generateResolver(resolveSpec)
  return function(msg)
    for spec, fn in pairs(resolveSpec) do
      if utils.matchesSpec(msg, spec) then
        return fn(msg)
      end
    end
  end
end

-- Shared argument parsing for add/append/prepend: (name, handle) uses the name
-- as the pattern; otherwise (name, pattern, handle[, maxRuns]).
local function parseArgs(...)
  local name, pattern, handle, maxRuns
  if select("#", ...) == 2 then
    name, handle = ...
    pattern = name
  else
    name, pattern, handle, maxRuns = ...
  end
  local tp = type(pattern)
  assert(type(name) == "string" and (tp == "function" or tp == "table" or tp == "string"), INVALID_ARGS)
  assert(type(handle) == "function" or type(handle) == "table", INVALID_ARGS)
  if type(handle) == "table" then handle = handlers.generateResolver(handle) end
  return name, pattern, handle, maxRuns or "inf"
end

local function update(idx, pattern, handle, maxRuns)
  local h = handlers.list[idx]
  h.pattern, h.handle, h.maxRuns = pattern, handle, maxRuns
end

-- add and append: an existing name is updated in place, a new one goes last.
local function upsertLast(...)
  local name, pattern, handle, maxRuns = parseArgs(...)
  local idx = indexOf(name)
  if idx then
    update(idx, pattern, handle, maxRuns)
  else
    table.insert(handlers.list, { name = name, pattern = pattern, handle = handle, maxRuns = maxRuns })
  end
end

function handlers.add(...)
  upsertLast(...)
  return #handlers.list
end

function handlers.append(...)
  upsertLast(...)
end

function handlers.prepend(...)
  local name, pattern, handle, maxRuns = parseArgs(...)
  local idx = indexOf(name)
  if idx then
    update(idx, pattern, handle, maxRuns)
  else
    table.insert(handlers.list, 1, { name = name, pattern = pattern, handle = handle, maxRuns = maxRuns })
  end
end

-- once([name,] pattern, handle): a prepended handler that runs a single time.
function handlers.once(...)
  local name, pattern, handle
  if select("#", ...) >= 3 then
    name, pattern, handle = ...
  else
    name = "_once_" .. tostring(handlers.onceNonce)
    handlers.onceNonce = handlers.onceNonce + 1
    pattern, handle = ...
  end
  handlers.prepend(name, pattern, handle, 1)
end

-- before(anchor).add(...) / after(anchor).add(...): positional insert; no name
-- dedupe; nothing happens when the anchor is missing.
local function positional(anchor, offset)
  assert(type(anchor) == "string", "Handler name MUST be a string")
  return {
    add = function(...)
      local name, pattern, handle, maxRuns = parseArgs(...)
      local idx = indexOf(anchor)
      if idx then
        table.insert(handlers.list, idx + offset,
          { name = name, pattern = pattern, handle = handle, maxRuns = maxRuns })
        return #handlers.list
      end
    end,
  }
end

function handlers.before(anchor) return positional(anchor, 0) end
function handlers.after(anchor) return positional(anchor, 1) end

function handlers.remove(name)
  assert(type(name) == "string", "name MUST be string")
  local idx = indexOf(name)
  if idx then table.remove(handlers.list, idx) end
  return #handlers.list
end

-- receive(pattern): park the running coroutine until a matching message
-- arrives; that message becomes the return value. An error raised after the
-- resume is re-raised inside the message that resumed it.
function handlers.receive(pattern)
  local co = coroutine.running()
  handlers.once(pattern, function(msg)
    local _, ok, err = coroutine.resume(co, msg)
    if ok == false then error(err) end
  end)
  return coroutine.yield(pattern)
end

-- Normalize a pattern result: true/"break" -> -1, false/"skip" -> 0, "continue" -> 1.
local function matchValue(m)
  local tm = type(m)
  if tm ~= "number" and tm ~= "string" and tm ~= "boolean" then
    error("Pattern result is not valid, it MUST be string, number, or boolean")
  end
  if tm == "boolean" then return m and -1 or 0 end
  if tm == "string" then
    if m == "continue" then return 1 end
    if m == "break" then return -1 end
    return 0
  end
  return m
end

function handlers.evaluate(msg, env)
  assert(type(msg) == "table", "msg is not valid")
  assert(type(env) == "table", "env is not valid")
  local handled = false
  -- ipairs over the live list: removals during the loop shift later entries (as aos).
  for _, h in ipairs(handlers.list) do
    if h.name ~= "_default" then
      local m = matchValue(utils.matchesSpec(msg, h.pattern))
      if m ~= 0 then
        if m < 0 then handled = true end
        local ok, err = pcall(h.handle, msg, env)
        if not ok then error(err) end
        if type(h.maxRuns) == "number" then
          h.maxRuns = h.maxRuns - 1
          if h.maxRuns <= 0 then handlers.remove(h.name) end
        end
      end
      if m < 0 then return handled end
    end
  end
  if not handled then
    local idx = indexOf("_default")
    if idx then handlers.list[idx].handle(msg, env) end
  end
  return handled
end

return handlers
