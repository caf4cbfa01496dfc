import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { decodeOutcome, type SessionOutcome } from './sessionOutcome.js';
import type { SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionHeartbeat');
const reply = new ReplyReader(script.name);

/** Refreshes the session's heartbeat for `intervalMs` (0: its ttl); refuses an ended session. */
export async function sessionHeartbeat(
  redis: Redis,
  keys: SessionKeys,
  agentId: string,
  intervalMs: number,
  changesMaxLen: number,
): Promise<SessionOutcome<'ok' | 'ended'>> {
  const raw = await script.run(
    redis,
    [keys.session, keys.heartbeat, keys.deadlines, keys.changes],
    [agentId, String(intervalMs), String(changesMaxLen)],
  );
  return decodeOutcome(raw, reply, ['ok', 'ended'] as const).result;
}
