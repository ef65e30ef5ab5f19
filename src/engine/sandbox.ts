// The Lua that runs first in every fresh engine, before the process OS loads.
//
// It does three jobs, all inside Lua so that no JavaScript function has to
// live in the Lua state (which keeps whole-memory snapshots restorable):
//   1. Sandbox: take away everything that reaches the host or the clock.
//   2. Budget: a count hook stops runaway code; the error it raises cannot
//      be swallowed by pcall/xpcall/coroutine.resume in user code.
//   3. Bridge: `__aos_handle(msgJson, envJson, budget)` decodes, calls
//      process.handle, and encodes the result, never throwing.

export const BUDGET_ERROR = 'instruction budget exceeded';

export const SANDBOX_LUA = String.raw`
local rawerror, rawpcall, rawxpcall = error, pcall, xpcall
local rawresume, rawtype, rawselect = coroutine.resume, type, select
local sethook = debug.sethook
local load_ = load

-- 1. Sandbox ---------------------------------------------------------------
io = nil
package.loaded.io = nil
os.execute, os.exit, os.getenv, os.remove, os.rename, os.tmpname = nil, nil, nil, nil, nil, nil
dofile, loadfile = nil, nil
package.loadlib, package.searchpath, package.cpath, package.path = nil, nil, "", ""
debug.sethook = function() rawerror("debug.sethook is not available in a process", 2) end
debug.gethook = function() return nil end
debug.getregistry = nil
debug.setcstacklimit = nil
print = function() end

-- Binary chunks could corrupt the VM: only source text may be loaded.
-- The varargs keep "env given as nil" apart from "env not given", as load does.
load = function(chunk, name, _mode, ...)
  return load_(chunk, name, "t", ...)
end

-- The clock and the calendar come from the message, never from the host.
local used = 0
os.clock = function() return used / 1e8 end
local rawdate = os.date
os.date = function(fmt, t)
  fmt = fmt or "%c"
  if rawtype(fmt) == "string" and fmt:sub(1, 1) ~= "!" then fmt = "!" .. fmt end
  if t == nil then t = math.floor((tonumber(os.time()) or 0) / 1000) end
  return rawdate(fmt, t)
end

-- require resolves only what is already in the process: the OS's modules
-- (package.preload) and modules that .load registered in package.loaded.
local loaded, preload = package.loaded, package.preload
package.searchers = {}
require = function(name)
  if rawtype(name) ~= "string" then
    rawerror("bad argument #1 to 'require' (module name expected, got " .. rawtype(name) .. ")", 2)
  end
  local m = loaded[name]
  if m ~= nil then return m end
  local loader = preload[name]
  if loader == nil then
    rawerror("module '" .. name .. "' not found: a process can require only aos modules (such as .json, .utils) and modules bundled into it with .load", 2)
  end
  local r = loader(name)
  if r == nil then r = true end
  if loaded[name] == nil then loaded[name] = r end
  return loaded[name]
end

-- 2. Budget ------------------------------------------------------------------
local BUDGET_ERROR = "${BUDGET_ERROR}"
local STEP = 1000
local budget, exceeded = math.huge, false
local function hook()
  used = used + STEP
  if used > budget then
    exceeded = true
    rawerror(BUDGET_ERROR, 0)
  end
end
local function recheck(...)
  if exceeded then rawerror(BUDGET_ERROR, 0) end
  return ...
end
pcall = function(...) return recheck(rawpcall(...)) end
xpcall = function(...) return recheck(rawxpcall(...)) end
coroutine.resume = function(...) return recheck(rawresume(...)) end
-- Hooks are per thread and new coroutines do not inherit ours here: give
-- every coroutine the budget hook (create: on the thread; wrap: from inside,
-- as a tail call so no extra frame shows in tracebacks).
local rawcreate, rawwrap = coroutine.create, coroutine.wrap
coroutine.create = function(f)
  local co = rawcreate(f)
  sethook(co, hook, "", STEP)
  return co
end
coroutine.wrap = function(f)
  if rawtype(f) ~= "function" then return rawwrap(f) end
  return rawwrap(function(...)
    sethook(hook, "", STEP)
    return f(...)
  end)
end

-- 3. Bridge ------------------------------------------------------------------
-- Modules are compiled on their first require (and their text dropped
-- then): one a process never asks for (.bint, .pretty, ...) costs no boot
-- time, and only its text in memory.
function __aos_register(name, source)
  local f
  preload[name] = function(...)
    if f == nil then
      local err
      f, err = load_(source, name, "t")
      if not f then rawerror(err, 0) end
      source = nil
    end
    return f(...)
  end
end

function __aos_alias(alias, name)
  preload[alias] = function() return require(name) end
end

local json, process, bootHandle, bootEncode, bootDecode, bootProgram, bootRebuild, JSON_RESULT
function __aos_boot()
  json = require(".json")
  process = require(".process")
  -- The functions as the OS defines them: while a process has not replaced
  -- them, a result is encoded once, inside process.handle (see below).
  bootHandle, bootEncode, JSON_RESULT = process.handle, json.encode, process._jsonResult
  bootDecode, bootProgram, bootRebuild = json.decode, json._program, json._rebuild
  -- Lua 5.4's generational collector: a message's garbage is mostly young,
  -- and this cut the slowest 1% of small messages several-fold (incremental
  -- collection did large steps inside a few unlucky messages). It is set once
  -- here and kept in the memory image; collection is driven by allocation
  -- only, so it is as deterministic as the incremental mode. (AO's own
  -- module is Lua 5.3, which has no generational mode; GC mode is not
  -- something a process can rely on either way.)
  collectgarbage("generational")
  return "ok"
end

local function start(limit)
  used, budget, exceeded = 0, limit, false
  sethook(hook, "", STEP)
end

-- Evaluate a Lua chunk outside any message (used by the host for probes).
function __aos_eval(source, limit)
  start(tonumber(limit))
  local f, err = load_(source, "host", "t")
  if not f then return json.encode({ ok = false, error = err }) end
  local ok, res = rawpcall(f)
  budget = math.huge
  if exceeded then return json.encode({ ok = false, error = BUDGET_ERROR }) end
  if not ok then return json.encode({ ok = false, error = tostring(res) }) end
  return json.encode({ ok = true, value = res })
end

-- The environment text rarely changes between messages: while it is the
-- same, its tables are rebuilt from a program made once (json._program),
-- which gives exactly what decoding it again would.
local envText, envProgram
local function decodeEnv(text)
  if json.decode ~= bootDecode or bootProgram == nil then return json.decode(text) end
  if text == envText then return bootRebuild(envProgram) end
  local env = json.decode(text)
  local made, program = rawpcall(bootProgram, text)
  if made then envText, envProgram = text, program end
  return env
end

function __aos_handle(msgJson, envJson, limit)
  start(tonumber(limit))
  local ok, res = rawpcall(function()
    local msg = json.decode(msgJson)
    local env = decodeEnv(envJson)
    local handle = process.handle
    if handle ~= bootHandle or JSON_RESULT == nil then
      return json.encode({ ok = true, response = handle(msg, env) })
    end
    -- The OS's own handle checks that its result encodes; it hands back that
    -- text, which is what encoding { ok, response } would embed, unless the
    -- process swapped json.encode, when the result is encoded as it asks.
    local text, out = handle(msg, env, JSON_RESULT)
    if text ~= nil and json.encode == bootEncode and rawtype(text) == "string" then
      return '{"ok":true,"response":' .. text .. '}'
    end
    return json.encode({ ok = true, response = out })
  end)
  budget = math.huge
  if exceeded then
    return json.encode({ ok = false, error = BUDGET_ERROR })
  end
  if not ok then
    local text = rawtype(res) == "string" and res or tostring(res)
    local okEnc, encoded = rawpcall(json.encode, { ok = false, error = text })
    if okEnc then return encoded end
    return '{"ok":false,"error":"the process returned a result that cannot be encoded"}'
  end
  return res
end
`;
