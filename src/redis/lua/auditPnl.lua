-- Sums one agent's P&L over a wall_time interval, atomically: whole buckets from the bucket
-- sums, the partial edges entry by entry from the timeline. The caller plans the decomposition.
-- KEYS[1]   the agent's timeline (zset: score wall_time, member "{pnl micro-units}:{stream id}")
-- KEYS[2..5] its P&L hashes of 86400, 3600, 60 and 1 s buckets (field = bucket index)
-- ARGV[1], ARGV[2]  day bucket indexes [lo, hi) summed whole
-- ARGV[3], ARGV[4]  ZCOUNT bounds of the whole interval (the number of entries)
-- ARGV[5]           r, the number of edge intervals (0..2), then r pairs of ZRANGEBYSCORE bounds
-- then, for each of the 3600, 60 and 1 s hashes: m, then m bucket indexes summed whole
-- Returns   { entries, { whole-bucket sums as integer text },
--             edge sum = high * 1e6 + low, high as integer text, low as integer text }
local entries = redis.call('ZCOUNT', KEYS[1], ARGV[3], ARGV[4])
local sums = {}

local day_lo = tonumber(ARGV[1])
local day_hi = tonumber(ARGV[2])
local days = redis.call('HGETALL', KEYS[2])
for i = 1, #days, 2 do
  local day = tonumber(days[i])
  if day >= day_lo and day < day_hi then
    sums[#sums + 1] = days[i + 1]
  end
end

local p = 5
local high = 0
local low = 0
local r = tonumber(ARGV[p])
for _ = 1, r do
  local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[p + 1], ARGV[p + 2])
  for j = 1, #members do
    local micro = tonumber(string.match(members[j], '^(-?%d+):'))
    local h = math.floor(micro / 1000000)
    local l = micro - h * 1000000
    if l < 0 then
      h = h - 1
      l = l + 1000000
    elseif l >= 1000000 then
      h = h + 1
      l = l - 1000000
    end
    high = high + h
    low = low + l
  end
  p = p + 2
end

for level = 3, 5 do
  p = p + 1
  local m = tonumber(ARGV[p])
  if m > 0 then
    local values = redis.call('HMGET', KEYS[level], unpack(ARGV, p + 1, p + m))
    for j = 1, m do
      if values[j] then
        sums[#sums + 1] = values[j]
      end
    end
  end
  p = p + m
end

return { entries, sums, string.format('%.0f', high), string.format('%.0f', low) }
