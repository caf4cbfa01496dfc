-- Records one trade of a session atomically with its dedup check and the drawdown check: adds
-- pnl to pnl_micro and capital_micro, counts it, remembers its tx_id (the last `retention`
-- ones), and halts the session when the trade loses and leaves capital_micro below floor_micro.
-- A tx_id the session remembers is a duplicate (nothing written); a halted or ended session
-- refuses trades (nothing written).
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the session's recorded tx_ids (zset: member tx_id, score trade number)
-- KEYS[4]   the heartbeat deadlines of active sessions (zset)
-- KEYS[5]   the session counts by stored status (hash)
-- KEYS[6]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   pnl in micro-units (integer text)
-- ARGV[3]   tx_id ('' = none)
-- ARGV[4]   how many tx_ids a session remembers
-- ARGV[5]   the changes stream's approximate cap
-- Returns   { 'missing' } | { 'duplicate' | 'halted' | 'ended' | 'overflow', view } |
--           { 'recorded', view, 1 if over the drawdown limit else 0, 1 if it halted now else 0 }
--#include lib/session.lua
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return { 'missing' } end
local tx = ARGV[3]
if tx ~= '' and redis.call('ZSCORE', KEYS[3], tx) then
  return { 'duplicate', session_view(KEYS[1], KEYS[2]) }
end
if status ~= 'active' then return { status, session_view(KEYS[1], KEYS[2]) } end
local pnl = tonumber(ARGV[2])
local capital = tonumber(redis.call('HGET', KEYS[1], 'capital_micro'))
local total = tonumber(redis.call('HGET', KEYS[1], 'pnl_micro'))
if math.abs(capital + pnl) > 9e18 or math.abs(total + pnl) > 9e18 then
  return { 'overflow', session_view(KEYS[1], KEYS[2]) }
end
capital = redis.call('HINCRBY', KEYS[1], 'capital_micro', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'pnl_micro', ARGV[2])
local trades = redis.call('HINCRBY', KEYS[1], 'trades', 1)
if tx ~= '' then
  redis.call('ZADD', KEYS[3], trades, tx)
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
end
local over = capital < tonumber(redis.call('HGET', KEYS[1], 'floor_micro'))
local halted = over and pnl < 0
if halted then
  redis.call('HSET', KEYS[1], 'status', 'halted')
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('HINCRBY', KEYS[5], 'active', -1)
  redis.call('HINCRBY', KEYS[5], 'halted', 1)
end
local view = session_view(KEYS[1], KEYS[2])
session_change(KEYS[6], ARGV[5], halted and 'halted' or 'trade', view)
return { 'recorded', view, over and 1 or 0, halted and 1 or 0 }
