import type { Redis } from 'ioredis';
import type { Session } from '../../model/Session.js';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { requireSessionView, type SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionStart');
const reply = new ReplyReader(script.name);

export interface SessionStartInput {
  keys: SessionKeys;
  agentId: string;
  startMicro: bigint;
  /** A losing trade that leaves the capital below this (micro-units) halts the session. */
  floorMicro: bigint;
  maxDrawdown: number;
  ttlMs: number;
  changesMaxLen: number;
}

/** Starts the agent's session unless it has one not ended; that session, and whether it is new. */
export async function sessionStart(
  redis: Redis,
  input: SessionStartInput,
): Promise<{ session: Session; created: boolean }> {
  const k = input.keys;
  const values = reply.array(
    await script.run(
      redis,
      [k.session, k.heartbeat, k.txIds, k.deadlines, k.counts, k.changes],
      [
        input.agentId,
        input.startMicro.toString(),
        input.floorMicro.toString(),
        String(input.maxDrawdown),
        String(input.ttlMs),
        String(input.changesMaxLen),
      ],
    ),
    'the reply',
    2,
  );
  return {
    created: reply.integer(values[0], 'the created flag') === 1,
    session: requireSessionView(values[1], reply),
  };
}
