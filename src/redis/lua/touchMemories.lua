-- Counts one recall of semantic memories: access_count + 1 and last_accessed = now (Redis TIME)
-- on each hash that still exists, plus one change-stream entry, atomically.
-- KEYS[1]   change stream
-- KEYS[2..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4..] memory ids, in the order of KEYS[2..]
-- Returns   { stream id or false, now as text, access_count of each key (-1 when missing) }
--#include lib/changeStream.lua
local t = redis.call('TIME')
local now = t[1] .. '.' .. string.format('%06d', tonumber(t[2]))
local counts = {}
local touched = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    counts[i - 1] = redis.call('HINCRBY', KEYS[i], 'access_count', 1)
    redis.call('HSET', KEYS[i], 'last_accessed', now)
    touched[#touched + 1] = ARGV[i + 2]
  else
    counts[i - 1] = -1
  end
end
local id = false
if #touched > 0 then
  id = append_change(KEYS[1], ARGV[1], ARGV[2], CHANGE_OP.attributes, ARGV[3], touched)
end
return { id, now, counts }
