-- Appends audit entries in order, each atomically with what is derived from it. An entry whose
-- tx_id is already in the dedup index is a duplicate: nothing is written and the original stream
-- id is returned. Otherwise the entry is added to the stream, its tx_id to the dedup index, and
-- its pnl to the agent's timeline and time-bucketed sums.
-- KEYS[1]   the audit stream
-- KEYS[2]   the dedup index: hash tx_id -> stream id
-- KEYS[3..] per entry, 5 keys: the agent's timeline (zset: score wall_time, member
--           "{pnl micro-units}:{stream id}") and its P&L hashes of 86400, 3600, 60 and 1 s buckets
-- ARGV[1]   the number of entries n
-- ARGV[2..] per entry, 14 values: agent_id, action, market, amount, status, tx_id, pnl, wall_time,
--           meta, pnl in micro-units (integer text), its bucket index in each of the 4 widths
-- Returns   { per entry: stream id, 1 if duplicate else 0; then the stream's length }
local n = tonumber(ARGV[1])
local out = {}
for i = 0, n - 1 do
  local a = 2 + i * 14
  local k = 3 + i * 5
  local tx = ARGV[a + 5]
  local original = false
  if tx ~= '' then
    original = redis.call('HGET', KEYS[2], tx)
  end
  if original then
    out[#out + 1] = original
    out[#out + 1] = 1
  else
    local id = redis.call('XADD', KEYS[1], '*',
      'agent_id', ARGV[a], 'action', ARGV[a + 1], 'market', ARGV[a + 2],
      'amount', ARGV[a + 3], 'status', ARGV[a + 4], 'tx_id', tx, 'pnl', ARGV[a + 6],
      'wall_time', ARGV[a + 7], 'meta', ARGV[a + 8])
    if tx ~= '' then
      redis.call('HSET', KEYS[2], tx, id)
    end
    local micro = ARGV[a + 9]
    redis.call('ZADD', KEYS[k], ARGV[a + 7], micro .. ':' .. id)
    if micro ~= '0' then
      for l = 1, 4 do
        redis.call('HINCRBY', KEYS[k + l], ARGV[a + 9 + l], micro)
      end
    end
    out[#out + 1] = id
    out[#out + 1] = 0
  end
end
out[#out + 1] = redis.call('XLEN', KEYS[1])
return out
