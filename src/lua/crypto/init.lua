-- .crypto (also .crypto.init): aos's pure-Lua crypto library, rewritten for
-- aos-ts with the same module tree, names, signatures and outputs.
local cipher = require(".crypto.cipher.init")
return {
  _version = "0.0.1",
  digest = require(".crypto.digest.init"),
  utils = require(".crypto.util.init"),
  cipher = cipher,
  random = cipher.issac.random,
  mac = require(".crypto.mac.init"),
  kdf = require(".crypto.kdf.init"),
}
