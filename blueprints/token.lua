-- Token: the ao standard token (Info, Balance, Balances, Transfer, Mint, Total-Supply, Burn) with exact big-integer balances.
--
-- Action by action it answers as aos's token blueprint does (the same tags,
-- reply texts and Balances entries); see docs-blueprints.md for the few
-- deliberate differences. Balances and quantities are strings of decimal
-- digits in the token's smallest unit, added and compared digit by digit, so
-- no amount ever loses precision. Quantities are read as aos's bint reads
-- them ("42", "+42", "0xff", "0b101"; "1.5" or " 42" are refused).
-- Load it again at any time: existing state is kept (`X = X or ...`).

-- Unsigned decimal arithmetic on digit strings (kept local: a blueprint is one chunk).
local UInt = {}

-- The canonical digit string of a whole number >= 0 (string or integer), else nil.
function UInt.parse(v)
  if math.type(v) == "integer" and v >= 0 then return tostring(v) end
  if math.type(v) == "float" and v >= 0 and v == math.floor(v) and v < 2 ^ 63 then return tostring(math.tointeger(v)) end
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

-- a * m + d for small m and d.
function UInt.muladd(a, m, d)
  local out, carry = {}, d
  for i = #a, 1, -1 do
    local s = (a:byte(i) - 48) * m + carry
    out[#out + 1] = string.char(48 + s % 10)
    carry = s // 10
  end
  while carry > 0 do
    out[#out + 1] = string.char(48 + carry % 10)
    carry = carry // 10
  end
  local r = string.reverse(table.concat(out)):gsub("^0+", "")
  return r == "" and "0" or r
end

local BAD_NUMBER = "value cannot be represented by a bint"

-- A quantity as bint reads a string: optional sign, then decimal, 0x hex or 0b binary digits.
-- Returns sign ("-" or "") and the canonical magnitude; raises bint's error otherwise.
local function readAmount(text)
  local sign, body = text:match("^([+-]?)(.*)$")
  local base, digits = 10, body
  local prefix = body:sub(1, 2):lower()
  if prefix == "0x" then base, digits = 16, body:sub(3) elseif prefix == "0b" then base, digits = 2, body:sub(3) end
  local pattern = base == 16 and "^%x+$" or base == 2 and "^[01]+$" or "^%d+$"
  if not digits:match(pattern) then error(BAD_NUMBER, 3) end
  local n = "0"
  for i = 1, #digits do n = UInt.muladd(n, base, tonumber(digits:sub(i, i), 16)) end
  return (n == "0" and "" or sign == "-" and "-" or ""), n
end

-- The Quantity of msg as a canonical digit string > 0, with aos's assertion texts.
local function quantityOf(msg, zeroText)
  assert(type(msg.Quantity) == "string", "Quantity is required!")
  local sign, q = readAmount(msg.Quantity)
  assert(sign == "" and q ~= "0", zeroText)
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
local initialSupply = "1" .. string.rep("0", 4 + (math.tointeger(Denomination) or 12))
Balances = Balances or { [ao.id] = initialSupply }
TotalSupply = TotalSupply or initialSupply
Name = Name or "Points Coin"
Ticker = Ticker or "PNTS"
Logo = Logo or "SBCCXwwecBlDqRLUjb8dYABExTJXLieawf7m2aBJ-KY"

-- Info answers with lower-case tag names and the supply, as aos's current token does.
Handlers.add("info", Handlers.utils.hasMatchingTag("Action", "Info"), function(msg)
  msg.reply({ name = Name, ticker = Ticker, logo = Logo, denomination = tostring(Denomination), supply = TotalSupply })
end)

Handlers.add("balance", Handlers.utils.hasMatchingTag("Action", "Balance"), function(msg)
  local bal = "0"
  if msg.Tags.Recipient then
    bal = Balances[msg.Tags.Recipient] or "0"
  elseif msg.Tags.Target and Balances[msg.Tags.Target] then
    bal = Balances[msg.Tags.Target]
  elseif Balances[msg.From] then
    bal = Balances[msg.From]
  end
  msg.reply({ Balance = bal, Ticker = Ticker, Account = msg.Tags.Recipient or msg.From, Data = bal })
end)

Handlers.add("balances", Handlers.utils.hasMatchingTag("Action", "Balances"), function(msg)
  msg.reply({ Data = json.encode(Balances) })
end)

Handlers.add("transfer", Handlers.utils.hasMatchingTag("Action", "Transfer"), function(msg)
  assert(type(msg.Recipient) == "string", "Recipient is required!")
  local qty = quantityOf(msg, "Quantity must be greater than 0")
  local from = msg.From
  -- Both parties get an entry, "0" if they had none, whether or not the transfer goes through.
  if not Balances[from] then Balances[from] = "0" end
  if not Balances[msg.Recipient] then Balances[msg.Recipient] = "0" end
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
    Quantity = msg.Quantity,
    Data = gray .. "You transferred " .. blue .. msg.Quantity .. gray .. " to " .. green .. msg.Recipient .. reset,
  }
  local credit = {
    Target = msg.Recipient,
    Action = "Credit-Notice",
    Sender = from,
    Quantity = msg.Quantity,
    Data = gray .. "You received " .. blue .. msg.Quantity .. gray .. " from " .. green .. from .. reset,
  }
  -- Forwarded tags (X-*) let the parties correlate the notices with their request.
  for k, v in pairs(msg) do
    if type(k) == "string" and k:sub(1, 2) == "X-" then
      debit[k] = v
      credit[k] = v
    end
  end
  msg.reply(debit)
  Send(credit)
end)

Handlers.add("mint", Handlers.utils.hasMatchingTag("Action", "Mint"), function(msg)
  local qty = quantityOf(msg, "Quantity must be greater than zero!")
  if not Balances[ao.id] then Balances[ao.id] = "0" end
  if msg.From ~= ao.id then
    msg.reply({ Action = "Mint-Error", ["Message-Id"] = msg.Id, Error = "Only the Process Id can mint new " .. Ticker .. " tokens!" })
    return
  end
  Balances[ao.id] = UInt.add(balanceOf(ao.id), qty)
  TotalSupply = UInt.add(UInt.parse(TotalSupply) or "0", qty)
  msg.reply({ Data = gray .. "Successfully minted " .. blue .. msg.Quantity .. reset })
end)

Handlers.add("totalSupply", Handlers.utils.hasMatchingTag("Action", "Total-Supply"), function(msg)
  assert(msg.From ~= ao.id, "Cannot call Total-Supply from the same process!")
  msg.reply({ Action = "Total-Supply", Data = TotalSupply, Ticker = Ticker })
end)

-- Burn as aos's token had it until it was stubbed out ("not implemented").
Handlers.add("burn", Handlers.utils.hasMatchingTag("Action", "Burn"), function(msg)
  assert(type(msg.Quantity) == "string", "Quantity is required!")
  local sign, qty = readAmount(msg.Quantity)
  assert(sign == "" and UInt.cmp(qty, balanceOf(msg.From)) <= 0, "Quantity must be less than or equal to the current balance!")
  Balances[msg.From] = UInt.sub(balanceOf(msg.From), qty)
  TotalSupply = UInt.sub(UInt.parse(TotalSupply) or "0", qty)
  msg.reply({ Data = gray .. "Successfully burned " .. blue .. msg.Quantity .. reset })
end)
