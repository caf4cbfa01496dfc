import type { Redis } from 'ioredis';
import {
  agentKeyList,
  timelineMember,
  txField,
  type AuditAgentKeys,
  type AuditBuckets,
} from './auditKeys.js';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('auditTrim');
const reply = new ReplyReader(script.name);

export interface AuditTrimInput {
  /** The audit stream. */
  log: string;
  /** The dedup index: hash (agent, tx_id) field → stream id. */
  txIndex: string;
  /** The dedup index of entries logged before tx_ids were per agent. */
  legacyTxIndex: string;
  /** The oldest entries of the stream, in order, as the caller read them. */
  entries: readonly {
    id: string;
    agentId: string;
    txId: string;
    /** pnl in micro-units. */
    pnlMicro: bigint;
    /** wall_time's bucket indexes. */
    buckets: AuditBuckets;
    keys: AuditAgentKeys;
  }[];
  /** Never trim the stream below this many entries. */
  keep: number;
}

/**
 * Removes the oldest entries with their dedup index entries and their share of the aggregates,
 * atomically; returns how many were removed (0 when the stream no longer starts with them).
 */
export async function auditTrim(redis: Redis, input: AuditTrimInput): Promise<number> {
  const keys = [input.log, input.txIndex, input.legacyTxIndex];
  const args: string[] = [String(input.entries.length)];
  for (const { id, agentId, txId, pnlMicro, buckets, keys: agent } of input.entries) {
    keys.push(...agentKeyList(agent));
    args.push(
      id,
      txField(agentId, txId),
      txId,
      timelineMember(pnlMicro, id),
      (-pnlMicro).toString(),
      ...buckets.map(String),
    );
  }
  args.push(String(input.keep));
  return reply.integer(await script.run(redis, keys, args), 'the number removed');
}
