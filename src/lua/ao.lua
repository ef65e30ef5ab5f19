-- ao.lua: the `ao` module (spec §2): identity, authorities, the outbox, and
-- the message/spawn/assignment builders. Its fields are process state: they
-- persist with the VM across messages.

local utils, blockedSet = require(".utils") -- blockedSet: defined at the end

local ao = {
  _version = "0.0.6",
  id = "",
  _module = "",
  authorities = {},
  reference = 0,
  outbox = { Output = {}, Messages = {}, Spawns = {}, Assignments = {} },
  nonExtractableTags = {
    "Data-Protocol", "Variant", "From-Process", "From-Module", "Type",
    "From", "Owner", "Anchor", "Target", "Data", "Tags", "Read-Only",
  },
  nonForwardableTags = {
    "Data-Protocol", "Variant", "From-Process", "From-Module", "Type",
    "From", "Owner", "Anchor", "Target", "Tags", "TagArray", "Hash-Chain",
    "Timestamp", "Nonce", "Epoch", "Signature", "Forwarded-By", "Pushed-For",
    "Read-Only", "Cron", "Block-Height", "Reference", "Id", "Reply-To",
  },
  assignables = {},
  Nonce = nil,
}

-- Whether list holds v, as utils.includes(v)(list) answers (minus its curried calls).
local function inList(list, v)
  if type(list) ~= "table" then return utils.includes(v)(list) end
  for k = 1, #list do if list[k] == v then return true end end return false
end

-- Handlers is required lazily: it is only needed when a reply is awaited.
local function Handlers()
  return require(".handlers")
end

