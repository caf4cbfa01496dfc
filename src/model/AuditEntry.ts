/** One action of one agent, as logged in the audit stream (the design's stream schema). */
export interface AuditEntry {
  agentId: string;
  action: string;
  market: string;
  amount: number;
  status: string;
  /** Idempotency key; empty means none. */
  txId: string;
  pnl: number;
  /** Unix seconds. */
  wallTime: number;
  /** JSON text; empty means none. */
  meta: string;
}

/** A logged entry with its stream id (`ms-seq`). */
export interface AuditRecord {
  id: string;
  entry: AuditEntry;
}
