-- dump.lua: the plain (uncoloured) serializer behind the `Dump` global and
-- Eval's Output.test (spec §7). Layout: 4-space indent, keys sorted with
-- numbers first, `[n] = ` for numbers, bare identifiers, `["a-b"]` otherwise.
-- Sorting makes the output independent of hash order.

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local
  nil not or repeat return then true until while]]):gmatch("%a+") do
  KEYWORDS[w] = true
end

local function keyLess(a, b)
  local ta, tb = type(a), type(b)
  if ta == "number" and tb == "number" then return a < b end
  if ta == "number" then return true end
  if tb == "number" then return false end
  if ta == "string" and tb == "string" then return a < b end
  if ta == "string" then return true end
  if tb == "string" then return false end
  return tostring(a) < tostring(b)
end

local function keyText(k)
  if type(k) == "string" then
    if k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then return k end
    return "[" .. string.format("%q", k) .. "]"
  end
  return "[" .. tostring(k) .. "]"
end

local function valueText(v, indent, ancestors)
  local tv = type(v)
  if tv == "string" then return string.format("%q", v) end
  if tv ~= "table" then return tostring(v) end
  if ancestors[v] then return "<circular reference>" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  if #keys == 0 then return "{}" end
  table.sort(keys, keyLess)
  ancestors[v] = true
  local inner = string.rep("    ", indent + 1)
  local lines = {}
  for i, k in ipairs(keys) do
    lines[i] = inner .. keyText(k) .. " = " .. valueText(v[k], indent + 1, ancestors)
  end
  ancestors[v] = nil
  return "{\n" .. table.concat(lines, ",\n") .. "\n" .. string.rep("    ", indent) .. "}"
end

local function dump(v)
  return valueText(v, 0, {})
end

return dump
