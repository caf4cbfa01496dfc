import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';
import { decodeOutcome, type SessionOutcome } from './sessionOutcome.js';
import type { SessionKeys } from './sessionView.js';

const script = new LuaScript('sessionTrade');
const reply = new ReplyReader(script.name);

export interface SessionTradeInput {
  keys: SessionKeys;
  agentId: string;
  pnlMicro: bigint;
  /** '' = none (never a duplicate). */
  txId: string;
  /** How many tx_ids a session remembers. */
  txRetention: number;
  changesMaxLen: number;
}

export type SessionTradeResult =
  | SessionOutcome<'duplicate' | 'halted' | 'ended' | 'overflow'>
  | (SessionOutcome<'recorded'> & {
      /** The drawdown is above the limit after the trade. */
      overDrawdown: boolean;
      /** This trade halted the session. */
      haltedNow: boolean;
    });

/** Records one trade atomically with its dedup and drawdown checks. */
export async function sessionTrade(
  redis: Redis,
  input: SessionTradeInput,
): Promise<SessionTradeResult> {
  const k = input.keys;
  const raw = await script.run(
    redis,
    [k.session, k.heartbeat, k.txIds, k.deadlines, k.counts, k.changes],
    [
      input.agentId,
      input.pnlMicro.toString(),
      input.txId,
      String(input.txRetention),
      String(input.changesMaxLen),
    ],
  );
  const { result, rest } = decodeOutcome(raw, reply, [
    'recorded',
    'duplicate',
    'halted',
    'ended',
    'overflow',
  ] as const);
  if (result.outcome !== 'recorded') return result as SessionTradeResult;
  return {
    ...result,
    outcome: 'recorded',
    overDrawdown: reply.integer(rest[0], 'the over-drawdown flag') === 1,
    haltedNow: reply.integer(rest[1], 'the halted flag') === 1,
  };
}
