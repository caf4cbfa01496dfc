-- Ends a session: status 'ended', its heartbeat and deadline removed, a change appended. An
-- ended session is returned unchanged.
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the heartbeat deadlines of active sessions (zset)
-- KEYS[4]   the session counts by stored status (hash)
-- KEYS[5]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   the changes stream's approximate cap
-- Returns   { 'missing' } | { 'ok', view }
--#include lib/session.lua
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return { 'missing' } end
if status ~= 'ended' then
  redis.call('HSET', KEYS[1], 'status', 'ended')
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HINCRBY', KEYS[4], status, -1)
  redis.call('HINCRBY', KEYS[4], 'ended', 1)
  session_change(KEYS[5], ARGV[2], 'ended', session_view(KEYS[1], KEYS[2]))
end
return { 'ok', session_view(KEYS[1], KEYS[2]) }
