/** The domain's trading sessions (SessionService). */

/** A session's status as seen: `stale` is an active session whose heartbeat lapsed. */
export type SessionStatus = 'active' | 'stale' | 'halted' | 'ended';

export const SESSION_STATUSES: readonly SessionStatus[] = ['active', 'stale', 'halted', 'ended'];

/** What changed a session (a WatchSessions message). */
export type SessionEvent =
  'started' | 'trade' | 'halted' | 'resumed' | 'stale' | 'revived' | 'ended';

export interface Session {
  agentId: string;
  startCapital: number;
  currentCapital: number;
  totalPnl: number;
  trades: number;
  /** Fraction of startCapital in (0, 1]. */
  maxDrawdown: number;
  status: SessionStatus;
  /** Unix seconds (Redis server clock). */
  startedAt: number;
  /** Unix seconds (Redis server clock). */
  lastHeartbeat: number;
  ttlMs: number;
}

/** One change of a session, as WatchSessions delivers it. */
export interface SessionChange {
  /** Its id in the changes stream. */
  id: string;
  event: SessionEvent;
  session: Session;
}

/**
 * The alert a session's halt raises, published as JSON on `{prefix}alerts:{agent_id}`:
 * `{"agent_id", "reason": "drawdown", "drawdown", "max_drawdown", "current_capital", "ts"}`,
 * drawdown = (start_capital - current_capital) / start_capital, ts in unix seconds.
 */
export interface SessionAlert {
  agentId: string;
  reason: 'drawdown';
  drawdown: number;
  maxDrawdown: number;
  currentCapital: number;
  /** Unix seconds. */
  ts: number;
}

/**
 * An alert's JSON payload, the one format subscribers read:
 * `{"agent_id","reason","drawdown","max_drawdown","current_capital","ts"}` (ts: unix seconds).
 */
export function alertPayload(alert: SessionAlert): string {
  return JSON.stringify({
    agent_id: alert.agentId,
    reason: alert.reason,
    drawdown: alert.drawdown,
    max_drawdown: alert.maxDrawdown,
    current_capital: alert.currentCapital,
    ts: alert.ts,
  });
}
