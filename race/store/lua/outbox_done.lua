-- Forget a record once it is persisted (Store.outbox_done).
-- KEYS: records, order, tries. ARGV: record id.
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 0
