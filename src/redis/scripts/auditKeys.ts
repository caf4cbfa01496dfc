/**
 * What the audit scripts (auditAppend, auditTrim, auditPnl) share: the keys of one agent's
 * aggregates, their bucket indexes and the timeline's member format.
 */

/** One agent's aggregates, in the order the scripts take them (5 KEYS). */
export interface AuditAgentKeys {
  /** Sorted set: score wall_time, member `{pnl micro-units}:{stream id}`. */
  timeline: string;
  /** P&L sums (hashes, field = bucket index) of the 86400, 3600, 60 and 1 s buckets. */
  pnl: readonly [string, string, string, string];
}

/** An entry's bucket index at 86400, 3600, 60 and 1 s. */
export type AuditBuckets = readonly [number, number, number, number];

export function agentKeyList(keys: AuditAgentKeys): string[] {
  return [keys.timeline, ...keys.pnl];
}

/** An entry's member of its agent's timeline (auditAppend.lua writes the same). */
export function timelineMember(pnlMicro: bigint, streamId: string): string {
  return `${pnlMicro}:${streamId}`;
}

/**
 * An entry's field in the dedup index: its agent and tx_id, so that two agents' equal tx_ids are
 * distinct; '' for an entry without tx_id (never deduplicated).
 */
export function txField(agentId: string, txId: string): string {
  return txId === '' ? '' : JSON.stringify([agentId, txId]);
}
