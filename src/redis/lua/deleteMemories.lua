-- Deletes memory hashes and records one change-stream entry for those that existed, atomically.
-- With an owner guard, a memory whose owner field holds a value outside the allowed owners is
-- left alone and counted as if it did not exist.
-- KEYS[1]   change stream
-- KEYS[2..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4]   owner guard: the hash field naming a memory's owner, or '' for no guard
-- ARGV[5]   the owners the guard allows, as a JSON array of strings
-- ARGV[6..] memory ids, in the order of KEYS[2..]
-- Returns   { number deleted, stream id or false }
--#include lib/changeStream.lua
local allowed = nil
if ARGV[4] ~= '' then
  allowed = {}
  for _, owner in ipairs(cjson.decode(ARGV[5])) do allowed[owner] = true end
end
local deleted = {}
for i = 2, #KEYS do
  local owner = allowed and redis.call('HGET', KEYS[i], ARGV[4])
  if not (owner and not allowed[owner]) and redis.call('DEL', KEYS[i]) == 1 then
    deleted[#deleted + 1] = ARGV[i + 4]
  end
end
local id = false
if #deleted > 0 then
  id = append_change(KEYS[1], ARGV[1], ARGV[2], CHANGE_OP.deleted, ARGV[3], deleted)
end
return { #deleted, id }
