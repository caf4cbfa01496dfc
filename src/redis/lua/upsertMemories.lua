-- Replaces memory hashes and records one change-stream entry for them, atomically. With an owner
-- guard, nothing is written when one of the memories exists and its owner field holds a value
-- outside the allowed owners (an agent token may not overwrite another agent's memory).
-- KEYS[1]   change stream
-- KEYS[2..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4]   owner guard: the hash field naming a memory's owner, or '' for no guard
-- ARGV[5]   the owners the guard allows, as a JSON array of strings
-- ARGV[6..] for each memory, in the order of KEYS[2..]: its id, its field count n, then n
--           field/value pairs
-- Returns   { stream id, 0 }, or { false, i } when the guard refuses the i-th memory (1-based)
--#include lib/changeStream.lua
if ARGV[4] ~= '' then
  local allowed = {}
  for _, owner in ipairs(cjson.decode(ARGV[5])) do allowed[owner] = true end
  local at = 6
  for i = 2, #KEYS do
    local owner = redis.call('HGET', KEYS[i], ARGV[4])
    if owner and not allowed[owner] then return { false, i - 1 } end
    at = at + 2 + 2 * tonumber(ARGV[at + 1])
  end
end
local ids = {}
local at = 6
for i = 2, #KEYS do
  local n = tonumber(ARGV[at + 1])
  ids[#ids + 1] = ARGV[at]
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], unpack(ARGV, at + 2, at + 1 + 2 * n))
  at = at + 2 + 2 * n
end
return { append_change(KEYS[1], ARGV[1], ARGV[2], CHANGE_OP.upserted, ARGV[3], ids), 0 }
