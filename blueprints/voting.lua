-- Voting: stake-weighted yay/nay votes with a deadline in blocks; after it, "Handle Vote" is printed if yay won (needs staking.lua).
--
-- As aos's voting blueprint: Action Vote with tags Target (what is voted on),
-- Side ("yay" or "nay") and Deadline (blocks from now; the first vote on a
-- Target sets it) adds the voter's stake to that side. No reply is sent.
-- On every message after the deadline the vote is closed: "Handle Vote" is
-- printed if yay > nay, and the record is removed. Unlike aos's (which
-- compares the staked amount, a string, with 0 and so always fails), the
-- weights are the stakes as staking.lua keeps them: exact digit strings.
--   Votes[target] = { yay = "digits", nay = "digits", deadline = height }

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

local function height(msg)
  return math.tointeger(tonumber(msg["Block-Height"])) or 0
end

Balances = Balances or {}
Votes = Votes or {}

Handlers.add("vote", Handlers.utils.hasMatchingTag("Action", "Vote"), function(msg)
  local staker = type(Stakers) == "table" and Stakers[msg.From] or nil
  local quantity = staker and UInt.parse(staker.amount) or "0"
  local target, side = msg.Tags.Target, msg.Tags.Side
  local blocks = math.tointeger(tonumber(msg.Tags.Deadline))
  assert(blocks, "Deadline is required: the number of blocks the vote stays open")
  assert(quantity ~= "0", "No staked tokens to vote")
  assert(side == "yay" or side == "nay", 'Side must be "yay" or "nay"')
  assert(type(target) == "string", "Target is required: what is voted on")
  Votes[target] = Votes[target] or { yay = "0", nay = "0", deadline = height(msg) + blocks }
  Votes[target][side] = UInt.add(Votes[target][side], quantity)
end)

-- Every message lets this run too ("continue"): closes the votes past their deadline.
Handlers.add("finalize", function() return "continue" end, function(msg)
  local now = height(msg)
  for target, vote in pairs(Votes) do
    if now >= vote.deadline then
      if UInt.cmp(vote.yay, vote.nay) > 0 then print("Handle Vote") end
      Votes[target] = nil
    end
  end
end)
