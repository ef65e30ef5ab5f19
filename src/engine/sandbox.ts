// The Lua that runs first in every fresh engine, before the process OS loads.
//
// It does three jobs, all inside Lua so that no JavaScript function has to
// live in the Lua state (which keeps whole-memory snapshots restorable):
//   1. Sandbox: take away everything that reaches the host or the clock, and
//      everything that reaches the sandbox's own internals (the debug library
//      is replaced by a read-only subset).
//   2. Budget: a count hook stops runaway code; the error it raises cannot
//      be swallowed by pcall/xpcall/coroutine.resume in user code. Work done
//      inside C (string.rep, coroutine switches) is charged too. The budget
//      is the cheap inner guard: the wall-clock deadline outside the VM
//      (supervised-engine.ts) is the one nothing escapes.
//   3. Bridge: `__aos_handle(msgJson, envJson, budget)` decodes, calls
//      process.handle, and encodes the result, never throwing. The bridge
//      functions live in the Lua registry, out of the process's reach.

export const BUDGET_ERROR = 'instruction budget exceeded';
/**
 * string.rep charges one instruction per this many bytes it makes. Measured
 * (docs-limits.md): making 1 MB costs about as much time as 500,000 simple
 * instructions in this build, so one byte is charged as one instruction.
 */
export const BYTES_PER_INSTRUCTION = 1;
/** What one switch into a coroutine costs, in instructions (measured: a resume and its yield take about 165 instructions' time). */
export const RESUME_COST = 200;

