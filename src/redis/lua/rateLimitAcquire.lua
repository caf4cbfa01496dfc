-- Token bucket: refills by the time elapsed on Redis's clock (TIME) since the last call, then
-- takes the tokens or denies, atomically. Callers' clocks play no part. The state expires when
-- the bucket would be full again (an absent state is a full bucket), or after the retention
-- (ARGV[5]) since this call if that is later.
-- A bucket is bound to parameters, kept in its state: with 'bind', a call with other ones is
-- refused and changes nothing; with 'own' (the server's parameters), the call's replace them.
-- KEYS[1]   the bucket's state: hash { tokens, ts, capacity, refill } (ts = last refill, ms since
--           the epoch; capacity and refill per second: the parameters it is bound to, as text)
-- Everything is computed before the first write, so a refusal (an error or a mismatch) changes
-- nothing.
-- ARGV[1]   capacity, > 0
-- ARGV[2]   refill rate in tokens per second, >= 0 (0 = never refills; the state never expires);
--           when > 0, capacity / rate is at most 31 days (the caller checks), so the expiry fits
-- ARGV[3]   tokens wanted, 0 < wanted <= capacity
-- ARGV[4]   'bind': ARGV[1] and ARGV[2] must equal the parameters stored, if any (a state without
--           them takes them); 'own': they replace the parameters stored
-- ARGV[5]   retention in ms, >= 0: the state is kept at least this long after the call, full or
--           not (0 = only until it would be full again)
-- Returns   { 1 allowed | 0 denied, tokens remaining as text,
--             ms until the tokens wanted are available (0 when allowed, -1 = never) }
--           or, with 'bind' and other parameters stored, nothing written:
--           { -1, the first field that differs ('capacity' | 'refill_per_second'),
--             the capacity stored, the refill per second stored (both as text) }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local rate = refill / 1000
local wanted = tonumber(ARGV[3])
local mode = ARGV[4]
local retain = tonumber(ARGV[5])
if mode ~= 'bind' and mode ~= 'own' then
  return redis.error_reply('rate limit: the mode must be bind or own')
end
if retain == nil or retain < 0 then
  return redis.error_reply('rate limit: the retention must be a number >= 0')
end

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'capacity', 'refill')
if mode == 'bind' and state[3] and state[4] then
  local field = nil
  if tonumber(state[3]) ~= capacity then
    field = 'capacity'
  elseif tonumber(state[4]) ~= refill then
    field = 'refill_per_second'
  end
  if field then
    return { -1, field, state[3], state[4] }
  end
end

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

-- ms the state is kept (nil: for ever, the bucket never refills), and the state as text.
local keep = nil
if rate > 0 then
  local full_in = math.ceil((capacity - tokens) / rate)
  if full_in ~= full_in or full_in == math.huge then
    return redis.error_reply('rate limit: the refill time is not finite')
  end
  keep = math.max(full_in, retain)
end
local tokens_text = string.format('%.17g', tokens)
local ts_text = string.format('%.17g', ts)

if keep ~= nil and keep < 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'tokens', tokens_text, 'ts', ts_text,
    'capacity', ARGV[1], 'refill', ARGV[2])
  if keep == nil then
    redis.call('PERSIST', KEYS[1])
  else
    -- PEXPIRE takes integer text: a Lua number of 1e18 would be sent as "1e+18".
    redis.call('PEXPIRE', KEYS[1], string.format('%.0f', keep))
  end
end
return { allowed, tokens_text, retry }
