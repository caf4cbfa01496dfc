-- What the session scripts share, Lua side; the TypeScript side is src/redis/scripts/sessionView.ts
-- and the two are kept equal field for field. A session script includes this file with the line
-- `--#include lib/session.lua`.
-- A session is a hash: agent_id, status ('active', 'halted', 'ended'), start_micro,
-- capital_micro, pnl_micro, floor_micro (a losing trade that leaves capital_micro below it
-- halts), max_drawdown (text), trades, started_ms, heartbeat_ms, ttl_ms. Its heartbeat is a key
-- that expires; an 'active' session whose heartbeat key is gone is seen as 'stale'.

-- The Redis server's clock in unix milliseconds.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The session's hash as a flat field/value list, followed by 'seen' and its status as seen
-- ('stale' for an active session without heartbeat); an empty list when there is no session.
local function session_view(hash, heartbeat)
  local flat = redis.call('HGETALL', hash)
  if #flat == 0 then return flat end
  local status = ''
  for i = 1, #flat - 1, 2 do
    if flat[i] == 'status' then status = flat[i + 1] end
  end
  if status == 'active' and redis.call('EXISTS', heartbeat) == 0 then status = 'stale' end
  flat[#flat + 1] = 'seen'
  flat[#flat + 1] = status
  return flat
end

-- Appends one change (`event` and the session's view) to the changes stream, trimmed to about
-- max_len entries; returns the entry's id.
local function session_change(stream, max_len, event, view)
  local args = { 'XADD', stream, 'MAXLEN', '~', max_len, '*', 'event', event }
  for i = 1, #view do args[#args + 1] = view[i] end
  return redis.call(unpack(args))
end
