import type { Session, SessionChange, SessionStatus } from '../../model/Session.js';
import { invalidArgument, quote } from '../../model/errors.js';
import type { Session as WireSession } from '../../generated/mnemo/v1/Session.js';
import type { SessionEvent as WireEvent } from '../../generated/mnemo/v1/SessionEvent.js';
import type { SessionStatus__Output as WireStatus } from '../../generated/mnemo/v1/SessionStatus.js';
import type { SessionServiceListSessionsRequest__Output } from '../../generated/mnemo/v1/SessionServiceListSessionsRequest.js';
import type { SessionServiceRecordTradeRequest__Output } from '../../generated/mnemo/v1/SessionServiceRecordTradeRequest.js';
import type { SessionServiceStartSessionRequest__Output } from '../../generated/mnemo/v1/SessionServiceStartSessionRequest.js';
import type { SessionServiceWatchSessionsRequest__Output } from '../../generated/mnemo/v1/SessionServiceWatchSessionsRequest.js';
import type { StartInput, TradeInput, WatchQuery } from '../../services/session/SessionService.js';
import type { SessionServiceWatchSessionsResponse } from '../../generated/mnemo/v1/SessionServiceWatchSessionsResponse.js';

/** Limits the session decoders enforce, from the service configuration. */
export interface SessionLimits {
  /** Most sessions in one ListSessions page (and agent ids in one watch filter). */
  maxBatch: number;
  /** ttl_ms of a session started with 0. */
  sessionTtlMs: number;
  /** Largest ttl_ms / interval_ms. */
  sessionMaxTtlMs: number;
}

const MAX_ID_BYTES = 256;
/** Largest start capital and |pnl| of one trade: micro-unit sums stay far inside int64. */
export const MAX_AMOUNT = 1e9;
const DEFAULT_PAGE_SIZE = 100;
const STREAM_ID = /^\d{1,20}(?:-\d{1,20})?$/;

/** A required id of at most MAX_ID_BYTES bytes. */
export function requiredId(field: string, value: string): string {
  if (value.length === 0) throw invalidArgument(field, 'is required');
  return boundedText(field, value);
}

function boundedText(field: string, value: string): string {
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_ID_BYTES) {
    throw invalidArgument(field, `is ${bytes} bytes, at most ${MAX_ID_BYTES} are allowed`);
  }
  return value;
}

function interval(field: string, value: number, limits: SessionLimits): number {
  if (value > limits.sessionMaxTtlMs) {
    throw invalidArgument(
      field,
      `must be at most ${limits.sessionMaxTtlMs} ms (0 = the default), got ${quote(value)}`,
    );
  }
  return value;
}

export function decodeStart(
  request: SessionServiceStartSessionRequest__Output,
  limits: SessionLimits,
): StartInput {
  const agentId = requiredId('agent_id', request.agent_id);
  const capital = request.start_capital;
  if (!Number.isFinite(capital) || capital <= 0 || capital > MAX_AMOUNT) {
    throw invalidArgument(
      'start_capital',
      `must be a finite number above 0 and at most ${MAX_AMOUNT}, got ${quote(capital)}`,
    );
  }
  // Below a micro-unit the capital would be 0 once rounded.
  if (capital < 1e-6) throw invalidArgument('start_capital', 'must be at least 0.000001');
  const drawdown = request.max_drawdown;
  if (!Number.isFinite(drawdown) || drawdown <= 0 || drawdown > 1) {
    throw invalidArgument('max_drawdown', `must be in (0, 1], got ${quote(drawdown)}`);
  }
  const ttl = interval('ttl_ms', request.ttl_ms, limits);
  return {
    agentId,
    startCapital: capital,
    maxDrawdown: drawdown,
    ttlMs: ttl === 0 ? limits.sessionTtlMs : ttl,
  };
}

export function decodeHeartbeat(
  request: { agent_id: string; interval_ms: number },
  limits: SessionLimits,
): { agentId: string; intervalMs: number } {
  return {
    agentId: requiredId('agent_id', request.agent_id),
    intervalMs: interval('interval_ms', request.interval_ms, limits),
  };
}

