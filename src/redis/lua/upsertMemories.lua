-- Replaces memory hashes and records one change-stream entry for them, atomically. With an owner
-- guard, nothing is written when one of the memories exists and its owner field holds a value
-- outside the allowed owners (an agent token may not overwrite another agent's memory). With a
-- request id, a request already made (its record still held) writes nothing again.
-- KEYS[1]   change stream
-- KEYS[2]   the request's record (JSON [digest, stream id, ids]); read and written only with a
--           window > 0
-- KEYS[3..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4]   owner guard: the hash field naming a memory's owner, or '' for no guard
-- ARGV[5]   the owners the guard allows, as a JSON array of strings
-- ARGV[6]   how long the request's record is kept, ms; 0 = the request has no id
-- ARGV[7]   the request's digest (what a retry of it must match)
-- ARGV[8]   outcome versions: '' for none, else JSON { known, time, list, fields, cutoff }: a
--           memory replaced by one whose `known` field (else `time`) is later keeps its outcome
--           (`fields`) as a version in field `list` (JSON [[known, [values]], ...], oldest
--           first); versions known at or after the new one are dropped, and so are those whose
--           successor was known by `cutoff` (outside the retention)
-- ARGV[9..] for each memory, in the order of KEYS[3..]: its id, its field count n, then n
--           field/value pairs
-- Returns   { stream id, 0 } written; { false, i } when the guard refuses the i-th memory
--           (1-based); { stream id of the first call, -1, ids of the first call } when the
--           request was made before; { false, -2 } when its id was used by another request
--#include lib/changeStream.lua
local FIRST = 9
local window = tonumber(ARGV[6])
local versioning = nil
if ARGV[8] ~= '' then versioning = cjson.decode(ARGV[8]) end

-- The value of field `name` among the n field/value pairs of the memory at ARGV[at].
local function field_value(at, n, name)
  for j = 0, n - 1 do
    if ARGV[at + 2 + 2 * j] == name then return ARGV[at + 3 + 2 * j] end
  end
  return nil
end

-- The versions the memory at ARGV[at] (n fields) keeps of the hash `key` it replaces, as JSON;
-- nil for none.
local function kept_versions(key, at, n)
  local v = versioning
  local old = redis.call('HMGET', key, v.known, v.time, v.list, unpack(v.fields))
  local versions = {}
  if old[3] then versions = cjson.decode(old[3]) end
  local old_known = old[1] or old[2]
  if old_known then
    local values = {}
    for j = 1, #v.fields do values[j] = old[3 + j] or '' end
    versions[#versions + 1] = { old_known, values }
  end
  local known = tonumber(field_value(at, n, v.known) or field_value(at, n, v.time) or '0')
  local earlier = {}
  for _, version in ipairs(versions) do
    if tonumber(version[1]) < known then earlier[#earlier + 1] = version end
  end
  local kept = {}
  for j, version in ipairs(earlier) do
    local successor = known
    if earlier[j + 1] then successor = tonumber(earlier[j + 1][1]) end
    if successor > v.cutoff then kept[#kept + 1] = version end
  end
  if #kept == 0 then return nil end
  return cjson.encode(kept)
end
if window > 0 then
  local seen = redis.call('GET', KEYS[2])
  if seen then
    local record = cjson.decode(seen)
    if record[1] ~= ARGV[7] then return { false, -2 } end
    return { record[2], -1, record[3] }
  end
end
if ARGV[4] ~= '' then
  local allowed = {}
  for _, owner in ipairs(cjson.decode(ARGV[5])) do allowed[owner] = true end
  local at = FIRST
  for i = 3, #KEYS do
    local owner = redis.call('HGET', KEYS[i], ARGV[4])
    if owner and not allowed[owner] then return { false, i - 2 } end
    at = at + 2 + 2 * tonumber(ARGV[at + 1])
  end
end
local ids = {}
local at = FIRST
for i = 3, #KEYS do
  local n = tonumber(ARGV[at + 1])
  ids[#ids + 1] = ARGV[at]
  local versions = nil
  if versioning then versions = kept_versions(KEYS[i], at, n) end
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], unpack(ARGV, at + 2, at + 1 + 2 * n))
  if versions then redis.call('HSET', KEYS[i], versioning.list, versions) end
  at = at + 2 + 2 * n
end
local id = append_change(KEYS[1], ARGV[1], ARGV[2], CHANGE_OP.upserted, ARGV[3], ids)
if window > 0 then
  redis.call('SET', KEYS[2], cjson.encode({ ARGV[7], id, ids }), 'PX', ARGV[6])
end
return { id, 0 }
