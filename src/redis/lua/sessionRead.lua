-- Reads sessions with their liveness, in one step.
-- KEYS      per session, 2 keys: the session hash, its heartbeat key
-- Returns   per session its view (lib/session.lua): an empty list when there is none
--#include lib/session.lua
local out = {}
for i = 1, #KEYS, 2 do
  out[#out + 1] = session_view(KEYS[i], KEYS[i + 1])
end
return out
