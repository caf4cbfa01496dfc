/**
 * What the session scripts share, TypeScript side (the Lua side is lua/lib/session.lua): the
 * keys of one session, and the decoding of a session's view (its hash as a flat field/value
 * list, then `seen` and its status as seen) into a Session.
 */
import { fromMicroUnits } from '../../model/microUnits.js';
import {
  SESSION_STATUSES,
  type Session,
  type SessionEvent,
  type SessionStatus,
} from '../../model/Session.js';
import type { ReplyReader } from './reply.js';

/** The keys a session script touches, for one agent. */
export interface SessionKeys {
  /** The session hash. */
  session: string;
  /** Its heartbeat key (expires). */
  heartbeat: string;
  /** Its recorded tx_ids (zset). */
  txIds: string;
  /** Heartbeat deadlines of every active session (zset). */
  deadlines: string;
  /** Session counts by stored status (hash). */
  counts: string;
  /** The changes stream. */
  changes: string;
}

const EVENTS: readonly SessionEvent[] = [
  'started',
  'trade',
  'halted',
  'resumed',
  'stale',
  'revived',
  'ended',
];

/** A flat field/value list as a map. */
function fields(flat: readonly unknown[], reply: ReplyReader): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    map.set(reply.string(flat[i], 'a field'), reply.string(flat[i + 1], 'a value'));
  }
  return map;
}

/** A session from its fields; `status` is the status as seen. */
function sessionOf(map: Map<string, string>, reply: ReplyReader): Session {
  const text = (name: string): string => map.get(name) ?? reply.fail(`the session lacks ${name}`);
  const micro = (name: string): number => {
    const value = text(name);
    if (!/^-?\d+$/.test(value)) reply.fail(`the session's ${name} is not integer text`);
    return fromMicroUnits(BigInt(value));
  };
  const seen = text('seen');
  if (!SESSION_STATUSES.includes(seen as SessionStatus)) reply.fail(`status ${seen} is unknown`);
  return {
    agentId: text('agent_id'),
    startCapital: micro('start_micro'),
    currentCapital: micro('capital_micro'),
    totalPnl: micro('pnl_micro'),
    trades: Number(text('trades')),
    maxDrawdown: Number(text('max_drawdown')),
    status: seen as SessionStatus,
    startedAt: Number(text('started_ms')) / 1000,
    lastHeartbeat: Number(text('heartbeat_ms')) / 1000,
    ttlMs: Number(text('ttl_ms')),
  };
}

/** A session's view as a Session, or null for an empty view (no session). */
export function decodeSessionView(value: unknown, reply: ReplyReader): Session | null {
  const flat = reply.array(value, 'a session view');
  if (flat.length === 0) return null;
  return sessionOf(fields(flat, reply), reply);
}

/** A view that must hold a session. */
export function requireSessionView(value: unknown, reply: ReplyReader): Session {
  return decodeSessionView(value, reply) ?? reply.fail('the session view is empty');
}

/** A changes stream entry's fields (`event`, then a session's view) as its event and session. */
export function decodeSessionChange(
  flat: readonly string[],
  reply: ReplyReader,
): { event: SessionEvent; session: Session } {
  const map = fields(flat, reply);
  const event = map.get('event') ?? '';
  if (!EVENTS.includes(event as SessionEvent)) reply.fail(`event ${event} is unknown`);
  return { event: event as SessionEvent, session: sessionOf(map, reply) };
}