export const SANDBOX_LUA = String.raw`
local rawerror, rawpcall, rawxpcall = error, pcall, xpcall
local rawresume, rawtype, rawselect = coroutine.resume, type, select
local sethook = debug.sethook
local load_ = load
-- The host finds the bridge functions in the registry, which no Lua code
-- can reach once the debug library is replaced (below).
local registry = debug.getregistry()

-- 1. Sandbox ---------------------------------------------------------------
io = nil
package.loaded.io = nil
os.execute, os.exit, os.getenv, os.remove, os.rename, os.tmpname = nil, nil, nil, nil, nil, nil
dofile, loadfile = nil, nil
package.loadlib, package.searchpath, package.cpath, package.path = nil, nil, "", ""
print = function() end

-- The debug library would hand out the sandbox's own functions and their
-- upvalues (the raw load, sethook, the budget). A process gets what reads:
-- traceback, getmetatable, and getinfo without function values ('f' and
-- 'L' are dropped, so no frame's function leaks).
local getinfo, traceback, dgetmetatable = debug.getinfo, debug.traceback, debug.getmetatable
local function readOnly(what)
  if rawtype(what) ~= "string" then return what end
  return (what:gsub("[fL]", ""))
end
local function dropFunc(info)
  if rawtype(info) == "table" then info.func, info.activelines = nil, nil end
  return info
end
debug = {
  traceback = traceback,
  getmetatable = dgetmetatable,
  getinfo = function(a, b, c)
    if rawtype(a) == "thread" then
      if c == nil then c = "nSltur" end
      return dropFunc(getinfo(a, b, readOnly(c)))
    end
    if b == nil then b = "nSltur" end
    -- Levels count from the caller, as if this wrapper were not there.
    if rawtype(a) == "number" and a > 0 then a = a + 1 end
    return dropFunc(getinfo(a, readOnly(b)))
  end,
}
for _, name in ipairs({ "sethook", "gethook", "getregistry", "getlocal", "setlocal", "getupvalue", "setupvalue",
    "upvalueid", "upvaluejoin", "setmetatable", "getuservalue", "setuservalue", "setcstacklimit" }) do
  local what = "debug." .. name .. " is not available in a process"
  debug[name] = function() rawerror(what, 2) end
end
package.loaded.debug = debug

-- Binary chunks could corrupt the VM: only source text may be loaded.
-- The varargs keep "env given as nil" apart from "env not given", as load does.
load = function(chunk, name, _mode, ...)
  return load_(chunk, name, "t", ...)
end

-- Finalizers run with hooks off, where no budget can stop them: __gc is
-- ignored. An object is marked for finalization only when setmetatable sees
-- __gc in the metatable, so the field is hidden for that moment (and
-- debug.setmetatable is gone).
local rawsetmetatable, rawgetmetatable, rawget, rawset = setmetatable, getmetatable, rawget, rawset
setmetatable = function(t, mt)
  if rawtype(t) == "table" and rawtype(mt) == "table" and rawget(mt, "__gc") ~= nil then
    local old = rawgetmetatable(t)
    if rawtype(old) ~= "table" or rawget(old, "__metatable") == nil then
      local gc = rawget(mt, "__gc")
      rawset(mt, "__gc", nil)
      rawsetmetatable(t, mt)
      rawset(mt, "__gc", gc)
      return t
    end
  end
  local r = rawsetmetatable(t, mt)
  return r
end

-- The collector: a process may run it ('collect', 'step') and read it
-- ('count', 'isrunning'); stopping it or changing its mode would leave the
-- process (and its snapshots) without collection, so those are refused.
local rawcollect = collectgarbage
collectgarbage = function(opt, ...)
  if opt == nil or opt == "collect" or opt == "count" or opt == "step" or opt == "isrunning" then
    return rawcollect(opt, ...)
  end
  rawerror("collectgarbage('" .. tostring(opt) .. "') is not available in a process: aos-ts runs the collector (use 'collect', 'step' or 'count')", 2)
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
-- Work that one VM instruction starts but C does: the bytes string.rep makes
-- (BYTES_PER_INSTRUCTION of them cost one instruction) and each switch into
-- a coroutine (RESUME_COST instructions).
local BYTES_PER_INSTRUCTION = ${BYTES_PER_INSTRUCTION}
local RESUME_COST = ${RESUME_COST}
local budget, exceeded = math.huge, false
local function hook()
  used = used + STEP
  if used > budget then
    exceeded = true
    rawerror(BUDGET_ERROR, 0)
  end
end
local function charge(n)
  used = used + n
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
-- A message handler runs with hooks off when the error came from the hook:
-- once the budget is spent, handlers are skipped and the error goes on.
xpcall = function(f, handler, ...)
  local h = handler
  if rawtype(handler) == "function" then
    h = function(e)
      if exceeded then return e end
      return handler(e)
    end
  end
  return recheck(rawxpcall(f, h, ...))
end
coroutine.resume = function(...)
  charge(RESUME_COST)
  return recheck(rawresume(...))
end
local rawrep = string.rep
-- Charged after the copy: one call is bounded by the memory limit (a huge
-- result fails as memory), a loop of them by the budget.
string.rep = function(s, n, sep)
  local r = rawrep(s, n, sep)
  charge(#r // BYTES_PER_INSTRUCTION)
  return r
end
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
  local resume = rawwrap(function(...)
    sethook(hook, "", STEP)
    return f(...)
  end)
  return function(...)
    charge(RESUME_COST)
    return resume(...)
  end
end


-- 3. Bridge ------------------------------------------------------------------
-- A module is compiled the first time it is required, not at boot: most
-- processes never load most of the library (.crypto alone is dozens of files).
function registry.__aos_register(name, source)
  local function compileAndRun(...)
    local f, err = load_(source, name, "t")
    if not f then rawerror(err, 0) end
    if preload[name] == compileAndRun then preload[name] = f end
    return f(...)
  end
  preload[name] = compileAndRun
end

function registry.__aos_alias(alias, name)
  preload[alias] = function() return require(name) end
end

local json, process, bootHandle, bootEncode, bootDecode, bootProgram, bootRebuild, JSON_RESULT
function registry.__aos_boot()
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
  rawcollect("generational")
  return "ok"
end

local function start(limit)
  used, budget, exceeded = 0, limit, false
  -- No message may run with the collector off (an image made before
  -- collectgarbage was restricted may hold a stopped one).
  if not rawcollect("isrunning") then rawcollect("restart") end
  sethook(hook, "", STEP)
end

-- Evaluate a Lua chunk outside any message (used by the host for probes).
function registry.__aos_eval(source, limit)
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

function registry.__aos_handle(msgJson, envJson, limit)
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
