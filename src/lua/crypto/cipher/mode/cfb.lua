-- .crypto.cipher.mode.cfb (see ecb.lua for the object).
local ECB = require(".crypto.cipher.mode.ecb")
local make, xor = ECB._make, ECB._xor
return {
  Cipher = make(function(st, c, key, block)
    if not st.iv then st.iv = block; return nil end
    local o = xor(c.encrypt(key, st.iv), block)
    st.iv = o
    return o
  end),
  Decipher = make(function(st, c, key, block)
    if not st.iv then st.iv = block; return nil end
    local o = xor(c.encrypt(key, st.iv), block)
    st.iv = block
    return o
  end),
}
