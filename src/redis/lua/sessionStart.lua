-- Starts an agent's session unless it has one that is not ended (then nothing is written and
-- that one is returned): the check and the write are one step, so concurrent starts create one.
-- A new session replaces an ended one and forgets its tx_ids.
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the session's recorded tx_ids (zset: member tx_id, score trade number)
-- KEYS[4]   the heartbeat deadlines of active sessions (zset: member agent_id, score ms)
-- KEYS[5]   the session counts by stored status (hash)
-- KEYS[6]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   start capital in micro-units (integer text)
-- ARGV[3]   the capital floor in micro-units (integer text)
-- ARGV[4]   max_drawdown (text)
-- ARGV[5]   heartbeat ttl in ms
-- ARGV[6]   the changes stream's approximate cap
-- Returns   { 1 if created else 0, the session's view (lib/session.lua) }
--#include lib/session.lua
local status = redis.call('HGET', KEYS[1], 'status')
if status and status ~= 'ended' then
  return { 0, session_view(KEYS[1], KEYS[2]) }
end
local now = now_ms()
if status == 'ended' then redis.call('HINCRBY', KEYS[5], 'ended', -1) end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[1], 'agent_id', ARGV[1], 'status', 'active', 'start_micro', ARGV[2],
  'capital_micro', ARGV[2], 'pnl_micro', '0', 'floor_micro', ARGV[3], 'max_drawdown', ARGV[4],
  'trades', '0', 'started_ms', now, 'heartbeat_ms', now, 'ttl_ms', ARGV[5])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[5])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[5]), ARGV[1])
redis.call('HINCRBY', KEYS[5], 'active', 1)
local view = session_view(KEYS[1], KEYS[2])
session_change(KEYS[6], ARGV[6], 'started', view)
return { 1, view }
