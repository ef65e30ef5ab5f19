-- .crypto.cipher.mode.ctr (see ecb.lua for the object). The counter is the
-- IV block; as in aos, only its last 8 bytes count (big-endian, wrapping).
local ECB = require(".crypto.cipher.mode.ecb")
local make, xor = ECB._make, ECB._xor
local function step(st, c, key, block)
  if not st.iv then st.iv = block; return nil end
  local iv = st.iv
  local o = xor(c.encrypt(key, iv), block)
  for i = 16, 9, -1 do
    iv[i] = iv[i] + 1
    if iv[i] <= 0xFF then break end
    iv[i] = iv[i] & 0xFF
  end
  return o
end
return { Cipher = make(step), Decipher = make(step) }
