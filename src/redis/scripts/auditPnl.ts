import type { Redis } from 'ioredis';
import { agentKeyList, type AuditAgentKeys } from './auditKeys.js';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('auditPnl');
const reply = new ReplyReader(script.name);

/** The script returns the edge sum as high * EDGE_HIGH + low. */
const EDGE_HIGH = 1_000_000n;

/** How one interval is read (the caller plans it): bounds are Redis score text. */
export interface AuditPnlPlan {
  /** Day buckets [dayLo, dayHi) summed whole. */
  dayLo: number;
  dayHi: number;
  /** ZCOUNT bounds of the whole interval. */
  countMin: string;
  countMax: string;
  /** At most 2 edge intervals read entry by entry: ZRANGEBYSCORE [min, max] pairs. */
  edges: readonly (readonly [string, string])[];
  /** Bucket indexes summed whole at 3600, 60 and 1 s. */
  buckets: readonly [readonly number[], readonly number[], readonly number[]];
}

export interface AuditPnlResult {
  /** Entries in the interval. */
  entries: number;
  /** Their pnl summed exactly, in micro-units. */
  pnlMicro: bigint;
}

/** Sums one agent's P&L over an interval, atomically. */
export async function auditPnl(
  redis: Redis,
  keys: AuditAgentKeys,
  plan: AuditPnlPlan,
): Promise<AuditPnlResult> {
  const args: (string | number)[] = [
    plan.dayLo,
    plan.dayHi,
    plan.countMin,
    plan.countMax,
    plan.edges.length,
    ...plan.edges.flat(),
  ];
  for (const level of plan.buckets) args.push(level.length, ...level);
  const [entries, sums, high, low] = reply.array(
    await script.run(redis, agentKeyList(keys), args),
    'the reply',
    4,
  );
  let pnlMicro =
    reply.bigintText(high, 'the edge sum (high)') * EDGE_HIGH +
    reply.bigintText(low, 'the edge sum (low)');
  for (const sum of reply.array(sums, 'the bucket sums')) {
    pnlMicro += reply.bigintText(sum, 'a bucket sum');
  }
  return { entries: reply.integer(entries, 'the number of entries'), pnlMicro };
}
