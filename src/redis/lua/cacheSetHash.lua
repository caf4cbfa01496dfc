-- Writes fields of a CacheService hash and, when asked, its expiry, atomically: a failed write
-- (e.g. the key holds a plain value) changes nothing.
-- KEYS[1]   the hash
-- ARGV[1]   time to live in milliseconds; 0 keeps the current expiry (none for a new hash)
-- ARGV[2..] field, value, field, value, ...
-- Returns   the number of fields that were new
local added = 0
local chunk = 1000
for i = 2, #ARGV, chunk do
  local last = math.min(i + chunk - 1, #ARGV)
  added = added + redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
end
if tonumber(ARGV[1]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return added
