import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import type { SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionMarkStale');
const reply = new ReplyReader(script.name);

/**
 * Notes once that an active session's heartbeat lapsed (a 'stale' change); whether this call
 * noted it (false when it is live, already noted, or not active).
 */
export async function sessionMarkStale(
  redis: Redis,
  keys: SessionKeys,
  agentId: string,
  changesMaxLen: number,
): Promise<boolean> {
  const raw = await script.run(
    redis,
    [keys.session, keys.heartbeat, keys.deadlines, keys.changes],
    [agentId, String(changesMaxLen)],
  );
  return reply.integer(raw, 'the noted flag') === 1;
}
