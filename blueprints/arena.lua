-- Arena: a round-based game framework; players pay a token to enter, eliminate each other, winners share a bonus (needs cron).
--
-- As aos's arena blueprint: the same globals (GameMode, Waiting, Players,
-- Listeners, PaymentToken, PaymentQty, BonusQty, ...), functions (announce,
-- sendReward, startWaitingPeriod, startGamePeriod, eliminatePlayer,
-- endGame, removeListener) and handlers (Game-State-Timers, Transfer,
-- Register, Unregister, AddBet, GetGameState, AnnounceTick, RequestTokens),
-- sending the same messages. Spawn the process with a cron interval so the
-- game advances: Not-Started -> Waiting (WaitTime) -> Playing (GameTime, or
-- until fewer than MinimumPlayers remain) -> Waiting ... Players register,
-- then pay PaymentQty of PaymentToken (a Credit-Notice from that token).
-- Your game logic adds handlers and calls eliminatePlayer(eliminated, by);
-- define onTick() to run on every message while Playing.
-- Rewards are whole token units (aos sent "1500.0"-style quantities that
-- token processes refuse).

GameMode = GameMode or "Not-Started"
StateChangeTime = StateChangeTime or nil

-- State durations, in milliseconds.
WaitTime = WaitTime or 2 * 60 * 1000
GameTime = GameTime or 20 * 60 * 1000
Now = Now or nil -- the current message's Timestamp

UNIT = 1000
PaymentToken = PaymentToken or "ADDR"
PaymentQty = PaymentQty or tostring(math.floor(UNIT))
BonusQty = BonusQty or tostring(math.floor(UNIT))

Waiting = Waiting or {}   -- player -> has paid
Players = Players or {}   -- player -> game state
Winners = 0
Listeners = Listeners or {}
MinimumPlayers = MinimumPlayers or 2
PlayerInitState = PlayerInitState or function() return {} end

local C = Colors or {}
local gray, blue, green, red, reset = C.gray or "", C.blue or "", C.green or "", C.red or "", C.reset or ""

-- A whole number of token units as a string ("1500", never "1500.0").
local function units(qty)
  local n = tonumber(qty) or 0
  return string.format("%d", math.floor(n))
end

function announce(event, description)
  for _, address in pairs(Listeners) do
    ao.send({ Target = address, Action = "Announcement", Event = event, Data = description })
  end
  return print(gray .. "Announcement: " .. red .. event .. " " .. blue .. description .. reset)
end

function sendReward(recipient, qty, reason)
  local quantity = units(qty)
  ao.send({ Target = PaymentToken, Action = "Transfer", Quantity = quantity, Recipient = recipient, Reason = reason })
  return print(gray .. "Sent Reward: " .. blue .. quantity .. gray .. " tokens to " .. green .. recipient .. " " .. blue .. reason .. reset)
end

function startWaitingPeriod()
  GameMode = "Waiting"
  StateChangeTime = (Now or 0) + WaitTime
  announce("Started-Waiting-Period", "The game is about to begin! Send your token to take part.")
  print("Starting Waiting Period")
end

function startGamePeriod()
  local paid = 0
  for _, hasPaid in pairs(Waiting) do
    if hasPaid then paid = paid + 1 end
  end
  if paid < MinimumPlayers then
    announce("Not-Enough-Players", "Not enough players registered! Restarting...")
    for player, hasPaid in pairs(Waiting) do
      if hasPaid then
        Waiting[player] = false
        sendReward(player, PaymentQty, "Refund")
      end
    end
    startWaitingPeriod()
    return
  end
  LastTick = nil
  GameMode = "Playing"
  StateChangeTime = (Now or 0) + GameTime
  for player, hasPaid in pairs(Waiting) do
    if hasPaid then
      Players[player] = PlayerInitState()
    else
      ao.send({ Target = player, Action = "Ejected", Reason = "Did-Not-Pay" })
      removeListener(player)
    end
  end
  announce("Started-Game", "The game has started. Good luck!")
  print("Game Started....")
end

function eliminatePlayer(eliminated, eliminator)
  sendReward(eliminator, PaymentQty, "Eliminated-Player")
  Waiting[eliminated] = false
  Players[eliminated] = nil
  ao.send({ Target = eliminated, Action = "Eliminated", Eliminator = eliminator })
  announce("Player-Eliminated", eliminated .. " was eliminated by " .. eliminator .. "!")
  local remaining = 0
  for _ in pairs(Players) do remaining = remaining + 1 end
  print("Eliminating player: " .. eliminated .. " by: " .. eliminator)
  if remaining < MinimumPlayers then endGame() end
