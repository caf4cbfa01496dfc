import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { decodeOutcome, type SessionOutcome } from './sessionOutcome.js';
import type { SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionResume');
const reply = new ReplyReader(script.name);

/** Resumes a halted session (an active one is returned unchanged; an ended one refused). */
export async function sessionResume(
  redis: Redis,
  keys: SessionKeys,
  agentId: string,
  changesMaxLen: number,
): Promise<SessionOutcome<'ok' | 'ended'>> {
  const raw = await script.run(
    redis,
    [keys.session, keys.heartbeat, keys.deadlines, keys.counts, keys.changes],
    [agentId, String(changesMaxLen)],
  );
  return decodeOutcome(raw, reply, ['ok', 'ended'] as const).result;
}
