-- Appends audit entries in order, each atomically with what is derived from it. An entry whose
-- agent already logged its tx_id is a duplicate: nothing is written and the original stream id
-- is returned. Otherwise the entry is added to the stream, its (agent, tx_id) to the dedup index,
-- and its pnl to the agent's timeline and time-bucketed sums.
-- KEYS[1]   the audit stream
-- KEYS[2]   the dedup index: hash (agent, tx_id) field -> stream id
-- KEYS[3]   the legacy dedup index of entries logged before: hash tx_id -> stream id (read only)
-- KEYS[4..] per entry, 5 keys: the agent's timeline (zset: score wall_time, member
--           "{pnl micro-units}:{stream id}") and its P&L hashes of 86400, 3600, 60 and 1 s buckets
-- ARGV[1]   the number of entries n
-- ARGV[2..] per entry, 15 values: agent_id, action, market, amount, status, tx_id, pnl, wall_time,
--           meta, pnl in micro-units (integer text), its bucket index in each of the 4 widths,
--           its dedup field ('' without tx_id)
-- Returns   { per entry: stream id, 1 if duplicate else 0; then the stream's length }
-- The stream id of an entry of `agent` logged with `tx` before tx_ids were per agent, or false.
local function legacy_original(agent, tx)
  local id = redis.call('HGET', KEYS[3], tx)
  if not id then return false end
  local found = redis.call('XRANGE', KEYS[1], id, id)
  local flat = found[1] and found[1][2] or {}
  for f = 1, #flat - 1, 2 do
    if flat[f] == 'agent_id' then return flat[f + 1] == agent and id end
  end
  return false
end

local n = tonumber(ARGV[1])
local out = {}
for i = 0, n - 1 do
  local a = 2 + i * 15
  local k = 4 + i * 5
  local tx = ARGV[a + 5]
  local field = ARGV[a + 14]
  local original = false
  if field ~= '' then
    original = redis.call('HGET', KEYS[2], field) or legacy_original(ARGV[a], tx)
  end
  if original then
    out[#out + 1] = original
    out[#out + 1] = 1
  else
    local id = redis.call('XADD', KEYS[1], '*',
      'agent_id', ARGV[a], 'action', ARGV[a + 1], 'market', ARGV[a + 2],
      'amount', ARGV[a + 3], 'status', ARGV[a + 4], 'tx_id', tx, 'pnl', ARGV[a + 6],
      'wall_time', ARGV[a + 7], 'meta', ARGV[a + 8])
    if field ~= '' then
      redis.call('HSET', KEYS[2], field, id)
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
