-- The change stream's entry format, Lua side; the TypeScript side, which also parses entries,
-- is src/redis/changeStream.ts and the two are kept equal field for field. A script that appends
-- entries includes this file with the line `--#include lib/changeStream.lua`.
-- One entry per write of memories of one kind: k = the kind, op = CHANGE_OP.*, w = the write
-- token of the writer, ids = the memory ids as a JSON array of strings.
local CHANGE_OP = { upserted = 'u', attributes = 'a', deleted = 'd' }

-- Appends one entry for `ids` (a non-empty array of ids) and trims the stream to about max_len
-- entries; returns the entry's id.
local function append_change(stream, max_len, kind, op, write_token, ids)
  return redis.call('XADD', stream, 'MAXLEN', '~', max_len, '*',
    'k', kind, 'op', op, 'w', write_token, 'ids', cjson.encode(ids))
end
