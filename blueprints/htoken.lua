-- Htoken: the hyper-aos flavour of the token (lower-case tags, HYPER ticker), made to run in an aos-ts process.
--
-- aos's htoken blueprint is written for hyper-aos on HyperBEAM: it uses that
-- OS's globals (id, send, colors) and lower-case message fields, so it cannot
-- load into a legacy-style process (aos-ts's, or aos on legacy AO). This one
-- keeps what its holders see: the same state (Variant 0.0.4, HYPER, exact
-- balances), the same actions matched by their lower-case names (info,
-- balance, balances, transfer, mint, totalSupply; any letter case here), and
-- replies with the same lower-case tag names (balance, ticker, account,
-- action, recipient, quantity, sender, error) that receiving aos processes
-- read back as Balance, Ticker, ... . Amounts are digit strings, compared exactly.

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

-- A quantity as a canonical digit string > 0, with aos's assertion texts.
local function quantityOf(raw, zeroText)
  assert(type(raw) == "string", "Quantity is required!")
  local sign, q = readAmount(raw)
  assert(sign == "" and q ~= "0", zeroText)
  return q
end

local function balanceOf(account)
  return UInt.parse(Balances[account]) or "0"
end

-- A field of the message whatever its letter case (hyper-aos uses lower case, aos Title-Case).
local function field(msg, name)
  local v = msg[name]
  if v ~= nil then return v end
  v = msg[name:sub(1, 1):upper() .. name:sub(2)]
  if v ~= nil then return v end
  return msg.Tags and (msg.Tags[name] or msg.Tags[name:sub(1, 1):upper() .. name:sub(2)])
end

-- hyper-aos matches a handler's name against the message's action; letter case is not significant here.
local function action(name)
  local wanted = name:lower()
  return function(msg)
    local a = field(msg, "action")
    return type(a) == "string" and a:lower() == wanted
  end
end

local C = Colors or {}
local gray, blue, green, reset = C.gray or "", C.blue or "", C.green or "", C.reset or ""

Variant = "0.0.4"
Denomination = Denomination or 12
local initialSupply = "1" .. string.rep("0", 4 + (math.tointeger(Denomination) or 12))
Balances = Balances or { [ao.id] = initialSupply }
TotalSupply = TotalSupply or initialSupply
Name = Name or "Hyper Test Coin"
Ticker = Ticker or "HYPER"
Logo = Logo or "eskTHZQzCLOFrpzkr7zeaf4RxmkaNVYvHuPLh4CLpX4"

Handlers.add("info", action("info"), function(msg)
  ao.send({ Target = msg.From, Name = Name, Ticker = Ticker, Logo = Logo, Denomination = tostring(Denomination) })
end)

Handlers.add("balance", action("balance"), function(msg)
  local recipient, target = field(msg, "recipient"), field(msg, "target")
  local bal = "0"
  if recipient then
    bal = Balances[recipient] or "0"
  elseif target and Balances[target] then
    bal = Balances[target]
  elseif Balances[msg.From] then
    bal = Balances[msg.From]
  end
  print("balance called")
  print("from " .. msg.From)
  ao.send({ Target = msg.From, balance = bal, ticker = Ticker, account = recipient or msg.From, Data = bal })
end)

Handlers.add("balances", action("balances"), function(msg)
  ao.send({ Target = msg.From, Data = json.encode(Balances) })
end)

Handlers.add("transfer", action("transfer"), function(msg)
  local recipient, raw = field(msg, "recipient"), field(msg, "quantity")
  assert(type(recipient) == "string", "Recipient is required!")
  local qty = quantityOf(raw, "Quantity must be greater than 0")
  local from = msg.From
  if not Balances[from] then Balances[from] = "0" end
  if not Balances[recipient] then Balances[recipient] = "0" end
  local have = balanceOf(from)
  if UInt.cmp(qty, have) > 0 then
    ao.send({ Target = from, action = "Transfer-Error", ["Message-Id"] = msg.Id, error = "Insufficient Balance!" })
    return
  end
  Balances[from] = UInt.sub(have, qty)
  Balances[recipient] = UInt.add(balanceOf(recipient), qty)
  if field(msg, "cast") then return end
  local debit = {
    Target = from,
    action = "Debit-Notice",
    recipient = recipient,
    quantity = raw,
    Data = gray .. "You transferred " .. blue .. raw .. gray .. " to " .. green .. recipient .. reset,
  }
  local credit = {
    Target = recipient,
    action = "Credit-Notice",
    sender = from,
    quantity = raw,
    Data = gray .. "You received " .. blue .. raw .. gray .. " from " .. green .. from .. reset,
  }
  for k, v in pairs(msg) do
    if type(k) == "string" and k:sub(1, 2):lower() == "x-" then
      debit[k] = v
      credit[k] = v
    end
  end
  ao.send(debit)
  ao.send(credit)
end)

Handlers.add("mint", action("mint"), function(msg)
  local raw = field(msg, "quantity")
  local qty = quantityOf(raw, "Quantity must be greater than zero!")
  if not Balances[ao.id] then Balances[ao.id] = "0" end
  if msg.From ~= ao.id then
    ao.send({ Target = msg.From, action = "Mint-Error", ["Message-Id"] = msg.Id, error = "Only the Process Id can mint new " .. Ticker .. " tokens!" })
    return
  end
  Balances[ao.id] = UInt.add(balanceOf(ao.id), qty)
  TotalSupply = UInt.add(UInt.parse(TotalSupply) or "0", qty)
  ao.send({ Target = msg.From, Data = gray .. "Successfully minted " .. blue .. raw .. reset })
end)

Handlers.add("totalSupply", action("totalSupply"), function(msg)
  assert(msg.From ~= ao.id, "Cannot call Total-Supply from the same process!")
  ao.send({ Target = msg.From, Action = "Total-Supply", Data = TotalSupply, Ticker = Ticker })
end)
