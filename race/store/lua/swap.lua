-- Compare-and-set a value ('' for none) (Store.swap_lobby).
-- KEYS: the key. ARGV: expected, new. Returns 1 if swapped.
local cur = redis.call('GET', KEYS[1])
if cur == false then cur = '' end
if cur ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
