-- .crypto.mac.hmac: HMAC over the SHA1 / SHA2_256 digest objects.
-- HMAC() is the configurable form (setBlockSize, setDigest, setKey, init,
-- update(stream), finish, asBytes/asHex/asString). hmac(dataStream, keyArray,
-- alg) is what aos exposes as crypto.mac.createHmac, and like aos it uses a
-- 32-byte block (key zero-padded to 32 bytes, keys longer than 32 bytes
-- hashed first), not the 64 bytes of RFC 2104: its MACs differ from standard
-- HMAC-SHA1/SHA256. The data stream is consumed.
local Stream = require(".crypto.util.stream")
local SHA1 = require(".crypto.digest.sha1")
local SHA2_256 = require(".crypto.digest.sha2_256")

local function keyBytes(key)
  local out, i = {}, 1
  while key[i] ~= nil do
    out[i] = key[i]
    i = i + 1
  end
  return out
end

local function HMAC()
  local self = {}
  local blockSize = 64
  local Digest, digest
  local ipad, opad = {}, {}

  function self.setBlockSize(n)
    blockSize = n
    return self
  end

  function self.setDigest(D)
    Digest = D
    digest = D()
    return self
  end

  function self.setKey(key)
    if Digest == nil then error("Digest not set") end
    local k
    if #key > blockSize then
      k = Digest().update(Stream.fromArray(key)).finish().asBytes()
    else
      k = keyBytes(key)
    end
    ipad, opad = {}, {}
    for i = 1, blockSize do
      local b = k[i] or 0
      ipad[i] = b ~ 0x36
      opad[i] = b ~ 0x5C
    end
    return self
  end

  function self.init()
    digest.init().update(Stream.fromArray(ipad))
    return self
  end

  function self.update(stream)
    digest.update(stream)
    return self
  end

  function self.finish()
    local inner = digest.finish().asBytes()
    digest.init().update(Stream.fromArray(opad)).update(Stream.fromArray(inner)).finish()
    return self
  end

  function self.asBytes() return digest.asBytes() end
  function self.asHex() return digest.asHex() end
  function self.asString() return digest.asString() end

  return self
end

local function digestFor(alg)
  if alg == nil or alg == "sha1" then return SHA1.SHA1 end
  if alg == "sha256" then return SHA2_256.SHA2_256 end
  error("Unsupported algorithm: " .. alg, 3)
end

local function hmac(data, key, alg)
  return HMAC().setBlockSize(32).setDigest(digestFor(alg)).setKey(key).init().update(data).finish()
end

return { hmac = hmac, HMAC = HMAC }
