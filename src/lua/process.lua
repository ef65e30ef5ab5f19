-- process.lua: the aos process entry point. process.handle(msg, env) runs the
-- per-message pipeline of spec §1.4 and returns the result table of §1.5.
-- Loading this module installs the aos globals (spec §3).

local json = require(".json")
local base64 = require(".base64")
local utils = require(".utils")
local ao = require(".ao")
local Handlers = require(".handlers")
local stringify = require(".stringify")
local dump = require(".dump")
local chance = require(".chance")
local evalHandler = require(".eval")
local bootHandler = require(".boot")
local defaultHandler = require(".default")

local process = { _version = "2.0.4" }

local INBOX_LIMIT, evalPattern, evalHandle, defaultPattern, defaultHandle, JSON_RESULT, register = 10000

Colors = { red = "\27[31m", green = "\27[32m", blue = "\27[34m", gray = "\27[90m", reset = "\27[0m" }
Bell = "\7"
-- _G.* because locals of the same name shadow these globals in this file.
_G.Dump = dump
_G.Utils = utils
_G.Handlers = Handlers
_G.ao = ao
_G.json = json
_G.base64 = base64
HANDLER_PRINT_LOGS = HANDLER_PRINT_LOGS or {}
if Seeded == nil then Seeded = false end

-------------------------------------------------------------------------------
-- Prompt, print and the small globals
-------------------------------------------------------------------------------

