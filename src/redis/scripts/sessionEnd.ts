import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { decodeOutcome, type SessionOutcome } from './sessionOutcome.js';
import type { SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionEnd');
const reply = new ReplyReader(script.name);

/** Ends the session (an ended one is returned unchanged). */
export async function sessionEnd(
  redis: Redis,
  keys: SessionKeys,
  agentId: string,
  changesMaxLen: number,
): Promise<SessionOutcome<'ok'>> {
  const raw = await script.run(
    redis,
    [keys.session, keys.heartbeat, keys.deadlines, keys.counts, keys.changes],
    [agentId, String(changesMaxLen)],
  );
  return decodeOutcome(raw, reply, ['ok'] as const).result;
}
