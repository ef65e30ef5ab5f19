-- .crypto.cipher.mode.ecb, and the machinery the other modes share.
-- A mode object: setKey(keyArray), setBlockCipher(cipher), setPadding(fn),
-- init(), update(stream)..., finish(), then asHex/asBytes/asString, which,
-- as in aos, take the output from a queue: each call gets what is left.
-- Every byte given to update counts, the IV included: CBC, CFB, OFB and CTR
-- take the first whole block as their IV; ECB encrypts it like data.
local Queue = require(".crypto.util.queue")
local Stream = require(".crypto.util.stream")
local drain = Stream._drain
local byte = string.byte

local function make(step)
  return function()
    local self = {}
    local key, cipher, padding
    local pending, pushed, out, st

    function self.setKey(k) key = k; return self end
    function self.setBlockCipher(c) cipher = c; return self end
    function self.setPadding(p) padding = p; return self end

    function self.init()
      pending, pushed, out, st = "", 0, Queue(), {}
      return self
    end

    function self.update(stream)
      local data = drain(stream)
      pushed = pushed + #data
      if #pending > 0 then data = pending .. data end
      local size = cipher.blockSize
      local len = #data
      local full = len - len % size
      for pos = 1, full, size do
        local block = { byte(data, pos, pos + size - 1) }
        local result = step(st, cipher, key, block)
        if result then
          for i = 1, size do out.push(result[i]) end
        end
      end
      pending = data:sub(full + 1)
      return self
    end

    function self.finish()
      return self.update(padding(cipher.blockSize, pushed))
    end

    function self.getOutputQueue() return out end
    function self.asHex() return Stream.toHex(out.pop) end
    function self.asBytes() return Stream.toArray(out.pop) end
    function self.asString() return Stream.toString(out.pop) end

    return self
  end
end

local function xor(a, b)
  local r = {}
  for i = 1, #a do r[i] = a[i] ~ b[i] end
  return r
end

local ECB = {
  Cipher = make(function(_, c, key, block) return c.encrypt(key, block) end),
  Decipher = make(function(_, c, key, block) return c.decrypt(key, block) end),
}
return setmetatable(ECB, { __index = { _make = make, _xor = xor } })
