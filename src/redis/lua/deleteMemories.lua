-- Deletes memory hashes and records one change-stream entry for those that existed, atomically.
-- KEYS[1]   change stream
-- KEYS[2..] memory hashes
-- ARGV[1]   change stream MAXLEN (approximate)
-- ARGV[2]   memory kind
-- ARGV[3]   write token of the calling instance
-- ARGV[4..] memory ids, in the order of KEYS[2..]
-- Returns   { number deleted, stream id or false }
local deleted = {}
for i = 2, #KEYS do
  if redis.call('DEL', KEYS[i]) == 1 then
    deleted[#deleted + 1] = ARGV[i + 2]
  end
end
local id = false
if #deleted > 0 then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
    'k', ARGV[2], 'op', 'd', 'w', ARGV[3], 'ids', cjson.encode(deleted))
end
return { #deleted, id }
