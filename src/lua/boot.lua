-- boot.lua: the `_boot` once-handler run on the process (spawn) message
-- (spec §5.2). Stores the message in the Inbox, then honours On-Boot.

return function(ao)
  local eval = require(".eval")(ao)
  return function(msg)
    if #Inbox == 0 then table.insert(Inbox, msg) end
    local onBoot = msg.Tags["On-Boot"]
    if onBoot == nil then return end
    if onBoot == "Data" then
      eval(msg)
      return
    end
    -- Any other value names a tx whose data aos reads from WeaveDrive at
    -- /data/<txid>. A host may provide that file through `io` (removed by the
    -- default sandbox); without it the boot code cannot be fetched.
    local file = io and io.open and io.open("/data/" .. onBoot)
    if not file then
      print("WARN: On-Boot " .. onBoot .. " could not be loaded (no WeaveDrive data).")
      return
    end
    local code = file:read("a")
    file:close()
    eval({ Data = code, Tags = msg.Tags, From = msg.From, Owner = msg.Owner })
  end
end
