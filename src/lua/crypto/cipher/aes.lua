-- .crypto.cipher.aes: encrypt(data, key, iv, mode, keyLength) and
-- decrypt(hexCipher, key, iv, mode, keyLength). Modes CBC (default), ECB,
-- CFB, OFB, CTR; keyLength 128 (default), 192, 256; zero padding; iv nil
-- means 16 zero bytes. As in aos, an unknown mode falls back to CBC and an
-- unknown keyLength to 128, and the results' asHex/asBytes/asString each
-- take what is left of one output (call one of them once).
local Array = require(".crypto.util.array")
local Stream = require(".crypto.util.stream")
local ZeroPadding = require(".crypto.padding.zero")

local CIPHERS = {
  [128] = ".crypto.cipher.aes128",
  [192] = ".crypto.cipher.aes192",
  [256] = ".crypto.cipher.aes256",
}
local MODES = {
  CBC = ".crypto.cipher.mode.cbc",
  ECB = ".crypto.cipher.mode.ecb",
  CFB = ".crypto.cipher.mode.cfb",
  OFB = ".crypto.cipher.mode.ofb",
  CTR = ".crypto.cipher.mode.ctr",
}
local ZERO_IV = string.rep("\0", 16)

local function setup(what, key, iv, mode, keyLength)
  local bits = CIPHERS[keyLength] and keyLength or 128
  if type(key) ~= "string" then
    error("aes." .. what .. ": the key must be a string, got " .. type(key), 3)
  end
  if #key < bits // 8 then
    error("aes." .. what .. ": AES-" .. bits .. " needs a key of " .. bits // 8 .. " bytes, got " .. #key, 3)
  end
  local blockCipher = require(CIPHERS[bits])
  local Mode = require(MODES[mode] or MODES.CBC)
  return blockCipher, Mode, Array.fromString(key), Array.fromString(iv == nil and ZERO_IV or iv)
end

local function wrap(output)
  local result = {}
  function result.asBytes() return output.asBytes() end
  function result.asHex() return output.asHex() end
  function result.asString() return output.asString() end
  return result
end

local public = {}

function public.encrypt(data, key, iv, mode, keyLength)
  local blockCipher, Mode, k, ivBytes = setup("encrypt", key, iv, mode, keyLength)
  local d = Array.fromString(data)
  local out = Mode.Cipher().setKey(k).setBlockCipher(blockCipher).setPadding(ZeroPadding)
    .init().update(Stream.fromArray(ivBytes)).update(Stream.fromArray(d)).finish()
  return wrap(out)
end

function public.decrypt(cipher, key, iv, mode, keyLength)
  local blockCipher, Mode, k, ivBytes = setup("decrypt", key, iv, mode, keyLength)
  local c = Array.fromHex(cipher)
  local out = Mode.Decipher().setKey(k).setBlockCipher(blockCipher).setPadding(ZeroPadding)
    .init().update(Stream.fromArray(ivBytes)).update(Stream.fromArray(c)).finish()
  return wrap(out)
end

return public
