-- Deletes memory hashes and records one change-stream entry for those that existed, atomically.
-- KEYS[1]   change stream
-- KEYS[2..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4..] memory ids, in the order of KEYS[2..]
-- Returns   { number deleted, stream id or false }
--#include lib/changeStream.lua
local deleted = {}
for i = 2, #KEYS do
  if redis.call('DEL', KEYS[i]) == 1 then
    deleted[#deleted + 1] = ARGV[i + 2]
  end
end
local id = false
if #deleted > 0 then
  id = append_change(KEYS[1], ARGV[1], ARGV[2], CHANGE_OP.deleted, ARGV[3], deleted)
end
return { #deleted, id }