export function decodeTrade(request: SessionServiceRecordTradeRequest__Output): TradeInput {
  const agentId = requiredId('agent_id', request.agent_id);
  const pnl = request.pnl;
  if (!Number.isFinite(pnl) || Math.abs(pnl) > MAX_AMOUNT) {
    throw invalidArgument(
      'pnl',
      `must be a finite number of magnitude at most ${MAX_AMOUNT}, got ${quote(pnl)}`,
    );
  }
  return { agentId, pnl, txId: boundedText('tx_id', request.tx_id) };
}

const STATUS_OF_WIRE: Readonly<Record<WireStatus, SessionStatus | null>> = {
  SESSION_STATUS_UNSPECIFIED: null,
  SESSION_STATUS_ACTIVE: 'active',
  SESSION_STATUS_STALE: 'stale',
  SESSION_STATUS_HALTED: 'halted',
  SESSION_STATUS_ENDED: 'ended',
};

const WIRE_STATUS: Readonly<Record<SessionStatus, WireStatus>> = {
  active: 'SESSION_STATUS_ACTIVE',
  stale: 'SESSION_STATUS_STALE',
  halted: 'SESSION_STATUS_HALTED',
  ended: 'SESSION_STATUS_ENDED',
};

const WIRE_EVENT: Readonly<Record<SessionChange['event'], WireEvent>> = {
  started: 'SESSION_EVENT_STARTED',
  trade: 'SESSION_EVENT_TRADE',
  halted: 'SESSION_EVENT_HALTED',
  resumed: 'SESSION_EVENT_RESUMED',
  stale: 'SESSION_EVENT_STALE',
  revived: 'SESSION_EVENT_REVIVED',
  ended: 'SESSION_EVENT_ENDED',
};

export function decodeList(
  request: SessionServiceListSessionsRequest__Output,
  limits: SessionLimits,
): { status: SessionStatus | null; pageSize: number } {
  const status = STATUS_OF_WIRE[request.status];
  if (status === undefined) {
    throw invalidArgument('status', `${quote(request.status)} is not a session status`);
  }
  if (request.page_size > limits.maxBatch) {
    throw invalidArgument(
      'page_size',
      `must be at most ${limits.maxBatch}, got ${quote(request.page_size)}`,
    );
  }
  const pageSize =
    request.page_size === 0 ? Math.min(DEFAULT_PAGE_SIZE, limits.maxBatch) : request.page_size;
  return { status, pageSize };
}

export function decodeWatch(
  request: SessionServiceWatchSessionsRequest__Output,
  limits: SessionLimits,
): WatchQuery {
  if (request.agent_ids.length > limits.maxBatch) {
    throw invalidArgument('agent_ids', `may hold at most ${limits.maxBatch} agents`);
  }
  request.agent_ids.forEach((id, i) => requiredId(`agent_ids[${i}]`, id));
  const after = request.after_id;
  if (after !== '' && after !== '$' && !STREAM_ID.test(after)) {
    throw invalidArgument('after_id', `${quote(after)} is not a stream id (ms or ms-seq)`);
  }
  return {
    afterId: after === '' || after === '$' ? null : after,
    agentIds: request.agent_ids.length === 0 ? null : [...new Set(request.agent_ids)],
  };
}

export function encodeSession(session: Session): WireSession {
  return {
    agent_id: session.agentId,
    start_capital: session.startCapital,
    current_capital: session.currentCapital,
    total_pnl: session.totalPnl,
    trades: session.trades,
    max_drawdown: session.maxDrawdown,
    status: WIRE_STATUS[session.status],
    started_at: session.startedAt,
    last_heartbeat: session.lastHeartbeat,
    ttl_ms: session.ttlMs,
  };
}

export function encodeChange(change: SessionChange): SessionServiceWatchSessionsResponse {
  return { id: change.id, event: WIRE_EVENT[change.event], session: encodeSession(change.session) };
}
