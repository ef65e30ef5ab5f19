-- .crypto.digest.md2: MD2 (RFC 1319) over a Stream; md2(stream) -> result.
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local byte, char, format, rep, concat = string.byte, string.char, string.format, string.rep, table.concat

-- The substitution table of RFC 1319 (digits of pi), as hex.
local SHEX = "292e43c9a2d87c013d3654a1ecf0061362a705f3c0c7738c98932bd9bc4c82ca1e9b573cfdd4e01667426f188a17e512be4ec4d6da9ede49a0fbf58ebb2fee7aa968799115b2073f94c210890b225f21807f5d9a5a903227353ecce7bff79703ff1930b348a5b5d1d75e922aac56aac64fb838d296a47db676fc6be29c7404f1459d705964718720865bcf65e62da8021b6025adaeb0b9f61c46616934407e0f5547a323dd51af3ac35cf9cebac5ea262c530d6e85288409d3dfcdf441814d526adc37c86cc1abfa24e17b080cbdb14a7888958be363e86de9cbd5fe3b001d39f2efb70e6658d0e4a67772f8eb754b0a314450b48fed1f1adb998d339f118314"
local S = {}
for i = 0, 255 do S[i] = tonumber(SHEX:sub(2 * i + 1, 2 * i + 2), 16) end

return function(stream)
  local data = drain(stream)
  local pad = 16 - #data % 16
  data = data .. rep(char(pad), pad)
  local X, C = {}, {}
  for i = 0, 47 do X[i] = 0 end
  for i = 0, 15 do C[i] = 0 end
  -- checksum
  local L = 0
  for pos = 1, #data, 16 do
    for j = 0, 15 do
      C[j] = C[j] ~ S[byte(data, pos + j) ~ L]
      L = C[j]
    end
  end
  local cs = {}
  for j = 0, 15 do cs[j + 1] = char(C[j]) end
  data = data .. concat(cs)
  for pos = 1, #data, 16 do
    for j = 0, 15 do
      local b = byte(data, pos + j)
      X[16 + j] = b
      X[32 + j] = b ~ X[j]
    end
    local t = 0
    for round = 0, 17 do
      for k = 0, 47 do
        t = X[k] ~ S[t]
        X[k] = t
      end
      t = (t + round) & 0xFF
    end
  end
  local out = {}
  for i = 0, 15 do out[i + 1] = X[i] end
  local result = {}
  function result.asBytes() return { table.unpack(out) } end
  function result.asHex() return format(rep("%02x", 16), table.unpack(out)) end
  function result.asString() return char(table.unpack(out)) end
  return result
end
