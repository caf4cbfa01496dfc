-- Notes once that an active session's heartbeat lapsed: when its deadline has passed and its
-- heartbeat key is gone, the deadline's score becomes negative (noted) and a 'stale' change is
-- appended. Any number of instances may call it for the same session: one appends the change.
-- KEYS[1]   the session hash
-- KEYS[2]   the session's heartbeat key
-- KEYS[3]   the heartbeat deadlines of active sessions (zset: negative score = noted)
-- KEYS[4]   the session changes stream
-- ARGV[1]   agent_id
-- ARGV[2]   the changes stream's approximate cap
-- Returns   1 if this call noted it, else 0
--#include lib/session.lua
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score then return 0 end
score = tonumber(score)
if score < 0 or score > now_ms() or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], 'status') ~= 'active' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[3], -score, ARGV[1])
session_change(KEYS[4], ARGV[2], 'stale', session_view(KEYS[1], KEYS[2]))
return 1
