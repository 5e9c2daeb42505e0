-- Take the deadlines due by now, earliest first, holding each (Store.claim_due).
-- KEYS: deadlines. ARGV: now, limit, held until (race.store.policy.held_until(now)).
-- Returns item, due, item, due, ... (the due time before the claim).
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], ARGV[3], due[i]) end
return due
