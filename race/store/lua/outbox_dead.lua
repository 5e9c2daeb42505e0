-- Move a waiting record to the dead letters unless they are full (Store.outbox_dead_letter).
-- KEYS: records, order, tries, dead letters. ARGV: record id, reason, most dead letters in
-- this shard, the letter's number (dead letters of every shard read in its order).
-- Returns 1 if it moved.
local payload = redis.call('HGET', KEYS[1], ARGV[1])
if not payload then return 0 end
if redis.call('LLEN', KEYS[4]) >= tonumber(ARGV[3]) then return 0 end
local letter = {id = ARGV[1], payload = payload, reason = ARGV[2], seq = tonumber(ARGV[4])}
redis.call('RPUSH', KEYS[4], cjson.encode(letter))
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
