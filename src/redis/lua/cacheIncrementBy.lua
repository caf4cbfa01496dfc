-- Adds to a numeric field of a CacheService hash and, when asked, sets its expiry, atomically:
-- a failed addition (not a number, wrong type) changes nothing.
-- KEYS[1]   the hash
-- ARGV[1]   the field
-- ARGV[2]   the amount to add, as text
-- ARGV[3]   time to live in milliseconds; 0 keeps the current expiry (none for a new hash)
-- Returns   the field's new value, as text
local value = redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return value
