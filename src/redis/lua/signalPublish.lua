-- Publishes one signal message; a durable one is first given the next id of the global signal
-- sequence and appended to its channel's capped stream, atomically with the PUBLISH, so that
-- every durable message is either in the stream or delivered live to a subscription made before
-- it (nothing falls between a subscriber's SUBSCRIBE and its XRANGE).
-- KEYS[1]   the last id given, `ms-seq` (string): ids increase across every channel
-- KEYS[2]   the channel's stream (durable messages, field `m` = the message body)
-- KEYS[3]   the set of channels that have a stream (for resuming patterns)
-- KEYS[4]   hash: channel -> the id of the newest message trimmed from its stream
-- ARGV[1]   the pub/sub channel
-- ARGV[2]   '1' durable, '0' not
-- ARGV[3]   the message body (the pub/sub message is `{id}\n{body}`, id empty when not durable)
-- ARGV[4]   the channel's name (member of KEYS[3], field of KEYS[4])
-- ARGV[5]   the stream's cap: it keeps at least this many messages...
-- ARGV[6]   ...and is trimmed back to the cap once it holds this many more
-- Returns   {receivers (the PUBLISH count), id ('' when not durable)}
local id = ''
if ARGV[2] == '1' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local ms, seq = now, 0
  local last = redis.call('GET', KEYS[1])
  if last then
    local lastMs, lastSeq = string.match(last, '^(%d+)-(%d+)$')
    lastMs = tonumber(lastMs)
    if now <= lastMs then
      ms = lastMs
      seq = tonumber(lastSeq) + 1
    end
  end
  id = string.format('%.0f-%.0f', ms, seq)
  redis.call('SET', KEYS[1], id)
  redis.call('XADD', KEYS[2], id, 'm', ARGV[3])
  redis.call('SADD', KEYS[3], ARGV[4])
  local cap = tonumber(ARGV[5])
  local length = redis.call('XLEN', KEYS[2])
  if length > cap + tonumber(ARGV[6]) then
    local excess = length - cap
    local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', excess)
    redis.call('HSET', KEYS[4], ARGV[4], oldest[#oldest][1])
    redis.call('XTRIM', KEYS[2], 'MAXLEN', cap)
  end
end
local receivers = redis.call('PUBLISH', ARGV[1], id .. '\n' .. ARGV[3])
return {receivers, id}
