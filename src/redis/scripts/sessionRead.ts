import type { Redis } from 'ioredis';
import type { Session } from '../../model/Session.js';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { decodeSessionView } from './sessionView.js';

const script = new LuaScript('sessionRead');
const reply = new ReplyReader(script.name);

/** Reads sessions (hash and heartbeat key of each) in one step; null where there is none. */
export async function sessionRead(
  redis: Redis,
  sessions: readonly { session: string; heartbeat: string }[],
): Promise<(Session | null)[]> {
  if (sessions.length === 0) return [];
  const keys = sessions.flatMap((s) => [s.session, s.heartbeat]);
  const values = reply.array(await script.run(redis, keys, []), 'the reply', sessions.length);
  return values.map((value) => decodeSessionView(value, reply));
}
