-- Token bucket: refills by the time elapsed on Redis's clock (TIME) since the last call, then
-- takes the tokens or denies, atomically. Callers' clocks play no part. The state expires when
-- the bucket would be full again (an absent state is a full bucket).
-- KEYS[1]   the bucket's state: hash { tokens, ts } (ts = last refill, ms since the epoch)
-- Everything is computed before the first write, so a refusal (an error) changes nothing.
-- ARGV[1]   capacity, > 0
-- ARGV[2]   refill rate in tokens per second, >= 0 (0 = never refills; the state never expires);
--           when > 0, capacity / rate is at most 31 days (the caller checks), so the expiry fits
-- ARGV[3]   tokens wanted, 0 < wanted <= capacity
-- Returns   { 1 allowed | 0 denied, tokens remaining as text,
--             ms until the tokens wanted are available (0 when allowed, -1 = never) }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local wanted = tonumber(ARGV[3])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
-- A clock that went backwards (e.g. a failover) refills nothing and keeps the later timestamp.
if now > ts then
  tokens = tokens + (now - ts) * rate
  ts = now
end
if tokens > capacity then
  tokens = capacity
end

local allowed = 0
local retry = 0
if tokens >= wanted then
  tokens = tokens - wanted
  allowed = 1
elseif rate > 0 then
  retry = math.max(1, math.ceil((wanted - tokens) / rate))
else
  retry = -1
end

-- ms until the bucket is full again (nil: it never refills), and the state as text.
local full_in = nil
if rate > 0 then
  full_in = math.ceil((capacity - tokens) / rate)
  if full_in ~= full_in or full_in == math.huge then
    return redis.error_reply('rate limit: the refill time is not finite')
  end
end
local tokens_text = string.format('%.17g', tokens)
local ts_text = string.format('%.17g', ts)

if full_in == nil then
  redis.call('HSET', KEYS[1], 'tokens', tokens_text, 'ts', ts_text)
  redis.call('PERSIST', KEYS[1])
elseif full_in < 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'tokens', tokens_text, 'ts', ts_text)
  -- PEXPIRE takes integer text: a Lua number of 1e18 would be sent as "1e+18".
  redis.call('PEXPIRE', KEYS[1], string.format('%.0f', full_in))
end
return { allowed, tokens_text, retry }
