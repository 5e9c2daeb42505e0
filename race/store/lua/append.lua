-- Append a keystroke batch if its sequence number is the log's length (Store.append_batch).
-- KEYS: log, progress, room, seal, conn. ARGV: seq, line, ttl ms, player id, has progress,
-- progress, holder ('' checks none).
-- Returns the log's length before (-1: no such room, -2: the round is sealed, -3: another
-- connection holds the seat).
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[4]) == 1 then return -2 end
if ARGV[7] ~= '' then
  local held = redis.call('GET', KEYS[5])
  if held and held ~= ARGV[7] then return -3 end
end
-- A key's TTL is set when the key is made (the log's first batch, the progress hash's
-- first racer), not on every batch: a round lasts minutes, the TTL hours, and the two
-- PEXPIREs were a fifth of the script's commands.
local n = redis.call('LLEN', KEYS[1])
if n == tonumber(ARGV[1]) then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  if n == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  if ARGV[5] == '1' then
    if redis.call('HSET', KEYS[2], ARGV[4], ARGV[6]) == 1 then
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
    end
  end
end
return n
