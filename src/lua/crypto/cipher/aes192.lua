-- .crypto.cipher.aes192: AES with a 24-byte key (see aes128.lua).
return require(".crypto.cipher.aes128")._build(6)
