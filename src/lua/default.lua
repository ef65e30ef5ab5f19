-- default.lua: the `_default` handler (spec §3.4): store the message in the
-- Inbox and print the one-line "New Message From" summary.

local json = require(".json")

return function(insertInbox)
  return function(msg)
    insertInbox(msg)
    local gray, green, blue, reset = "\27[90m", "\27[32m", "\27[34m", "\27[0m"
    local from = "unknown"
    if type(msg.From) == "string" then
      from = msg.From:sub(1, 3) .. "..." .. msg.From:sub(-3)
    end
    local line = gray .. "New Message From " .. green .. from .. gray .. ": "
    if msg.Action then
      line = line .. gray .. "Action = " .. blue .. tostring(msg.Action):sub(1, 20) .. reset
    else
      local data = msg.Data
      if type(data) == "table" then data = json.encode(data) end
      line = line .. gray .. "Data = " .. blue .. tostring(data or ""):sub(1, 20) .. reset
    end
    print(line)
  end
end
