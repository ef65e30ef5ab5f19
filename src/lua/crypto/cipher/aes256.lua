-- .crypto.cipher.aes256: AES with a 32-byte key (see aes128.lua).
return require(".crypto.cipher.aes128")._build(8)
