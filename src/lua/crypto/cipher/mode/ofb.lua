-- .crypto.cipher.mode.ofb (see ecb.lua for the object).
local ECB = require(".crypto.cipher.mode.ecb")
local make, xor = ECB._make, ECB._xor
local function step(st, c, key, block)
  if not st.iv then st.iv = block; return nil end
  st.iv = c.encrypt(key, st.iv)
  return xor(st.iv, block)
end
return { Cipher = make(step), Decipher = make(step) }
