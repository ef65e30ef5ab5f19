-- Chatroom: a minimal chat server; processes Register, then every Broadcast goes to all Members.
--
-- Members is a list of addresses. Register/Unregister add and remove the
-- sender; Broadcast sends the message's Data to every member as a
-- Broadcast-Notice (with Broadcaster = who sent it).

Members = Members or {}

local function indexOf(list, value)
  for i, v in ipairs(list) do
    if v == value then return i end
  end
  return nil
end

Handlers.add("register", "Register", function(msg)
  if indexOf(Members, msg.From) then
    msg.reply({ Data = "Already registered." })
    return
  end
  table.insert(Members, msg.From)
  msg.reply({ Data = "Registered." })
end)

Handlers.add("unregister", "Unregister", function(msg)
  local i = indexOf(Members, msg.From)
  if not i then
    msg.reply({ Data = "Not registered" })
    return
  end
  table.remove(Members, i)
  msg.reply({ Data = "Unregistered" })
end)

Handlers.add("broadcast", "Broadcast", function(msg)
  for _, member in ipairs(Members) do
    Send({ Target = member, Action = "Broadcast-Notice", Broadcaster = msg.From, Data = msg.Data })
  end
  msg.reply({ Data = "Broadcasted." })
end)
