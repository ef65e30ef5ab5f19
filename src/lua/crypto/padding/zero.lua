-- .crypto.padding.zero: ZeroPadding(blockSize, byteCount) -> a Stream of
-- zero bytes, as many as aos's formula gives for byteCount bytes read:
-- blockSize - ((byteCount - 1) % blockSize) + 1.
return function(blockSize, byteCount)
  local left = blockSize - ((byteCount - 1) % blockSize) + 1
  return function()
    if left > 0 then
      left = left - 1
      return 0
    end
    return nil
  end
end