function Prompt()
  return Colors.green .. tostring(Name) .. Colors.gray .. "@" .. Colors.blue .. "aos-" .. process._version
    .. Colors.gray .. "[Inbox:" .. Colors.red .. tostring(#(Inbox or {})) .. Colors.gray .. "]"
    .. Colors.reset .. "> "
end

-- The Output table print leaves in ao.outbox.Output ({data, prompt, print=true}).
-- data/prompt are computed when read (or when ao.result returns it), so a
-- handler printing many lines does not re-join the whole log every time.
local printOutputMeta = {
  __index = function(_, k)
    if k == "data" then return table.concat(HANDLER_PRINT_LOGS, "\n") end
    if k == "prompt" then return Prompt() end
  end,
}
printOutputMeta.__materialize = function(t)
  return { data = t.data, prompt = t.prompt, print = true }
end

-- print(x): one argument; tables via stringify, scalars coloured (spec §7).
print = function(a)
  local ta = type(a)
  if ta == "table" then
    a = stringify.format(a)
  elseif ta == "boolean" then
    a = Colors.blue .. tostring(a) .. Colors.reset
  elseif ta == "nil" then
    a = Colors.red .. "nil" .. Colors.reset
  elseif ta == "number" then
    a = Colors.green .. tostring(a) .. Colors.reset
  elseif ta ~= "string" then
    a = tostring(a)
  end
  table.insert(HANDLER_PRINT_LOGS, a)
  ao.outbox.Output = setmetatable({ print = true }, printOutputMeta)
  return nil
end

-- ao.result must hand back a plain table (the host encodes it with pairs).
local rawResult = ao.result
function ao.result(r)
  local res = rawResult(r)
  local out = res.Output
  local mt = type(out) == "table" and getmetatable(out)
  if mt and mt.__materialize then res.Output = mt.__materialize(out) end
  return res
end

-- Tab(msg): tag array -> map; the first duplicate wins.
local function tab(m)
  local map = {}
  for _, t in ipairs(m.Tags or {}) do
    if type(t) == "table" and t.name ~= nil and map[t.name] == nil then map[t.name] = t.value end
  end
  return map
end
Tab = tab

function Version()
  print("version: " .. process._version)
end

-- Outgoing table Data is JSON-encoded and flagged with Content-Type.
local function encodeData(msg)
  if type(msg) == "table" and type(msg.Data) == "table" then
    msg["Content-Type"] = "application/json"
    msg.Data = json.encode(msg.Data)
  end
end

local rawSend, rawSpawn = ao.send, ao.spawn
function ao.send(msg)
  encodeData(msg)
  return rawSend(msg)
end
function ao.spawn(module, msg)
  encodeData(msg)
  return rawSpawn(module, msg)
end

function Send(msg)
  if type(msg) == "table" and msg.Target == nil then
    print("WARN: No target specified for message. Data will be stored, but no process will receive it.")
  end
  local sent = ao.send(msg)
  return { output = "Message added to outbox", receive = sent.receive, onReply = sent.onReply }
end

-- Spawn(module, msg) or Spawn(msg) (module defaults to this process's module).
function Spawn(...)
  local module, msg
  if select("#", ...) == 1 then
    module, msg = ao._module, ...
  else
    module, msg = ...
  end
  msg = msg or {}
  local spawned = ao.spawn(module, msg)
  return { output = "Spawn process request added to outbox", after = spawned.after, receive = spawned.receive }
end

function Assign(assignment)
  ao.assign(assignment)
  print("Assignment added to outbox.")
  return "Assignment added to outbox."
end

function Receive(spec)
  return Handlers.receive(spec)
end

-------------------------------------------------------------------------------
-- Per-message steps
-------------------------------------------------------------------------------

-- Inbox keeps the newest INBOX_LIMIT messages.
local function insertInbox(msg)
  table.insert(Inbox, msg)
  local n = #Inbox
  local excess = n - INBOX_LIMIT
  if excess > 0 then
    table.move(Inbox, excess + 1, n, 1)
    for i = n - excess + 1, n do Inbox[i] = nil end
  end
end

-- Accept a map-shaped Tags too (hosts/tests sometimes send one); sorted so
-- the resulting order does not depend on hash order.
local function tagArray(tags)
  if type(tags) ~= "table" then return {} end
  if utils.isArray(tags) then return tags end
  local names = {}
  for k in pairs(tags) do names[#names + 1] = k end
  table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
  local arr = {}
  for i, k in ipairs(names) do arr[i] = { name = k, value = tags[k] } end
  return arr
end

-- Step 2: normalize root keys and tag names, then lift tags to the root.
local function normalizeMessage(msg)
  local keys = {}
  for k in pairs(msg) do keys[#keys + 1] = k end -- iterate a copy (Lua 5.4 §9)
  for _, k in ipairs(keys) do
    local nk = utils.normalize(k)
    if nk ~= k then
      local v = msg[k]
      msg[k] = nil
      -- An already-canonical key wins over a differently-cased duplicate.
      if msg[nk] == nil then msg[nk] = v end
    end
  end
  local tags = {}
  for i, t in ipairs(tagArray(msg.Tags)) do
    if type(t) == "table" then
      tags[i] = { name = utils.normalize(t.name), value = t.value }
    else
      tags[i] = t
    end
  end
  msg.Tags = tags
  return ao.normalize(msg)
end

-- Step 4 (spec §5.1): seed the RNG once; create Errors/Inbox; Owner and Name once.
local function initializeState(msg, env)
  if not Seeded then
    -- Concatenation raises on a missing field, failing the call as aos does.
    local src = msg.Owner .. msg.Module .. msg.Id
    local sum = 0
    for i = 1, #src do sum = sum + src:byte(i) end
    local seed = tonumber(msg["Block-Height"] .. sum)
    chance.seed(math.floor(seed))
    math.random = chance.mathRandom
    Seeded = true
  end
  Errors = Errors or {}
  Inbox = Inbox or {}
  local ptags = env.Process and env.Process.Tags
  if Owner == nil and msg.Id == env.Process.Id then
    Owner = ao._tagValues(ptags, "From-Process")[1] or msg.From
  end
  if Name == nil then
    Name = ao._tagValues(ptags, "Name")[1] or "aos"
  end
end

local function attachReplyForward(msg)
  msg.reply = function(r)
    r.Target = msg["Reply-To"] or r.Target or msg.From
    r["X-Reference"] = msg["X-Reference"] or msg.Reference
    r["X-Origin"] = msg["X-Origin"]
    return ao.send(r)
  end
  msg.forward = function(target, extra)
    local copy = ao.sanitize(msg)
    for k, v in pairs(extra or {}) do copy[k] = v end
    copy.Target = target
    copy["Reply-To"] = msg["Reply-To"] or msg.From
    copy["X-Reference"] = msg["X-Reference"] or msg.Reference
    copy["X-Origin"] = msg["X-Origin"] or msg.From
    copy.reply = nil
    copy.forward = nil
    return ao.send(copy)
  end
end

-- The traceback printed after a handler error, minus its last three lines.
local function shortTraceback()
  if not (debug and debug.traceback) then return "" end
  local lines = {}
  for line in tostring(debug.traceback()):gmatch("[^\n]+") do lines[#lines + 1] = line end
  for _ = 1, 3 do table.remove(lines) end
  return table.concat(lines, "\n")
end

local function errorText(err)
  return table.concat(HANDLER_PRINT_LOGS, "\n") .. "\n\n" .. Colors.red .. "error:\n" .. Colors.reset .. err
end

local function handleMessage(msg, arg2)
  local env = arg2
  if not (type(arg2) == "table" and arg2.Process) then env = arg2 and arg2.env end
  assert(type(env) == "table" and type(env.Process) == "table", "env.Process is required")
  assert(type(msg) == "table", "msg must be a table")

  ao.init(env)
  msg = normalizeMessage(msg)
  ao.id = ao.env.Process.Id
  initializeState(msg, ao.env)
  HANDLER_PRINT_LOGS = {}
  os.time = function() return msg.Timestamp end

  msg.TagArray = msg.Tags
  msg.Tags = tab(msg)
  local p = ao.env.Process
  p.TagArray = tagArray(p.Tags)
  p.Tags = tab({ Tags = p.TagArray })

  -- "Magic table": JSON Data is decoded; invalid JSON fails the whole call.
  if msg.Tags["Content-Type"] == "application/json" then
    msg.Data = json.decode(msg.Data or "{}")
  end

  ao.clearOutbox()

  -- Trust gate (§1.4 step 9).
  if msg.From ~= msg.Owner and not ao.isTrusted(msg) then
    print("Message is not trusted! From: " .. msg.From .. " - Owner: " .. msg.Owner)
    return ao.result({})
  end

  -- Assignment gate (§1.4 step 10).
  if ao.isAssignment(msg) and not ao.isAssignable(msg) then
    if msg.From ~= ao.id then
      Send({ Target = msg.From, Data = "Assignment is not trusted by this process!" })
    end
    print("Assignment is not trusted! From: " .. msg.From .. " - Owner: " .. msg.Owner)
    return ao.result({})
  end

  -- The OS handlers are re-registered on every message (a process may have
  -- replaced them), from functions made once when the OS loaded.
  register(Handlers.add, "add", "_eval", evalPattern, evalHandle)

  if msg.Id == ao.env.Process.Id then
    Handlers.once("_boot", function(m)
      return m.Tags.Type == "Process" and Owner == m.From
    end, bootHandler(ao))
  end

  register(Handlers.append, "append", "_default", defaultPattern, defaultHandle)

  attachReplyForward(msg)

  -- Run the handlers in a coroutine so Receive can park it (§1.4 step 15).
  local co = coroutine.create(function()
    return pcall(Handlers.evaluate, msg, env)
  end)
  local resumed, status, result = coroutine.resume(co)
  if not resumed then status, result = false, status end
  if coroutine.status(co) == "suspended" then status = true end -- parked by Receive
  local live = {}
  for _, c in ipairs(Handlers.coroutines) do
    if coroutine.status(c) ~= "dead" then live[#live + 1] = c end
  end
  if coroutine.status(co) ~= "dead" then live[#live + 1] = co end
  Handlers.coroutines = live

  if not status then
    -- aos concatenates the error; a non-string error (error({})) is tostring'd.
    local err = type(result) == "string" and result or tostring(result)
    if msg.Action == "Eval" then
      table.insert(Errors, result)
      return { Error = errorText(err) }
    end
    print(Colors.red .. "Error" .. Colors.gray .. " handling message "
      .. (msg.Action and ("with Action = " .. tostring(msg.Action)) or "") .. Colors.reset)
    print(Colors.green .. err .. Colors.reset)
    print("\n" .. Colors.gray .. shortTraceback() .. Colors.reset)
    return ao.result({ Error = errorText(err) })
  end

  local data = table.concat(HANDLER_PRINT_LOGS, "\n")
  if msg.Action == "Eval" then
    return ao.result({ Output = { data = data, prompt = Prompt(), test = dump(HANDLER_PRINT_LOGS) } })
  end
  return ao.result({ Output = { data = data, prompt = Prompt(), print = true } })
end

-- Never throws: what aos would raise outside its pcall becomes {Error = ...},
-- and so does a result the host could not JSON-encode.
function process.handle(msg, arg2, asJson)
  local ok, res = pcall(handleMessage, msg, arg2)
  if not ok then
    res = { Error = type(res) == "string" and res or tostring(res) }
    if asJson == JSON_RESULT then return nil, res end
    return res
  end
  local encodable, text = pcall(json.encode, res)
  if not encodable then
    res = { Error = "result could not be encoded as JSON: " .. tostring(text) }
    if asJson == JSON_RESULT then return nil, res end
    return res
  end
  -- The host's bridge passes JSON_RESULT to get the text just made as well,
  -- so that a result is encoded once rather than twice.
  if asJson == JSON_RESULT then return text, res end
  return res
end

evalPattern = function(m)
  return m.Action == "Eval" and Owner == m.From
end
evalHandle = evalHandler(ao)
defaultPattern = function() return true end
defaultHandle = defaultHandler(insertInbox)
JSON_RESULT = {}
process._jsonResult = JSON_RESULT

-- Handlers.add/append(name, pattern, handle) as handleMessage calls them,
-- skipped when the OS's own add/append would only set the fields of the
-- first handler of that name to the values they already hold.
local originals = { add = Handlers.add, append = Handlers.append }
register = function(fn, which, name, pattern, handle)
  if fn == originals[which] then
    for _, h in ipairs(Handlers.list) do
      if type(h) ~= "table" then break end
      if h.name == name then
        if h.pattern == pattern and h.handle == handle and h.maxRuns == "inf" then return end
        break
      end
    end
  end
  fn(name, pattern, handle)
end

return process
