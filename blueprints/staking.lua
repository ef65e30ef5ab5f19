-- Staking: stake token balances (Stake), unstake them (Unstake) and get them back after UnstakeDelay blocks.
--
-- Load it into a token process (after blueprints/token.lua): it moves amounts
-- between the token's Balances and Stakers, and answers as aos's staking
-- blueprint does (same replies, same state shapes; see docs-blueprints.md for
-- the bugs it does not copy). Every amount is a string of digits, as the
-- token keeps them.
--   Stakers[address]   = { amount = "digits", unstake_at = block height }
--   Unstaking[address] = { amount = "digits", release_at = block height }
-- A stake can be unstaked UnstakeDelay blocks after the last Stake: unstaked
-- amounts go back to Balances on the first message at or after release_at.

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
  assert(type(msg.Tags.Quantity) == "string", "Quantity is required!")
  -- aos took a negative Quantity, and staking one raised the balance: refused here.
  assert(not msg.Tags.Quantity:match("^%-%d+$"), "Quantity must be greater than 0")
  local q = msg.Tags.Quantity:match("^%+?%d+$") and UInt.parse((msg.Tags.Quantity:gsub("^%+", "")))
  assert(q, "value cannot be represented by a bint")
  assert(q ~= "0", "Quantity must be greater than 0")
  return q
end

local function height(msg)
  return math.tointeger(tonumber(msg["Block-Height"])) or 0
end

Variant = "0.0.4"
Stakers = Stakers or {}
Unstaking = Unstaking or {}
UnstakeDelay = UnstakeDelay or 670

Handlers.add("staking.balances", Handlers.utils.hasMatchingTag("Action", "Stakers"), function(msg)
  msg.reply({ Data = json.encode(Stakers) })
end)

Handlers.add("staking.stake", Handlers.utils.hasMatchingTag("Action", "Stake"), function(msg)
  local qty = quantityOf(msg)
  local have = type(Balances) == "table" and UInt.parse(Balances[msg.From])
  assert(have and UInt.cmp(have, qty) >= 0, "Insufficient balance to stake")
  Balances[msg.From] = UInt.sub(have, qty)
  local staker = Stakers[msg.From] or { amount = "0" }
  staker.amount = UInt.add(UInt.parse(staker.amount) or "0", qty)
  staker.unstake_at = height(msg) + UnstakeDelay
  Stakers[msg.From] = staker
  print("Successfully Staked " .. msg.Tags.Quantity)
  msg.reply({ Data = "Successfully Staked " .. msg.Tags.Quantity })
end)

Handlers.add("staking.unstake", Handlers.utils.hasMatchingTag("Action", "Unstake"), function(msg)
  local qty = quantityOf(msg)
  local staker = Stakers[msg.From]
  local staked = staker and UInt.parse(staker.amount)
  assert(staked and UInt.cmp(staked, qty) >= 0, "Insufficient staked amount")
  staker.amount = UInt.sub(staked, qty)
  -- A second unstake before the first is paid out adds to it (aos replaced it,
  -- and the first amount was lost).
  local pending = Unstaking[msg.From]
  local amount = pending and UInt.add(UInt.parse(pending.amount) or "0", qty) or qty
  Unstaking[msg.From] = { amount = amount, release_at = staker.unstake_at }
  msg.reply({ Data = "Successfully unstaked " .. msg.Tags.Quantity })
end)

-- Runs before every other handler and lets them run too ("continue"): pays
-- out matured unstakes on whatever message comes first after they mature.
Handlers.prepend("staking.finalize", function() return "continue" end, function(msg)
  local now = height(msg)
  for address, pending in pairs(Unstaking) do
    if pending.release_at == nil or now >= pending.release_at then
      if type(Balances) ~= "table" then Balances = {} end
      Balances[address] = UInt.add(UInt.parse(Balances[address]) or "0", UInt.parse(pending.amount) or "0")
      Unstaking[address] = nil
    end
  end
end)
