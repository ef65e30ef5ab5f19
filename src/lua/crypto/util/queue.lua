-- .crypto.util.queue: a FIFO of values. push/pop/size; getHead is the count
-- of values ever pushed since the last reset, getTail the count popped.
return function()
  local items, head, tail = {}, 0, 0
  local q = {}
  function q.push(v)
    items[head] = v
    head = head + 1
  end
  function q.pop()
    if tail >= head then return nil end
    local v = items[tail]
    items[tail] = nil
    tail = tail + 1
    return v
  end
  function q.size() return head - tail end
  function q.getHead() return head end
  function q.getTail() return tail end
  function q.reset()
    items, head, tail = {}, 0, 0
  end
  return q
end
