-- Move the oldest dead letters back into the outbox, due now (Store.retry_dead_letters);
-- a record of an id already waiting stays as it is.
-- KEYS: records, order, dead letters. ARGV: most to move, now. Returns how many moved.
local moved = 0
for _ = 1, tonumber(ARGV[1]) do
  local raw = redis.call('LPOP', KEYS[3])
  if not raw then break end
  local letter = cjson.decode(raw)
  if redis.call('HSETNX', KEYS[1], letter.id, letter.payload) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[2], letter.id)
  end
  moved = moved + 1
end
return moved
