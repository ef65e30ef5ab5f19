-- Chatroom: a minimal chat server; processes Register, then every Broadcast goes to all Members.
--
-- As aos's chatroom blueprint: Members is a list of addresses.
-- Register/Unregister add and remove the sender (replies "Registered." /
-- "Already registered.", "Unregistered" / "Not registered"); Broadcast sends
-- the message's Data to every member once as a Broadcast-Notice and replies
-- "Broadcasted.".

Members = Members or {}

local function indexOf(list, value)
  for i, v in ipairs(list) do
    if v == value then return i end
  end
  return nil
end

Handlers.add("register", "Register", function(msg)
  if indexOf(Members, msg.From) then
    Handlers.utils.reply("Already registered.")(msg)
    return
  end
  table.insert(Members, msg.From)
  Handlers.utils.reply("Registered.")(msg)
end)

Handlers.add("unregister", "Unregister", function(msg)
  local i = indexOf(Members, msg.From)
  if not i then
    Handlers.utils.reply("Not registered")(msg)
    return
  end
  table.remove(Members, i)
  Handlers.utils.reply("Unregistered")(msg)
end)

Handlers.add("broadcast", "Broadcast", function(msg)
  local sent = {}
  for _, member in ipairs(Members) do
    if not sent[member] then
      sent[member] = true
      ao.send({ Target = member, Action = "Broadcast-Notice", Data = msg.Data })
    end
  end
  Handlers.utils.reply("Broadcasted.")(msg)
end)
