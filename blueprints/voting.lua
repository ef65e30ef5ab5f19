-- Voting: stake-weighted yay/nay votes with a deadline, decided on the first message after it (needs staking.lua).
--
-- Vote with tags Target (what is voted on), Side ("yay" or "nay") and, for
-- the first vote on a Target, Deadline (blocks from now, default 10). A vote
-- weighs the voter's stake in Stakers, a string of digits as staking.lua
-- keeps it, so the tallies are exact big integers too. Each address votes
-- once per Target. After the deadline the vote is decided: the result is
-- kept in VoteResults[Target] and printed.
--   Votes[target]       = { yay = "digits", nay = "digits", deadline = height, voters = { [address] = side } }
--   VoteResults[target] = { yay, nay, passed = bool, decided_at = height }

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

Votes = Votes or {}
VoteResults = VoteResults or {}
DefaultVoteDeadline = DefaultVoteDeadline or 10

Handlers.add("vote", Handlers.utils.hasMatchingTag("Action", "Vote"), function(msg)
  assert(type(Stakers) == "table", "Voting weighs votes by stake: load blueprints/staking.lua into this process first.")
  local target, side = msg.Tags.Target, msg.Tags.Side
  assert(type(target) == "string" and target ~= "", "Target is required: what are you voting on?")
  assert(side == "yay" or side == "nay", 'Side must be "yay" or "nay"')
  local stake = Stakers[msg.From] and UInt.parse(Stakers[msg.From].amount) or "0"
  assert(stake ~= "0", "Only stakers can vote: stake some tokens first (Action = Stake).")
  assert(VoteResults[target] == nil, "The vote on " .. target .. " is already decided.")

  local vote = Votes[target]
  if not vote then
    local blocks = math.tointeger(tonumber(msg.Tags.Deadline or DefaultVoteDeadline))
    assert(blocks and blocks > 0, "Deadline must be a whole number of blocks greater than 0")
    vote = { yay = "0", nay = "0", deadline = height(msg) + blocks, voters = {} }
    Votes[target] = vote
  end
  assert(vote.voters[msg.From] == nil, "You have already voted on " .. target .. ".")
  vote.voters[msg.From] = side
  vote[side] = UInt.add(vote[side], stake)
  msg.reply({ Data = "Voted " .. side .. " on " .. target .. " with " .. stake .. " staked; the vote closes at block " .. vote.deadline })
end)

-- Runs before every other handler and lets them run too ("continue"):
-- decides the votes whose deadline has passed.
Handlers.prepend("vote.finalize", function() return "continue" end, function(msg)
  local now = height(msg)
  for target, vote in pairs(Votes) do
    if now >= vote.deadline then
      local passed = UInt.cmp(vote.yay, vote.nay) > 0
      VoteResults[target] = { yay = vote.yay, nay = vote.nay, passed = passed, decided_at = now }
      Votes[target] = nil
      print("Vote on " .. target .. (passed and " passed" or " failed") .. " (yay " .. vote.yay .. ", nay " .. vote.nay .. ")")
    end
  end
end)
