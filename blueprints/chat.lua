-- Chat: a DevChat client (List, Join, Say, Tip, Replay, Leave) that talks to chat rooms from your process.
--
-- As aos's chat blueprint: the same globals and functions, the same messages
-- (Register with Nickname, Broadcast, Get-List to the DevChat router,
-- Replay with Depth, Unregister, Transfer for tips), and it prints what the
-- rooms broadcast (Action = Broadcasted, with Nickname and Broadcaster tags).
-- Loading it the first time joins DevChat's Getting-Started room.
-- The router and that room live on the AO network: from a local process
-- those messages wait as pending until the process is published. Join() and
-- Say() also take a local room's id (a process running a DevChat-style room,
-- or the chatroom blueprint, whose notices then land in your Inbox).

local C = Colors or {}
local gray, blue, green, red, reset = C.gray or "", C.blue or "", C.green or "", C.red or "", C.reset or ""

DevChat = DevChat or {}
DevChat.Router = "8MGp9kOU4JYxAlPT1AyL7O3cedd97y-w8X4ciBsf_Xo"
DevChat.InitRoom = "6I1JBBc9SOMtqFxlX7OoYgsMh7QeZk2fFwUCHTUqshg"
DevChat.LastSend = DevChat.LastSend or DevChat.InitRoom
DevChat.LastReceive = { Room = DevChat.InitRoom, Sender = nil }
DevChat.InitRooms = { [DevChat.InitRoom] = "Getting-Started" }
DevChat.Rooms = DevChat.Rooms or DevChat.InitRooms
-- aos wrote `DevChat.Confirmations or true`, which can never stay false across a reload.
if DevChat.Confirmations == nil then DevChat.Confirmations = true end

-- A room's address from its name (as the router listed it), or nil.
function DevChat.findRoom(target)
  for address, name in pairs(DevChat.Rooms) do
    if name == target then return address end
  end
  return nil
end

-- Register a room with the router: DevChat.add([name[, address]]).
function DevChat.add(name, address)
  ao.send({ Target = DevChat.Router, Action = "Register", Name = name or Name, Address = address or ao.id })
end

function List()
  ao.send({ Target = DevChat.Router, Action = "Get-List" })
  return gray .. "Getting the room list from the DevChat index..." .. reset
end

function Join(id, nickname)
  local address = DevChat.findRoom(id) or id
  ao.send({ Target = address, Action = "Register", Nickname = nickname or ao.id })
  return gray .. "Registering with room " .. blue .. id .. gray .. "..." .. reset
end

function Say(text, room)
  if room ~= nil then DevChat.LastSend = DevChat.findRoom(room) or room end
  local name = DevChat.Rooms[DevChat.LastSend] or room
  ao.send({ Target = DevChat.LastSend, Action = "Broadcast", Data = text })
  if not DevChat.Confirmations then return "" end
  return gray .. "Broadcasting to " .. blue .. tostring(name or DevChat.LastSend) .. gray .. "..." .. reset
end

-- Tip([recipient[, room[, quantity]]]): a Transfer from the room's token to the last speaker.
function Tip(recipient, room, quantity)
  room = room or DevChat.LastReceive.Room
  local roomName = DevChat.Rooms[room] or room
  local qty = tostring(quantity or 1)
  recipient = recipient or DevChat.LastReceive.Sender
  assert(recipient, "Tip: nobody has spoken yet; give the recipient: Tip(address)")
  ao.send({ Target = room, Action = "Transfer", Recipient = recipient, Quantity = qty })
  return gray .. "Sent tip of " .. green .. qty .. gray .. " to " .. red .. recipient .. gray .. " in room " .. blue .. roomName .. gray .. "."
end

-- Replay([depth[, room]]): ask a room to send its last messages again.
function Replay(depth, room)
  local address = room and (DevChat.findRoom(room) or room) or DevChat.LastReceive.Room
  local roomName = DevChat.Rooms[address] or address
  depth = depth or 3
  ao.send({ Target = address, Action = "Replay", Depth = tostring(depth) })
  return gray .. "Requested replay of the last " .. green .. depth .. gray .. " messages from " .. blue .. roomName .. reset .. "."
end

function Leave(id)
  local address = DevChat.findRoom(id) or id
  ao.send({ Target = address, Action = "Unregister" })
  return gray .. "Leaving room " .. blue .. id .. gray .. "..." .. reset
end

Handlers.add("DevChat-Broadcasted", Handlers.utils.hasMatchingTag("Action", "Broadcasted"), function(m)
  local shortRoom = DevChat.Rooms[m.From] or string.sub(m.From, 1, 6)
  local broadcaster = m.Broadcaster or m.From
  if broadcaster == ao.id and DevChat.Confirmations == true then
    print(gray .. "[Received confirmation of your broadcast in " .. blue .. shortRoom .. gray .. ".]" .. reset)
  end
  local nickname = m.Nickname or broadcaster
  local nick = string.sub(nickname, 1, 10)
  if broadcaster ~= nickname then nick = nick .. gray .. "#" .. string.sub(broadcaster, 1, 3) end
  print("[" .. red .. nick .. reset .. "@" .. blue .. shortRoom .. reset .. "]> " .. green .. tostring(m.Data) .. reset)
  DevChat.LastReceive.Room = m.From
  DevChat.LastReceive.Sender = broadcaster
end)

Handlers.add("DevChat-List", function(m)
  return m.Action == "Room-List" and m.From == DevChat.Router
end, function(m)
  local rows = {}
  DevChat.Rooms = DevChat.InitRooms
  for _, tag in ipairs(m.TagArray) do
    if tag.name:sub(1, 5) == "Room-" then
      local name = tag.name:sub(6)
      rows[#rows + 1] = blue .. "        " .. name .. reset .. "\n"
      DevChat.Rooms[tag.value] = name
    end
  end
  print("👋 The following rooms are currently available on DevChat:\n\n" .. table.concat(rows) ..
    "\nJoin a chat by running `Join(\"chatName\"[, \"yourNickname\"])`! You can leave chats with `Leave(\"name\")`.")
end)

if DevChatRegistered == nil then
  DevChatRegistered = true
  Join(DevChat.InitRoom)
end

function help()
  return blue .. "\n\nWelcome to ao DevChat v0.1!\n\n" .. reset ..
    "DevChat lets processes talk in rooms. Commands:\n\n" ..
    green .. "\t\t`List()`" .. reset .. " asks the DevChat index for the rooms.\n" ..
    green .. "\t\t`Join(\"RoomName\")`" .. reset .. " joins a room (by name or process id).\n" ..
    green .. "\t\t`Say(\"Msg\", \"RoomName\")`" .. reset .. " posts to a room (the last one if you leave it out).\n" ..
    green .. "\t\t`Replay(Count, \"RoomName\")`" .. reset .. " asks a room to resend its latest messages.\n" ..
    green .. "\t\t`Leave(\"RoomName\")`" .. reset .. " leaves a room.\n" ..
    green .. "\t\t`Tip([\"Recipient\"])`" .. reset .. " sends a token from the room to the last speaker.\n\n" ..
    "You have been registered to " .. blue .. DevChat.Rooms[DevChat.InitRoom] .. reset .. "."
end

return help()
