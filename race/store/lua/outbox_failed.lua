-- Count a failed attempt at a waiting record and push its due time back by its backoff
-- (Store.outbox_failed; the backoff is race.store.policy.backoff_ms).
-- KEYS: records, order, tries. ARGV: record id, now, first ms, longest ms.
-- Returns the attempts so far, or 0 if the record is not waiting.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local n = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
local wait = math.min(tonumber(ARGV[3]) * 2 ^ math.min(n - 1, 30), tonumber(ARGV[4]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + math.floor(wait), ARGV[1])
return n
