-- .crypto.cipher.norx: NORX 64-4-1 authenticated encryption (v3; 32-byte
-- key, 32-byte nonce, 32-byte tag appended to the ciphertext).
-- encrypt(key, nonce, plain, header = "", trailer = "") -> result;
-- decrypt(key, nonce, crypted, header, trailer) -> plain, or nil, "auth failure".
local Hex = require(".crypto.util.hex")
local unpack, pack, rep, concat, byte, char = string.unpack, string.pack, string.rep, table.concat, string.byte, string.char

local HEADER, PAYLOAD, TRAILER, FINAL = 0x01, 0x02, 0x04, 0x08
local RATE = 96
local RATE_FMT = "<" .. rep("i8", 12)

local function G(s, a, b, c, d)
  local A, B, C, D = s[a], s[b], s[c], s[d]
  A = (A ~ B) ~ ((A & B) << 1); D = D ~ A; D = (D >> 8) | (D << 56)
  C = (C ~ D) ~ ((C & D) << 1); B = B ~ C; B = (B >> 19) | (B << 45)
  A = (A ~ B) ~ ((A & B) << 1); D = D ~ A; D = (D >> 40) | (D << 24)
  C = (C ~ D) ~ ((C & D) << 1); B = B ~ C; B = (B >> 63) | (B << 1)
  s[a], s[b], s[c], s[d] = A, B, C, D
end

local function F(s)
  G(s, 1, 5, 9, 13); G(s, 2, 6, 10, 14); G(s, 3, 7, 11, 15); G(s, 4, 8, 12, 16)
  G(s, 1, 6, 11, 16); G(s, 2, 7, 12, 13); G(s, 3, 8, 9, 14); G(s, 4, 5, 10, 15)
end

local function permute(s)
  for _ = 1, 4 do F(s) end
end

local function pad(x)
  if #x == RATE - 1 then return x .. "\129" end
  return x .. "\1" .. rep("\0", RATE - 2 - #x) .. "\128"
end

local function init(key, nonce)
  local s = {}
  for i = 1, 16 do s[i] = i - 1 end
  F(s); F(s)
  s[1], s[2], s[3], s[4] = unpack("<i8i8i8i8", nonce)
  local k = { unpack("<i8i8i8i8", key) }
  s[5], s[6], s[7], s[8] = k[1], k[2], k[3], k[4]
  s[13], s[14], s[15], s[16] = s[13] ~ 64, s[14] ~ 4, s[15] ~ 1, s[16] ~ 256
  permute(s)
  for j = 1, 4 do s[12 + j] = s[12 + j] ~ k[j] end
  return s, k
end

-- the blocks of x: whole 96-byte blocks, then the padded rest (present
-- whenever x is not empty, even if it is empty itself)
local function blocks(x)
  local list = {}
  if #x == 0 then return list end
  local pos = 1
  while #x - pos + 1 >= RATE do
    list[#list + 1] = { x:sub(pos, pos + RATE - 1), RATE }
    pos = pos + RATE
  end
  local rest = x:sub(pos)
  list[#list + 1] = { pad(rest), #rest }
  return list
end

local function absorb(s, x, tag)
  for _, b in ipairs(blocks(x)) do
    s[16] = s[16] ~ tag
    permute(s)
    local w = { unpack(RATE_FMT, b[1]) }
    for i = 1, 12 do s[i] = s[i] ~ w[i] end
  end
end

local function finalize(s, k)
  s[16] = s[16] ~ FINAL
  permute(s)
  for j = 1, 4 do s[12 + j] = s[12 + j] ~ k[j] end
  permute(s)
  for j = 1, 4 do s[12 + j] = s[12 + j] ~ k[j] end
  return pack("<i8i8i8i8", s[13], s[14], s[15], s[16])
end

local function encrypt(key, nonce, plain, header, trailer)
  header, trailer = header or "", trailer or ""
  local s, k = init(key, nonce)
  absorb(s, header, HEADER)
  local out = {}
  for _, b in ipairs(blocks(plain)) do
    s[16] = s[16] ~ PAYLOAD
    permute(s)
    local w = { unpack(RATE_FMT, b[1]) }
    for i = 1, 12 do s[i] = s[i] ~ w[i] end
    out[#out + 1] = pack(RATE_FMT, table.unpack(s, 1, 12)):sub(1, b[2])
  end
  absorb(s, trailer, TRAILER)
  out[#out + 1] = finalize(s, k)
  local text = concat(out)
  local result = {}
  function result.asBytes() return out end
  function result.asString() return text end
  function result.asHex() return Hex.stringToHex(text) end
  return result
end

local function decrypt(key, nonce, crypted, header, trailer)
  header, trailer = header or "", trailer or ""
  assert(#crypted >= 32)
  local s, k = init(key, nonce)
  absorb(s, header, HEADER)
  local c = crypted:sub(1, #crypted - 32)
  local out = {}
  local pos = 1
  if #c > 0 then
    while #c - pos + 1 >= RATE do
      s[16] = s[16] ~ PAYLOAD
      permute(s)
      local w = { unpack(RATE_FMT, c, pos) }
      local m = {}
      for i = 1, 12 do
        m[i] = s[i] ~ w[i]
        s[i] = w[i]
      end
      out[#out + 1] = pack(RATE_FMT, table.unpack(m))
      pos = pos + RATE
    end
    local last = c:sub(pos)
    local n = #last
    s[16] = s[16] ~ PAYLOAD
    permute(s)
    local ks = pack(RATE_FMT, table.unpack(s, 1, 12))
    -- the state's rate with the ciphertext over its first n bytes, then the
    -- padding bits
    local b = { byte(last, 1, n) }
    for i = n + 1, RATE do b[i] = byte(ks, i) end
    b[n + 1] = b[n + 1] ~ 0x01
    b[RATE] = b[RATE] ~ 0x80
    local w = { unpack(RATE_FMT, char(table.unpack(b))) }
    local m = {}
    for i = 1, 12 do
      m[i] = s[i] ~ w[i]
      s[i] = w[i]
    end
    out[#out + 1] = pack(RATE_FMT, table.unpack(m)):sub(1, n)
  end
  absorb(s, trailer, TRAILER)
  if finalize(s, k) ~= crypted:sub(-32) then return nil, "auth failure" end
  return concat(out)
end

return {
  encrypt = encrypt,
  decrypt = decrypt,
  key_size = 32,
  nonce_size = 32,
  variant = "NORX 64-4-1",
}
