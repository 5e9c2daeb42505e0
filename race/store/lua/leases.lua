-- Take or renew leases (Store.acquire_leases): free, or already the owner's.
-- KEYS: one per lease. ARGV: owner, ttl ms. Returns 1 or 0 per key.
local got = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == false or holder == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    got[i] = 1
  else
    got[i] = 0
  end
end
return got
