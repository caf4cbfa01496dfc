-- Refreshes a session's heartbeat: its key lives `interval` ms more, heartbeat_ms is now, and an
-- active session's deadline moves; one that was noted stale is revived (a change is appended).
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the heartbeat deadlines of active sessions (zset: member agent_id, score ms; a
--           negative score -d: its deadline d lapsed and was noted)
-- KEYS[4]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   interval in ms; 0 = the session's ttl_ms
-- ARGV[3]   the changes stream's approximate cap
-- Returns   { 'missing' } | { 'ended', view } | { 'ok', view }
--#include lib/session.lua
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return { 'missing' } end
if status == 'ended' then return { 'ended', session_view(KEYS[1], KEYS[2]) } end
local ttl = tonumber(ARGV[2])
if ttl == 0 then ttl = tonumber(redis.call('HGET', KEYS[1], 'ttl_ms')) end
local now = now_ms()
redis.call('SET', KEYS[2], '1', 'PX', ttl)
redis.call('HSET', KEYS[1], 'heartbeat_ms', now)
if status == 'active' then
  local noted = redis.call('ZSCORE', KEYS[3], ARGV[1])
  redis.call('ZADD', KEYS[3], now + ttl, ARGV[1])
  if noted and tonumber(noted) < 0 then
    session_change(KEYS[4], ARGV[3], 'revived', session_view(KEYS[1], KEYS[2]))
  end
end
return { 'ok', session_view(KEYS[1], KEYS[2]) }
