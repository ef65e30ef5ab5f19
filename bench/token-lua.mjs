// The minimal token the library and local-network benchmarks load: a Transfer
// handler with a Debit-Notice reply and a Credit-Notice to the recipient.
export const TOKEN = `
Balances = Balances or {}
Balances[Owner] = Balances[Owner] or "1000000000"
Handlers.add("transfer", "Transfer", function(msg)
  local q = math.tointeger(tonumber(msg.Quantity))
  local have = math.tointeger(tonumber(Balances[msg.From] or "0"))
  if have < q then return msg.reply({ Action = "Transfer-Error" }) end
  Balances[msg.From] = tostring(have - q)
  Balances[msg.Recipient] = tostring(math.tointeger(tonumber(Balances[msg.Recipient] or "0")) + q)
  msg.reply({ Action = "Debit-Notice", Recipient = msg.Recipient, Quantity = msg.Quantity })
  Send({ Target = msg.Recipient, Action = "Credit-Notice", Sender = msg.From, Quantity = msg.Quantity })
end)`;
