-- assignment.lua: the assignables registry (spec §5.4). An "assignment" is a
-- message whose Target is another process; it is only evaluated when one of
-- these match specs accepts it.

local utils = require(".utils")

return function(ao)
  ao.assignables = ao.assignables or {}

  local function indexOf(name)
    for i, a in ipairs(ao.assignables) do
      if a.name == name then return i end
    end
    return nil
  end

  -- addAssignable([name,] spec): a named spec is updated in place.
  function ao.addAssignable(...)
    local name, spec
    if select("#", ...) == 1 then
      spec = ...
    else
      name, spec = ...
      assert(type(name) == "string", "MatchSpec name MUST be a string")
    end
    local idx = name and indexOf(name)
    if idx then
      ao.assignables[idx].pattern = spec
    else
      table.insert(ao.assignables, { pattern = spec, name = name })
    end
  end

  -- removeAssignable(nameOrIndex): unknown names are ignored.
  function ao.removeAssignable(key)
    local idx
    if type(key) == "string" then
      idx = indexOf(key)
    else
      assert(type(key) == "number", "index MUST be a number")
      idx = key
    end
    if idx and idx > 0 and idx <= #ao.assignables then
      table.remove(ao.assignables, idx)
    end
  end

  function ao.isAssignment(msg)
    return msg.Target ~= ao.id
  end

  function ao.isAssignable(msg)
    for _, a in ipairs(ao.assignables) do
      if utils.matchesSpec(msg, a.pattern) then return true end
    end
    return false
  end
end
