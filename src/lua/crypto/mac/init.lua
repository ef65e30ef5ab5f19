return {
  _version = "0.0.1",
  createHmac = require(".crypto.mac.hmac").hmac,
}
