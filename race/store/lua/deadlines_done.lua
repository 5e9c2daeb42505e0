-- Drop applied deadlines still held by their claim (Store.deadlines_done).
-- KEYS: deadlines, tries. ARGV: held until (of the claim), item, item, ...
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
return 0
