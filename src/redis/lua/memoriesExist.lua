-- Which of the given memory hashes exist, in one round trip and one reply string (what the
-- reconciliation asks of every memory the index holds, so its cost per memory stays small).
-- KEYS[1..n] memory hashes
-- Returns    a string of n characters: '1' where KEYS[i] exists, '0' where it does not
local found = {}
for i = 1, #KEYS do
  found[i] = redis.call('EXISTS', KEYS[i]) == 1 and '1' or '0'
end
return table.concat(found)