end

function endGame()
  print("Game Over")
  Winners = 0
  for _ in pairs(Players) do Winners = Winners + 1 end
  -- Each winner gets back the entry fee plus an equal share of the bonus (rounded down).
  local share = Winners > 0 and math.floor((tonumber(BonusQty) or 0) / Winners) or 0
  for player in pairs(Players) do
    sendReward(player, share + (tonumber(PaymentQty) or 0), "Win")
    Waiting[player] = false
  end
  Players = {}
  announce("Game-Ended", "Congratulations! The game has ended. Remaining players at conclusion: " .. Winners .. ".")
  startWaitingPeriod()
end

function removeListener(listener)
  for i, v in ipairs(Listeners) do
    if v == listener then
      table.remove(Listeners, i)
      return
    end
  end
end

local function timeRemaining()
  if StateChangeTime == nil or Now == nil then return 0 end
  return StateChangeTime - Now
end

-- Every message (cron ticks above all) moves the game along, then lets the other handlers run.
Handlers.add("Game-State-Timers", function() return "continue" end, function(msg)
  Now = tonumber(msg.Timestamp) or Now
  if GameMode == "Not-Started" then
    startWaitingPeriod()
  elseif GameMode == "Waiting" then
    if Now > StateChangeTime then startGamePeriod() end
  elseif GameMode == "Playing" then
    if type(onTick) == "function" then onTick() end
    if Now > StateChangeTime then endGame() end
  end
end)

-- A deposit: a Credit-Notice from the payment token of at least PaymentQty.
Handlers.add("Transfer", function(msg)
  return msg.Action == "Credit-Notice" and msg.From == PaymentToken
    and (tonumber(msg.Quantity) or 0) >= (tonumber(PaymentQty) or 0) and "continue"
end, function(msg)
  Waiting[msg.Sender] = true
  ao.send({ Target = msg.Sender, Action = "Payment-Received" })
  announce("Player-Ready", msg.Sender .. " is ready to play!")
end)

-- Register for the next game (Mode = "Listen": announcements only).
Handlers.add("Register", Handlers.utils.hasMatchingTag("Action", "Register"), function(msg)
  if msg.Mode ~= "Listen" and Waiting[msg.From] == nil then Waiting[msg.From] = false end
  removeListener(msg.From)
  table.insert(Listeners, msg.From)
  ao.send({ Target = msg.From, Action = "Registered" })
  announce("New Player Registered", msg.From .. " has joined in waiting.")
end)

Handlers.add("Unregister", Handlers.utils.hasMatchingTag("Action", "Unregister"), function(msg)
  removeListener(msg.From)
  ao.send({ Target = msg.From, Action = "Unregistered" })
end)

Handlers.add("AddBet", Handlers.utils.hasMatchingTag("Reason", "AddBet"), function(msg)
  BonusQty = (tonumber(BonusQty) or 0) + (tonumber(msg.Tags.Quantity) or 0)
  announce("Bet-Added", msg.From .. "has placed a bet. " .. "BonusQty amount increased by " .. tostring(msg.Tags.Quantity) .. "!")
end)

Handlers.add("GetGameState", Handlers.utils.hasMatchingTag("Action", "GetGameState"), function(msg)
  local state = json.encode({ GameMode = GameMode, TimeRemaining = timeRemaining(), Players = Players })
  ao.send({ Target = msg.From, Action = "GameState", Data = state })
end)

Handlers.add("AnnounceTick", Handlers.utils.hasMatchingTag("Action", "Tick"), function()
  local left = timeRemaining()
  if GameMode == "Waiting" then
    announce("Tick", "The game will start in " .. (left / 1000) .. " seconds.")
  elseif GameMode == "Playing" then
    announce("Tick", "The game will end in " .. (left / 1000) .. " seconds.")
  end
end)

-- The arena process as its own token: sends 10000 units to whoever asks.
Handlers.add("RequestTokens", Handlers.utils.hasMatchingTag("Action", "RequestTokens"), function(msg)
  print("Transfering Tokens: " .. tostring(math.floor(10000 * UNIT)))
  ao.send({ Target = ao.id, Action = "Transfer", Quantity = tostring(math.floor(10000 * UNIT)), Recipient = msg.From })
end)
