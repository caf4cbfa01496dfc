-- Adds to a numeric field of a CacheService hash and, when asked, sets its expiry, atomically:
-- a failed addition (not a number, wrong type, a result that is not a finite double) changes
-- nothing. Redis adds in long double, so 1e308 + 1e308 would be stored as a number no client
-- can read; the sum is therefore checked in double before anything is written.
-- KEYS[1]   the hash
-- ARGV[1]   the field
-- ARGV[2]   the amount to add, as text (finite)
-- ARGV[3]   time to live in milliseconds; 0 keeps the current expiry (none for a new hash)
-- Returns   the field's new value, as text; an error "ERR mnemo: ... not finite" on overflow
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current ~= nil then
  local sum = current + tonumber(ARGV[2])
  if sum ~= sum or sum == math.huge or sum == -math.huge then
    return redis.error_reply('ERR mnemo: the result would not be finite')
  end
end
local value = redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return value
