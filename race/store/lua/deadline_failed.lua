-- Count a failed try at a held deadline and move it to the end of its backoff
-- (Store.deadline_failed; the backoff is race.store.policy.backoff_ms).
-- KEYS: deadlines, tries. ARGV: item, held until, claimed at, first ms, longest ms.
-- Returns the tries so far, or 0 if the deadline is no longer the one held.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local wait = math.min(tonumber(ARGV[4]) * 2 ^ math.min(n - 1, 30), tonumber(ARGV[5]))
redis.call('ZADD', KEYS[1], tonumber(ARGV[3]) + math.floor(wait), ARGV[1])
return n
