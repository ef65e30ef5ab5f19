-- Staking: stake token balances (Stake), unstake them (Unstake) and get them back after UnstakeDelay blocks.
--
-- Load it into a token process (after blueprints/token.lua): it moves amounts
-- between the token's Balances and Stakers. Every amount is a string of
-- digits, as the token keeps them, so voting.lua can weigh votes by stake
-- without the number/string mix-up of aos's staking and voting.
--   Stakers[address]   = { amount = "digits" }
--   Unstaking[address] = { amount = "digits", release_at = block height }

-- Unsigned decimal arithmetic on digit strings (the same helpers as token.lua; a blueprint is one chunk).
local UInt = {}

function UInt.parse(v)
  if math.type(v) == "integer" and v >= 0 then return tostring(v) end
  if type(v) ~= "string" then return nil end
  local digits = v:match("^%s*(%d+)%s*$")
  if not digits then return nil end
  digits = digits:gsub("^0+", "")
  return digits == "" and "0" or digits
end

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

local function quantityOf(msg)
  local raw = msg.Quantity
  assert(raw ~= nil, "Quantity is required!")
  local q = UInt.parse(raw)
  assert(q, 'Quantity must be a whole number written in digits, like "100" (got "' .. tostring(raw) .. '")')
  assert(q ~= "0", "Quantity must be greater than 0")
  return q
end

local function height(msg)
  return math.tointeger(tonumber(msg["Block-Height"])) or 0
end

local function requireToken()
  assert(type(Balances) == "table", "Staking needs the token's Balances: load blueprints/token.lua into this process first.")
end

Stakers = Stakers or {}
Unstaking = Unstaking or {}
UnstakeDelay = UnstakeDelay or 670

Handlers.add("staking.balances", Handlers.utils.hasMatchingTag("Action", "Stakers"), function(msg)
  msg.reply({ Data = json.encode(Stakers) })
end)

Handlers.add("staking.stake", Handlers.utils.hasMatchingTag("Action", "Stake"), function(msg)
  requireToken()
  local qty = quantityOf(msg)
  local have = UInt.parse(Balances[msg.From]) or "0"
  assert(UInt.cmp(have, qty) >= 0, "Insufficient balance to stake")
  Balances[msg.From] = UInt.sub(have, qty)
  local staker = Stakers[msg.From] or { amount = "0" }
  staker.amount = UInt.add(UInt.parse(staker.amount) or "0", qty)
  Stakers[msg.From] = staker
  print("Successfully Staked " .. qty)
  msg.reply({ Data = "Successfully Staked " .. qty })
end)

Handlers.add("staking.unstake", Handlers.utils.hasMatchingTag("Action", "Unstake"), function(msg)
  local qty = quantityOf(msg)
  local staker = Stakers[msg.From]
  local staked = staker and UInt.parse(staker.amount) or "0"
  assert(UInt.cmp(staked, qty) >= 0, "Insufficient staked amount")
  staker.amount = UInt.sub(staked, qty)
  if staker.amount == "0" then Stakers[msg.From] = nil end
  -- A second unstake adds to the first (aos overwrote it, losing the first amount);
  -- the whole sum is released at the later time.
  local pending = Unstaking[msg.From] or { amount = "0", release_at = 0 }
  pending.amount = UInt.add(UInt.parse(pending.amount) or "0", qty)
  pending.release_at = height(msg) + UnstakeDelay
  Unstaking[msg.From] = pending
  msg.reply({ Data = "Successfully unstaked " .. qty .. "; it returns to your balance at block " .. pending.release_at })
end)

-- Runs before every other handler and lets them run too ("continue"): pays
-- out matured unstakes on whatever message comes first after they mature.
Handlers.prepend("staking.finalize", function() return "continue" end, function(msg)
  if type(Balances) ~= "table" then return end
  local now = height(msg)
  for address, pending in pairs(Unstaking) do
    if pending.release_at == nil or pending.release_at <= now then
      Balances[address] = UInt.add(UInt.parse(Balances[address]) or "0", UInt.parse(pending.amount) or "0")
      Unstaking[address] = nil
    end
  end
end)
