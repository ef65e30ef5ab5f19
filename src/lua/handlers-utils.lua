-- handlers-utils.lua: small pattern/handle builders exposed as Handlers.utils
-- (spec §3.3). Patterns read the tag map (msg.Tags), where the first duplicate wins.

local utils = require(".utils")

local hutils = { _version = "0.0.2" }

-- Exact, case-sensitive tag equality; returns a boolean (true breaks the chain).
function hutils.hasMatchingTag(name, value)
  assert(type(name) == "string" and type(value) == "string", "invalid arguments: (name : string, value : string)")
  return function(msg)
    return msg.Tags[name] == value
  end
end

-- First truthy hasMatchingTag result among `values`, else 0 (skip).
function hutils.hasMatchingTagOf(name, values)
  assert(type(name) == "string" and type(values) == "table", "invalid arguments: (name : string, values : string[])")
  return function(msg)
    for _, v in ipairs(values) do
      local r = hutils.hasMatchingTag(name, v)(msg)
      if r then return r end
    end
    return 0
  end
end

function hutils.hasMatchingData(value)
  assert(type(value) == "string", "invalid arguments: (value : string)")
  return function(msg)
    return msg.Data == value
  end
end

-- A handle that replies with a string (as Data) or a full message table.
function hutils.reply(input)
  assert(type(input) == "string" or type(input) == "table", "invalid arguments: (input : table | string)")
  return function(msg)
    if type(input) == "string" then
      msg.reply({ Data = input })
    else
      msg.reply(input)
    end
  end
end

-- Wraps a pattern so that any match continues the chain (becomes 1).
function hutils.continue(pattern)
  return function(msg)
    local m = utils.matchesSpec(msg, pattern)
    if not m or m == 0 or m == "skip" then return m end
    return 1
  end
end

return hutils
