-- .crypto.kdf.pbkdf2: PBKDF2 (RFC 8018) with HMAC-SHA1 or HMAC-SHA256
-- (standard 64-byte HMAC blocks). pbkdf2(passwordArray, saltArray,
-- iterations, keyLen, alg = "sha1") -> result (asHex is upper case).
local Array = require(".crypto.util.array")
local Stream = require(".crypto.util.stream")
local HMAC = require(".crypto.mac.hmac").HMAC
local SHA1 = require(".crypto.digest.sha1")
local SHA2_256 = require(".crypto.digest.sha2_256")

local function PBKDF2()
  local self = {}
  local blockLen, dKeyLen, iterations = 16, 256, 4096
  local salt, password, PRF, dKey

  function self.setBlockLen(n) blockLen = n; return self end
  function self.setDKeyLen(n) dKeyLen = n; return self end
  function self.setIterations(n) iterations = n; return self end
  function self.setSalt(s) salt = s; return self end
  function self.setPassword(p) password = p; return self end
  function self.setPRF(p) PRF = p; return self end

  -- T_i = U_1 xor ... xor U_c, U_1 = PRF(salt || INT(i)), U_j = PRF(U_{j-1})
  local function block(i)
    local u = Array.concat(salt, { (i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF })
    local t = {}
    PRF.setKey(password)
    for c = 1, iterations do
      u = PRF.init().update(Stream.fromArray(u)).finish().asBytes()
      if c == 1 then
        t = u
      else
        t = Array.XOR(t, u)
      end
    end
    return t
  end

  -- Blocks are counted in units of blockLen bytes, as aos does; each gives
  -- a whole PRF output and the key is cut to dKeyLen, so the key is the
  -- standard one.
  function self.finish()
    dKey = {}
    for i = 1, math.ceil(dKeyLen / blockLen) do
      dKey = Array.concat(dKey, block(i))
    end
    if #dKey > dKeyLen then dKey = Array.truncate(dKey, dKeyLen) end
    return self
  end

  function self.asBytes() return dKey end
  function self.asHex() return Array.toHex(dKey) end
  function self.asString() return Array.toString(dKey) end

  return self
end

local function pbkdf2(password, salt, iterations, keyLen, alg)
  local Digest
  if alg == nil or alg == "sha1" then
    Digest = SHA1.SHA1
  elseif alg == "sha256" then
    Digest = SHA2_256.SHA2_256
  else
    error("Unsupported algorithm: " .. alg, 2)
  end
  local prf = HMAC().setBlockSize(64).setDigest(Digest)
  return PBKDF2().setPRF(prf).setBlockLen(16).setDKeyLen(keyLen)
    .setIterations(iterations).setSalt(salt).setPassword(password).finish()
end

return { PBKDF2 = PBKDF2, pbkdf2 = pbkdf2 }