-- Tag lookup that works on both the wire form ({name, value} array) and a map.
local function tagValues(tags, name)
  local out = {}
  if type(tags) ~= "table" then return out end
  for _, t in ipairs(tags) do
    if type(t) == "table" and t.name == name then out[#out + 1] = t.value end
  end
  if #out == 0 and tags[name] ~= nil then out[1] = tags[name] end
  return out
end
ao._tagValues = tagValues

-- Deep copy, preserving shared/cyclic references.
function ao.clone(obj, seen)
  if type(obj) ~= "table" then return obj end
  seen = seen or {}
  if seen[obj] then return seen[obj] end
  local copy = {}
  seen[obj] = copy
  for k, v in pairs(obj) do
    if type(k) == "table" then k = ao.clone(k, seen) end if type(v) == "table" then v = ao.clone(v, seen) end copy[k] = v
  end
  return setmetatable(copy, getmetatable(obj))
end

-- Key normalizer (x_custom-HEADER -> X-Custom-Header).
ao.normalizeName = utils.normalize

-- normalize(msg): lift tags to the root, in array order (last duplicate wins),
-- skipping the non-extractable names.
function ao.normalize(msg)
  local blocked = blockedSet(ao.nonExtractableTags)
  for _, tag in ipairs(msg.Tags or {}) do
    if type(tag) == "table" and tag.name ~= nil and not blocked[tag.name] then
      msg[tag.name] = tag.value
    end
  end
  return msg
end

-- sanitize(msg): deep clone without the keys that must not be forwarded.
function ao.sanitize(msg)
  local copy = ao.clone(msg)
  for _, k in ipairs(ao.nonForwardableTags) do copy[k] = nil end
  return copy
end

-- init(env): called first on every message (spec §1.4 step 1).
function ao.init(env)
  local process = (env and env.Process) or {}
  if ao.id == "" or ao.id == nil then ao.id = process.Id end
  if ao._module == "" or ao._module == nil then
    ao._module = tagValues(process.Tags, "Module")[1] or ao._module
  end
  for _, value in ipairs(tagValues(process.Tags, "Authority")) do
    for id in tostring(value):gmatch("[^,]+") do
      if not inList(ao.authorities, id) then
        table.insert(ao.authorities, id)
      end
    end
  end
  ao.outbox = { Output = {}, Messages = {}, Spawns = {}, Assignments = {} }
  ao.env = env
end

function ao.log(txt)
  if type(ao.outbox.Output) == "string" then ao.outbox.Output = { ao.outbox.Output } end
  if type(ao.outbox.Output) ~= "table" then ao.outbox.Output = {} end
  table.insert(ao.outbox.Output, txt)
end

function ao.clearOutbox()
  ao.outbox = { Output = {}, Messages = {}, Spawns = {}, Assignments = {} }
end

local function padReference(n)
  if math.type(n) == "integer" and n >= 0 then local s = tostring(n) return string.rep("0", 32 - #s) .. s end return string.format("%032d", n)
end

-- Root keys that never become tags of an outgoing message.
local SEND_SKIP = { Target = true, Data = true, Anchor = true, Tags = true, From = true }

-- Appends root extras (pairs order) then msg.Tags (array order or map pairs).
local function appendTags(tags, msg)
  for k, v in pairs(msg) do
    if not SEND_SKIP[k] then tags[#tags + 1] = { name = k, value = v } end
  end
  if type(msg.Tags) == "table" then
    if utils.isArray(msg.Tags) then
      for _, t in ipairs(msg.Tags) do tags[#tags + 1] = t end
    else
      for k, v in pairs(msg.Tags) do tags[#tags + 1] = { name = k, value = v } end
    end
  end
end

function ao.send(msg)
  assert(type(msg) == "table", "msg should be a table")
  ao.reference = ao.reference + 1
  local ref = tostring(ao.reference)
  local message = {
    Target = msg.Target,
    Data = msg.Data,
    Anchor = padReference(ao.reference),
    Tags = {
      { name = "Data-Protocol", value = "ao" },
      { name = "Variant", value = "ao.TN.1" },
      { name = "Type", value = "Message" },
      { name = "Reference", value = ref },
    },
  }
  appendTags(message.Tags, msg)
  table.insert(ao.outbox.Messages, ao.clone(message))

  message.onReply = function(...)
    local from, handler
    if select("#", ...) >= 2 then from, handler = ... else from, handler = message.Target, ... end
    Handlers().once({ From = from, ["X-Reference"] = ref }, handler)
  end
  message.receive = function(...)
    local from = message.Target
    if select("#", ...) >= 1 and (...) ~= nil then from = ... end
    return Handlers().receive({ From = from, ["X-Reference"] = ref })
  end
  return message
end

function ao.spawn(module, msg)
  assert(type(module) == "string", "Module source id is required!")
  assert(type(msg) == "table", "Message must be a table")
  ao.reference = ao.reference + 1
  local ref = tostring(ao.reference)
  local spawn = {
    Data = msg.Data or "NODATA",
    Anchor = padReference(ao.reference),
    Tags = {
      { name = "Data-Protocol", value = "ao" },
      { name = "Variant", value = "ao.TN.1" },
      { name = "Type", value = "Process" },
      { name = "From-Process", value = ao.id },
      { name = "From-Module", value = ao._module },
      { name = "Module", value = module },
      { name = "Reference", value = ref },
    },
  }
  appendTags(spawn.Tags, msg)
  table.insert(ao.outbox.Spawns, ao.clone(spawn))

  local spec = { Action = "Spawned", From = ao.id, Reference = ref }
  spawn.onReply = function(callback)
    Handlers().once(spec, callback)
  end
  spawn.receive = function()
    return Handlers().receive(spec)
  end
  return spawn
end

function ao.assign(assignment)
  assert(type(assignment) == "table", "assignment should be a table")
  assert(type(assignment.Processes) == "table", "Processes should be a table")
  assert(type(assignment.Message) == "string", "Message should be a string")
  table.insert(ao.outbox.Assignments, assignment)
end

function ao.isTrusted(msg)
  for _, id in ipairs(ao.authorities) do
    if msg.From == id or msg.Owner == id then return true end
  end
  return false
end

-- result(r): an Error anywhere wins and is the only key returned.
function ao.result(result)
  result = result or {}
  if ao.outbox.Error or result.Error then
    return { Error = result.Error or ao.outbox.Error }
  end
  return {
    Output = result.Output or ao.outbox.Output,
    Messages = ao.outbox.Messages,
    Spawns = ao.outbox.Spawns,
    Assignments = ao.outbox.Assignments,
  }
end

-- aos ships registerHint but never uses it; kept as a harmless no-op.
function ao.registerHint() end

require(".assignment")(ao)

-- The set of a list's values (ipairs order), as ao.normalize needs for the
-- non-extractable names: kept from one message to the next, and made again
-- only when the list is another table or no longer holds the same values.
-- (When every kept value is a string, ~= compares as rawequal does.)
local setList, setValues, setOfList, setAllStrings
blockedSet = function(list)
  if setList ~= nil and rawequal(list, setList) then
    local n, same = #setValues, true
    for j = 1, n do
      local x, y = list[j], setValues[j]
      if x ~= y or (not setAllStrings and not rawequal(x, y)) then
        same = false
        break
      end
    end
    if same and list[n + 1] == nil then return setOfList end
  end
  local set, values, allStrings = {}, {}, true
  for i, v in ipairs(list) do
    set[v] = true
    values[i] = v
    if type(v) ~= "string" then allStrings = false end
  end
  setList, setValues, setOfList, setAllStrings = list, values, set, allStrings
  return set
end

return ao
