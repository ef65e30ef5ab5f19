-- Patch-legacy-reply: gives every message a msg.reply, for processes whose aos predates it.
--
-- As aos's blueprint of the same name: a first handler that always lets the
-- others run ("continue") and, when a message has no reply function, adds one
-- that answers the sender (or Reply-To) with X-Reference and X-Origin tags
-- (empty when the message had none). aos-ts processes already have msg.reply,
-- so here it changes nothing; it is shipped for code that loads it anyway.

local function addReply(msg)
  if msg.reply then return end
  msg.reply = function(reply)
    reply.Target = msg["Reply-To"] or reply.Target or msg.From
    reply["X-Reference"] = msg["X-Reference"] or msg.Reference or ""
    reply["X-Origin"] = msg["X-Origin"] or ""
    return ao.send(reply)
  end
end

Handlers.prepend("_patch_reply", function() return "continue" end, addReply)
