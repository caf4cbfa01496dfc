-- Removes the oldest entries of the audit log with everything derived from them (their dedup
-- index entries, timeline members and bucket sums), atomically, so that the aggregates always
-- describe exactly the entries in the log. Does nothing when the log no longer starts with the
-- expected entries (another instance trimmed first).
-- KEYS[1]   the audit stream
-- KEYS[2]   the dedup index: hash (agent, tx_id) field -> stream id
-- KEYS[3]   the legacy dedup index of entries logged before tx_ids were per agent: tx_id -> id
-- KEYS[4..] per entry, 5 keys as in auditAppend: timeline, P&L hashes of 86400, 3600, 60, 1 s
-- ARGV[1]   the number of entries n (the n oldest of the stream)
-- ARGV[2..] per entry, 9 values: stream id, dedup field ('' without tx_id), tx_id, timeline
--           member, minus the pnl micro-units, its bucket index in each of the 4 widths
-- ARGV[last] the cap: never trim the log below this many entries (another instance may have
--           trimmed between the caller's XLEN and its XRANGE)
-- Returns   the number of entries removed (at most n), or 0 when the head did not match
local n = tonumber(ARGV[1])
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[#ARGV])
if excess <= 0 then
  return 0
end
if excess < n then
  n = excess
end
local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', n)
if #head ~= n then
  return 0
end
for i = 0, n - 1 do
  if head[i + 1][1] ~= ARGV[2 + i * 9] then
    return 0
  end
end
local ids = {}
for i = 0, n - 1 do
  local a = 2 + i * 9
  local k = 4 + i * 5
  local id = ARGV[a]
  local dedup = ARGV[a + 1]
  local tx = ARGV[a + 2]
  if dedup ~= '' and redis.call('HGET', KEYS[2], dedup) == id then
    redis.call('HDEL', KEYS[2], dedup)
  end
  if tx ~= '' and redis.call('HGET', KEYS[3], tx) == id then
    redis.call('HDEL', KEYS[3], tx)
  end
  redis.call('ZREM', KEYS[k], ARGV[a + 3])
  local minus = ARGV[a + 4]
  if minus ~= '0' then
    for l = 1, 4 do
      local field = ARGV[a + 4 + l]
      if redis.call('HINCRBY', KEYS[k + l], field, minus) == 0 then
        redis.call('HDEL', KEYS[k + l], field)
      end
    end
  end
  ids[#ids + 1] = id
end
redis.call('XDEL', KEYS[1], unpack(ids))
return n
