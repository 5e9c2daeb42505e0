-- Take tokens from a bucket that refills over time and starts full (Store.take_tokens);
-- the key expires once the bucket would be full again. The same rule as
-- race.core.bucket.TokenBucket.
-- KEYS: the bucket. ARGV: now ms, tokens per second, burst, wanted. Returns tokens given.
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, stamp = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate / 1000)
local given = math.max(0, math.min(tonumber(ARGV[4]), math.floor(tokens)))
tokens = tokens - given
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1)
return given
