-- eval.lua: the `_eval` handler body (spec §4). Compiles msg.Data as an
-- expression first ("return " .. Data), then as a statement block; runs it in
-- _G; appends the uncoloured value to the print logs.

local stringify = require(".stringify")

return function(ao)
  return function(msg)
    local expr = msg.Data
    -- aos-ts extension: an Eval may name its chunk (Chunk-Name tag), so an
    -- error in a function it defined names that Eval. Without it: "aos".
    local chunk = "aos"
    local named = msg.Tags and msg.Tags["Chunk-Name"]
    if type(named) == "string" and #named <= 48 and named:match("^[%w%s%.%-_:/@#]+$") then chunk = named end
    local fn, err = load("return " .. expr, chunk, "t", _G)
    if err then
      fn, err = load(expr, chunk, "t", _G)
    end
    if not fn then
      -- A compile error is the whole result: {Error = '[string "aos"]:1: ...'}.
      ao.outbox.Error = err
      return
    end
    local output, e = fn()
    if e then
      -- `return value, err` style: a truthy second value is reported as the error.
      ao.outbox.Error = e
      return
    end
    if output then
      local text = type(output) == "table" and stringify.format(output) or tostring(output)
      table.insert(HANDLER_PRINT_LOGS, text)
    end
  end
end
