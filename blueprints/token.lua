-- Token: the ao standard token (Info, Balance, Balances, Transfer, Mint, Total-Supply, Burn) with exact big-integer balances.
--
-- Balances and quantities are strings of decimal digits in the token's
-- smallest unit. They are added and compared digit by digit, so no amount
-- ever loses precision (a Lua number would round past 2^63, a float past 2^53).
-- Load it again at any time: existing state is kept (`X = X or ...`).

-- Unsigned decimal arithmetic on digit strings (kept local: a blueprint is one chunk).
local UInt = {}

-- The canonical digit string of v, or nil when v is not a whole number >= 0.
function UInt.parse(v)
  if math.type(v) == "integer" and v >= 0 then return tostring(v) end
  if type(v) ~= "string" then return nil end
  local digits = v:match("^%s*(%d+)%s*$")
  if not digits then return nil end
  digits = digits:gsub("^0+", "")
  return digits == "" and "0" or digits
end

-- -1, 0 or 1 as a < b, a == b, a > b (both canonical).
function UInt.cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end

function UInt.add(a, b)
  local out, carry = {}, 0
  local i, j = #a, #b
  while i > 0 or j > 0 or carry > 0 do
    local s = (i > 0 and a:byte(i) - 48 or 0) + (j > 0 and b:byte(j) - 48 or 0) + carry
    carry = s >= 10 and 1 or 0
    out[#out + 1] = string.char(48 + s % 10)
    i, j = i - 1, j - 1
  end
  return #out == 0 and "0" or string.reverse(table.concat(out))
end

-- a - b for a >= b.
function UInt.sub(a, b)
  assert(UInt.cmp(a, b) >= 0, "UInt.sub would go below zero")
  local out, borrow = {}, 0
  local i, j = #a, #b
  while i > 0 do
    local d = (a:byte(i) - 48) - (j > 0 and b:byte(j) - 48 or 0) - borrow
    borrow = d < 0 and 1 or 0
    out[#out + 1] = string.char(48 + d % 10)
    i, j = i - 1, j - 1
  end
  local r = string.reverse(table.concat(out)):gsub("^0+", "")
  return r == "" and "0" or r
end

-- The Quantity of msg as a canonical digit string > 0, or an error that says what was wrong.
local function quantityOf(msg)
  local raw = msg.Quantity
  assert(raw ~= nil, "Quantity is required!")
  local q = UInt.parse(raw)
  assert(q, 'Quantity must be a whole number of the smallest unit written in digits, like "100" (got "' .. tostring(raw) .. '")')
  assert(q ~= "0", "Quantity must be greater than 0")
  return q
end

local function balanceOf(account)
  return UInt.parse(Balances[account]) or "0"
end

local C = Colors or {}
local gray, blue, green, reset = C.gray or "", C.blue or "", C.green or "", C.reset or ""

-- State. `Name` is usually already the process name (aos sets it at boot), as in aos.
Variant = "0.0.3"
Denomination = Denomination or 12
Balances = Balances or { [ao.id] = "10000000000000000" }
TotalSupply = TotalSupply or "10000000000000000"
Name = Name or "Points Coin"
Ticker = Ticker or "PNTS"
Logo = Logo or "SBCCXwwecBlDqRLUjb8dYABExTJXLieawf7m2aBJ-KY"

Handlers.add("info", Handlers.utils.hasMatchingTag("Action", "Info"), function(msg)
  msg.reply({ Name = Name, Ticker = Ticker, Logo = Logo, Denomination = tostring(Denomination) })
end)

Handlers.add("balance", Handlers.utils.hasMatchingTag("Action", "Balance"), function(msg)
  local account = msg.Tags.Recipient
  if not account and msg.Tags.Target and Balances[msg.Tags.Target] then account = msg.Tags.Target end
  account = account or msg.From
  local bal = balanceOf(account)
  msg.reply({ Balance = bal, Ticker = Ticker, Account = account, Data = bal })
end)

Handlers.add("balances", Handlers.utils.hasMatchingTag("Action", "Balances"), function(msg)
  msg.reply({ Data = json.encode(Balances) })
end)

Handlers.add("transfer", Handlers.utils.hasMatchingTag("Action", "Transfer"), function(msg)
  assert(type(msg.Recipient) == "string" and msg.Recipient ~= "", "Recipient is required!")
  local qty = quantityOf(msg)
  local from = msg.From
  local have = balanceOf(from)
  if UInt.cmp(qty, have) > 0 then
    msg.reply({ Action = "Transfer-Error", ["Message-Id"] = msg.Id, Error = "Insufficient Balance!" })
    return
  end
  Balances[from] = UInt.sub(have, qty)
  Balances[msg.Recipient] = UInt.add(balanceOf(msg.Recipient), qty)
  if msg.Cast then return end

  local debit = {
    Action = "Debit-Notice",
    Recipient = msg.Recipient,
    Quantity = qty,
    Data = gray .. "You transferred " .. blue .. qty .. gray .. " to " .. green .. msg.Recipient .. reset,
  }
  local credit = {
    Target = msg.Recipient,
    Action = "Credit-Notice",
    Sender = from,
    Quantity = qty,
    Data = gray .. "You received " .. blue .. qty .. gray .. " from " .. green .. from .. reset,
  }
  -- Forwarded tags (X-*) let the parties correlate the notices with their request.
  for k, v in pairs(msg) do
    if type(k) == "string" and k:sub(1, 2) == "X-" and type(v) == "string" then
      debit[k] = v
      credit[k] = v
    end
  end
  msg.reply(debit)
  Send(credit)
end)

Handlers.add("mint", Handlers.utils.hasMatchingTag("Action", "Mint"), function(msg)
  local qty = quantityOf(msg)
  if msg.From ~= ao.id then
    msg.reply({ Action = "Mint-Error", ["Message-Id"] = msg.Id, Error = "Only the Process Id can mint new " .. Ticker .. " tokens!" })
    return
  end
  Balances[ao.id] = UInt.add(balanceOf(ao.id), qty)
  TotalSupply = UInt.add(UInt.parse(TotalSupply) or "0", qty)
  msg.reply({ Data = gray .. "Successfully minted " .. blue .. qty .. reset })
end)

Handlers.add("totalSupply", Handlers.utils.hasMatchingTag("Action", "Total-Supply"), function(msg)
  assert(msg.From ~= ao.id, "Cannot call Total-Supply from the same process!")
  msg.reply({ Action = "Total-Supply", Data = TotalSupply, Ticker = Ticker })
end)

Handlers.add("burn", Handlers.utils.hasMatchingTag("Action", "Burn"), function(msg)
  local qty = quantityOf(msg)
  local have = balanceOf(msg.From)
  if UInt.cmp(qty, have) > 0 then
    msg.reply({ Action = "Burn-Error", ["Message-Id"] = msg.Id, Error = "Quantity must be less than or equal to the current balance!" })
    return
  end
  Balances[msg.From] = UInt.sub(have, qty)
  TotalSupply = UInt.sub(UInt.parse(TotalSupply) or "0", qty)
  msg.reply({ Data = gray .. "Successfully burned " .. blue .. qty .. reset })
end)
