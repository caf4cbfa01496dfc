-- Resumes a halted session: status 'active' with a fresh heartbeat of its ttl_ms, a change
-- appended. An active session is returned unchanged; an ended one is refused.
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the heartbeat deadlines of active sessions (zset)
-- KEYS[4]   the session counts by stored status (hash)
-- KEYS[5]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   the changes stream's approximate cap
-- Returns   { 'missing' } | { 'ended', view } | { 'ok', view }
--#include lib/session.lua
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return { 'missing' } end
if status == 'ended' then return { 'ended', session_view(KEYS[1], KEYS[2]) } end
if status == 'halted' then
  local now = now_ms()
  local ttl = tonumber(redis.call('HGET', KEYS[1], 'ttl_ms'))
  redis.call('HSET', KEYS[1], 'status', 'active', 'heartbeat_ms', now)
  redis.call('SET', KEYS[2], '1', 'PX', ttl)
  redis.call('ZADD', KEYS[3], now + ttl, ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'halted', -1)
  redis.call('HINCRBY', KEYS[4], 'active', 1)
  session_change(KEYS[5], ARGV[2], 'resumed', session_view(KEYS[1], KEYS[2]))
end
return { 'ok', session_view(KEYS[1], KEYS[2]) }
