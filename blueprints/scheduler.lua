-- Scheduler: on each Cron tick, sends the messages registered with Schedule when they are due (once or every N).
--
-- Spawn the process with a cron interval (aos-ts spawn sched --cron 10-seconds):
-- jobs run on the first tick at or after their time, so the interval is
-- their precision. Anyone may schedule a reminder to themselves; only the
-- Owner (or the process) may send a job to another target, since the job's
-- message comes from this process and others trust that.
--   Schedule   tags: Every or In (30-seconds, 5-minutes, 2-hours, 1-day, or
--              milliseconds), Job-Action (default "Reminder"), Job-Target
--              (default: the sender), Data. Replies Scheduled with Job-Id.
--   Unschedule tag Job-Id (its creator or the Owner). Jobs: the jobs as JSON.
-- A job's message carries Job-Id and Scheduled-For (ms). A repeating job
-- that missed several periods runs once and resumes on its next period.

Jobs = Jobs or {}
JobCount = JobCount or 0

local UNIT_MS = { second = 1000, minute = 60000, hour = 3600000, day = 86400000, week = 604800000 }

-- Milliseconds from "30-seconds", "1-minute", "2-hours" or "1500"; nil when unreadable.
local function durationMs(text)
  if text == nil then return nil end
  local n = math.tointeger(tonumber(text))
  if n then return n > 0 and n or nil end
  local count, unit = tostring(text):match("^%s*(%d+)%-(%a-)s?%s*$")
  local ms = unit and UNIT_MS[unit:lower()]
  if not ms or tonumber(count) == 0 then return nil end
  return math.tointeger(count) * ms
end

local function now(msg)
  return math.tointeger(tonumber(msg.Timestamp)) or 0
end

local function isAdmin(address)
  return address == Owner or address == ao.id
end

local function fail(msg, text)
  msg.reply({ Action = "Schedule-Error", Error = text })
end

Handlers.add("scheduler.schedule", Handlers.utils.hasMatchingTag("Action", "Schedule"), function(msg)
  local every = durationMs(msg.Tags.Every)
  local after = durationMs(msg.Tags.In)
  if (msg.Tags.Every and not every) or (msg.Tags.In and not after) or not (every or after) then
    return fail(msg, "Give Every (repeat) or In (once) as a duration such as 30-seconds, 5-minutes, 1-hour, or milliseconds.")
  end
  local target = msg.Tags["Job-Target"] or msg.From
  if target ~= msg.From and not isAdmin(msg.From) then
    return fail(msg, "Only the Owner may schedule messages to another process; leave Job-Target out to remind yourself.")
  end
  JobCount = JobCount + 1
  local id = tostring(JobCount)
  Jobs[id] = {
    id = id,
    creator = msg.From,
    target = target,
    action = msg.Tags["Job-Action"] or "Reminder",
    data = msg.Data,
    every = every,
    next = now(msg) + (after or every),
    runs = 0,
  }
  msg.reply({ Action = "Scheduled", ["Job-Id"] = id, ["Next-Run"] = tostring(Jobs[id].next) })
end)

Handlers.add("scheduler.unschedule", Handlers.utils.hasMatchingTag("Action", "Unschedule"), function(msg)
  local id = msg.Tags["Job-Id"]
  local job = id and Jobs[id]
  if not job then return fail(msg, "No job has Job-Id " .. tostring(id) .. "; Action = Jobs lists them.") end
  if job.creator ~= msg.From and not isAdmin(msg.From) then
    return fail(msg, "Only the job's creator or the Owner may unschedule job " .. id .. ".")
  end
  Jobs[id] = nil
  msg.reply({ Action = "Unscheduled", ["Job-Id"] = id })
end)

Handlers.add("scheduler.jobs", Handlers.utils.hasMatchingTag("Action", "Jobs"), function(msg)
  local list = {}
  for _, job in pairs(Jobs) do list[#list + 1] = job end
  table.sort(list, function(a, b) return tonumber(a.id) < tonumber(b.id) end)
  msg.reply({ Data = json.encode(list) })
end)

-- Any tick (Cron = true, whatever its Cron-Tag-Action) or Action = Cron; firing
-- only what is due by the message's own time, so an extra Cron message is harmless.
-- "continue": other Cron handlers the process has still run.
Handlers.add("scheduler.tick", function(msg)
  return (msg.Cron == true or msg.Tags.Action == "Cron") and "continue" or "skip"
end, function(msg)
  local t = now(msg)
  local due = {}
  for _, job in pairs(Jobs) do
    if job.next <= t then due[#due + 1] = job end
  end
  -- Oldest first, then by id: the same order on every replay.
  table.sort(due, function(a, b)
    if a.next ~= b.next then return a.next < b.next end
    return tonumber(a.id) < tonumber(b.id)
  end)
  for _, job in ipairs(due) do
    Send({ Target = job.target, Action = job.action, Data = job.data, ["Job-Id"] = job.id, ["Scheduled-For"] = tostring(job.next) })
    job.runs = job.runs + 1
    if job.every then
      job.next = job.next + job.every * ((t - job.next) // job.every + 1)
    else
      Jobs[job.id] = nil
    end
  end
end)
