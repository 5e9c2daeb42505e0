-- Delete a key if it still holds a value (Store.drop_conn).
-- KEYS: the key. ARGV: the value. Returns 1 if deleted.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
