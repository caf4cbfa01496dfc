import type { Redis } from 'ioredis';
import type { AuditEntry } from '../../model/AuditEntry.js';
import { agentKeyList, txField, type AuditAgentKeys, type AuditBuckets } from './auditKeys.js';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('auditAppend');
const reply = new ReplyReader(script.name);

export interface AuditAppendInput {
  /** The audit stream. */
  log: string;
  /** The dedup index: hash (agent, tx_id) field → stream id. */
  txIndex: string;
  /** The dedup index of entries logged before tx_ids were per agent (read only). */
  legacyTxIndex: string;
  entries: readonly {
    /** Written as it is (a wall_time of 0 is written as 0). */
    entry: AuditEntry;
    /** pnl in micro-units. */
    pnlMicro: bigint;
    /** wall_time's bucket indexes. */
    buckets: AuditBuckets;
    keys: AuditAgentKeys;
  }[];
}

export interface AuditAppendResult {
  /** Per entry in order: its stream id (the original's for a duplicate tx_id). */
  appended: { id: string; duplicate: boolean }[];
  /** The stream's length after the append. */
  length: number;
}

/**
 * Appends entries in order, each atomically with its dedup check and its agent's aggregates; an
 * entry whose agent already logged its tx_id is a duplicate and writes nothing.
 */
export async function auditAppend(
  redis: Redis,
  input: AuditAppendInput,
): Promise<AuditAppendResult> {
  const keys = [input.log, input.txIndex, input.legacyTxIndex];
  const args: string[] = [String(input.entries.length)];
  for (const { entry, pnlMicro, buckets, keys: agent } of input.entries) {
    keys.push(...agentKeyList(agent));
    args.push(
      entry.agentId,
      entry.action,
      entry.market,
      String(entry.amount),
      entry.status,
      entry.txId,
      String(entry.pnl),
      String(entry.wallTime),
      entry.meta,
      pnlMicro.toString(),
      ...buckets.map(String),
      txField(entry.agentId, entry.txId),
    );
  }
  const values = reply.array(
    await script.run(redis, keys, args),
    'the reply',
    2 * input.entries.length + 1,
  );
  const appended: AuditAppendResult['appended'] = [];
  for (let i = 0; i < input.entries.length; i++) {
    appended.push({
      id: reply.string(values[2 * i], 'a stream id'),
      duplicate: reply.integer(values[2 * i + 1], 'a duplicate flag') === 1,
    });
  }
  return { appended, length: reply.integer(values[values.length - 1], 'the length') };
}
