import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../../metrics/metrics.js';
import { DomainError, failedPrecondition, unavailable } from '../../model/errors.js';
import { toMicroUnits } from '../../model/microUnits.js';
import type { Session, SessionAlert, SessionChange, SessionStatus } from '../../model/Session.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { ReplyReader } from '../../redis/scripts/reply.js';
import { sessionEnd } from '../../redis/scripts/sessionEnd.js';
import { sessionHeartbeat } from '../../redis/scripts/sessionHeartbeat.js';
import { sessionMarkStale } from '../../redis/scripts/sessionMarkStale.js';
import type { SessionOutcome } from '../../redis/scripts/sessionOutcome.js';
import { sessionRead } from '../../redis/scripts/sessionRead.js';
import { sessionResume } from '../../redis/scripts/sessionResume.js';
import { sessionStart } from '../../redis/scripts/sessionStart.js';
import { sessionTrade } from '../../redis/scripts/sessionTrade.js';
import { decodeSessionChange, type SessionKeys } from '../../redis/scripts/sessionView.js';
import { followStream } from '../../redis/followStream.js';

/**
 * Where a halted session's alert goes (a port: the app wires a publisher; services never import
 * each other): the app publishes it as a durable signal on `alerts:{agent_id}`, its payload
 * `alertPayload` (src/model/Session.ts).
 */
export interface AlertPublisher {
  publishAlert(agentId: string, alert: SessionAlert): Promise<void>;
}

export interface SessionOptions {
  /** How many tx_ids a session remembers for dedup (its last trades'). */
  txRetention: number;
  /** Approximate cap of the changes stream. */
  changesMaxLen: number;
  /** How often lapsed heartbeats are looked for (0: never; stale is still seen on reads). */
  sweepIntervalMs: number;
  /** Most lapsed sessions one sweep notes. */
  sweepBatch: number;
  /** How long one blocking read of a watch waits before it is issued again. */
  watchBlockMs: number;
  /** Most changes one blocking read of a watch returns. */
  watchReadCount: number;
}

export interface StartInput {
  agentId: string;
  startCapital: number;
  maxDrawdown: number;
  ttlMs: number;
}

export interface TradeInput {
  agentId: string;
  pnl: number;
  /** '' = none. */
  txId: string;
}

export interface TradeResult {
  session: Session;
  overDrawdown: boolean;
  duplicate: boolean;
}

export interface ListQuery {
  /** null = every status. */
  status: SessionStatus | null;
  /** Only these agents' sessions; null = every agent. */
  agentIds: readonly string[] | null;
  pageSize: number;
}

/** Where a list page starts: a SCAN cursor and digests of the sessions its batch has given. */
export interface ListPosition {
  cursor: string;
  given: string[];
}

export interface ListPage {
  sessions: Session[];
  next: ListPosition | null;
}

export interface WatchQuery {
  /** Follow changes after this id; null = only changes from now on. */
  afterId: string | null;
  /** Only these agents' changes; null = every agent. */
  agentIds: readonly string[] | null;
}

const reply = new ReplyReader('sessions:changes');
/** SCAN COUNT of a list, and the most SCAN calls one list call makes before a short page. */
const SCAN_COUNT = 100;
const MAX_SCAN_CALLS = 100;

function notFound(): DomainError {
  return new DomainError('not_found', 'agent_id: the agent has no session', undefined, {
    field: 'agent_id',
    reason: 'SESSION_NOT_FOUND',
  });
}

function refused(status: 'halted' | 'ended'): DomainError {
  return status === 'halted'
    ? failedPrecondition(
        'agent_id',
        'the session is halted by its drawdown limit; an admin must ResumeSession',
        'SESSION_HALTED',
      )
    : failedPrecondition('agent_id', 'the session has ended', 'SESSION_ENDED');
}

type Found<Word extends string> = Exclude<SessionOutcome<Word>, { outcome: 'missing' }>;

function found<Word extends string>(result: SessionOutcome<Word>): Found<Word> {
  if (result.outcome === 'missing') throw notFound();
  return result as Found<Word>;
}

/** A short digest of a key, for list positions (FNV-1a, two seeds). */
function keyDigest(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x811c9dc5) >>> 0;
  }
  return a.toString(36) + b.toString(36);
}

/** (start_capital - current_capital) / start_capital. */
export function drawdownOf(session: Session): number {
  return (session.startCapital - session.currentCapital) / session.startCapital;
}

/**
 * Agents' trading sessions in Redis, one per agent: every change is one Lua script (atomic with
 * its checks and with its entry in the changes stream); reads are scripts too (a session with
 * its liveness). Inputs are validated by the transport codec.
 *
 * Heartbeat lapses are not writes: every instance sweeps the deadlines zset every
 * sweepIntervalMs and notes each lapsed session once (sessionMarkStale is idempotent across
 * instances), which appends the STALE change watchers see. Reads see STALE at once, from the
 * heartbeat key's absence.
 */
export class SessionService {
  private readonly closing = new AbortController();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  /** The last sweep failure logged: a failure repeating every sweep is logged once. */
  private lastSweepFailure = '';

  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
    private readonly watchPool: Pool<Redis>,
    private readonly alerts: AlertPublisher,
    private readonly log: Logger,
    private readonly options: SessionOptions,
  ) {}

  /** Starts the periodic sweep of lapsed heartbeats (once). */
  start(): void {
    if (this.sweepTimer !== undefined || this.options.sweepIntervalMs === 0) return;
    this.sweepTimer = setInterval(() => {
      this.sweep().then(
        () => {
          this.lastSweepFailure = '';
        },
        (error: unknown) => {
          const failure = error instanceof Error ? error.message : String(error);
          if (failure !== this.lastSweepFailure) {
            this.log.warn({ err: error }, 'session heartbeat sweep failed (logged once in a row)');
          }
          this.lastSweepFailure = failure;
        },
      );
    }, this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async startSession(input: StartInput): Promise<{ session: Session; created: boolean }> {
    const startMicro = toMicroUnits(input.startCapital);
    // A losing trade leaving the capital below the floor halts: drawdown > max_drawdown.
    const floorMicro = startMicro - toMicroUnits(input.startCapital * input.maxDrawdown);
    return this.redis.replicatedWrite((redis) =>
      sessionStart(redis, {
        keys: this.sessionKeys(input.agentId),
        agentId: input.agentId,
        startMicro,
        floorMicro,
        maxDrawdown: input.maxDrawdown,
        ttlMs: input.ttlMs,
        changesMaxLen: this.options.changesMaxLen,
      }),
    );
  }

  async getSession(agentId: string): Promise<Session> {
    const [session] = await this.redis.master((redis) =>
      sessionRead(redis, [this.sessionKeys(agentId)]),
    );
    if (session === null || session === undefined) throw notFound();
    return session;
  }

  async endSession(agentId: string): Promise<Session> {
    const result = await this.redis.replicatedWrite((redis) =>
      sessionEnd(redis, this.sessionKeys(agentId), agentId, this.options.changesMaxLen),
    );
    return found(result).session;
  }

  async heartbeat(agentId: string, intervalMs: number): Promise<Session> {
    const result = found(
      await this.redis.replicatedWrite((redis) =>
        sessionHeartbeat(
          redis,
          this.sessionKeys(agentId),
          agentId,
          intervalMs,
          this.options.changesMaxLen,
        ),
      ),
    );
    if (result.outcome === 'ended') throw refused('ended');
    return result.session;
  }

  async recordTrade(input: TradeInput): Promise<TradeResult> {
    const result = await this.redis.replicatedWrite((redis) =>
      sessionTrade(redis, {
        keys: this.sessionKeys(input.agentId),
        agentId: input.agentId,
        pnlMicro: toMicroUnits(input.pnl),
        txId: input.txId,
        txRetention: this.options.txRetention,
        changesMaxLen: this.options.changesMaxLen,
      }),
    );
    switch (result.outcome) {
      case 'missing':
        throw notFound();
      case 'duplicate':
        metrics.sessionTrades.inc({ result: 'duplicate' });
        return {
          session: result.session,
          overDrawdown: drawdownOf(result.session) > result.session.maxDrawdown,
          duplicate: true,
        };
      case 'halted':
      case 'ended':
        metrics.sessionTrades.inc({ result: `rejected_${result.outcome}` });
        throw refused(result.outcome);
      case 'overflow':
        metrics.sessionTrades.inc({ result: 'rejected_overflow' });
        throw failedPrecondition('pnl', 'the session total would overflow', 'SESSION_OVERFLOW');
      case 'recorded':
        metrics.sessionTrades.inc({ result: 'recorded' });
        if (result.haltedNow) {
          metrics.sessionHalts.inc();
          await this.alert(result.session);
        }
        return { session: result.session, overDrawdown: result.overDrawdown, duplicate: false };
    }
  }

  async resumeSession(agentId: string): Promise<Session> {
    const result = found(
      await this.redis.replicatedWrite((redis) =>
        sessionResume(redis, this.sessionKeys(agentId), agentId, this.options.changesMaxLen),
      ),
    );
    if (result.outcome === 'ended') throw refused('ended');
    return result.session;
  }

  /**
   * One page of sessions by SCAN over the session hashes (never KEYS), of a status; of some
   * agents (a confined token's), read directly.
   * A page holds at most pageSize sessions; it may be shorter (a scan budget per call) and still
   * have a next one. A session present throughout the listing is listed exactly once: when a
   * SCAN batch overflows the page, the next page scans that batch again and skips what was given.
   */
  async listSessions(query: ListQuery, position: ListPosition | null): Promise<ListPage> {
    if (query.agentIds !== null) return this.listAgents(query, query.agentIds, position);
    const pattern = this.keys.sessionPattern();
    const sessions: Session[] = [];
    let cursor = position?.cursor ?? '0';
    let given = new Set(position?.given ?? []);
    let calls = 0;
    for (;;) {
      const from = cursor;
      const [next, keys] = await this.redis.master((redis) =>
        redis.scan(from, 'MATCH', pattern, 'COUNT', SCAN_COUNT),
      );
      calls++;
      const fresh: { key: string; agentId: string }[] = [];
      for (const key of [...new Set(keys)].sort()) {
        const agentId = this.keys.sessionOf(key);
        if (agentId === null || given.has(keyDigest(key))) continue;
        fresh.push({ key, agentId });
      }
      const read = await this.redis.master((redis) =>
        sessionRead(
          redis,
          fresh.map((item) => this.sessionKeys(item.agentId)),
        ),
      );
      const matching: { key: string; session: Session }[] = [];
      read.forEach((session, i) => {
        const item = fresh[i];
        if (session === null || item === undefined) return;
        if (query.status !== null && session.status !== query.status) return;
        matching.push({ key: item.key, session });
      });
      const room = query.pageSize - sessions.length;
      if (matching.length > room) {
        const taken = matching.slice(0, room);
        sessions.push(...taken.map((m) => m.session));
        for (const m of taken) given.add(keyDigest(m.key));
        return { sessions, next: { cursor: from, given: [...given] } };
      }
      sessions.push(...matching.map((m) => m.session));
      cursor = next;
      given = new Set();
      if (cursor === '0') return { sessions, next: null };
      if (sessions.length === query.pageSize || calls >= MAX_SCAN_CALLS) {
        return { sessions, next: { cursor, given: [] } };
      }
    }
  }

  /**
   * A page of the sessions of some agents (a token's: a few), read directly in agent id order
   * rather than scanned for; the position's cursor is the index of the next agent.
   */
  private async listAgents(
    query: ListQuery,
    agentIds: readonly string[],
    position: ListPosition | null,
  ): Promise<ListPage> {
    const agents = [...new Set(agentIds)].sort();
    const sessions: Session[] = [];
    let index = Number(position?.cursor ?? '0');
    while (index < agents.length && sessions.length < query.pageSize) {
      const batch = agents.slice(index, index + query.pageSize - sessions.length);
      const read = await this.redis.master((redis) =>
        sessionRead(
          redis,
          batch.map((agentId) => this.sessionKeys(agentId)),
        ),
      );
      for (const session of read) {
        if (session === null) continue;
        if (query.status !== null && session.status !== query.status) continue;
        sessions.push(session);
      }
      index += batch.length;
    }
    return {
      sessions,
      next: index < agents.length ? { cursor: String(index), given: [] } : null,
    };
  }

  /**
   * Follows the changes stream: delivers every change after `afterId` (or from now on) in order,
   * until `signal` aborts or the service closes. Like audit tails, each watch holds one pooled
   * blocking connection (refused RESOURCE_EXHAUSTED when none is free); cancelling destroys it.
   */
  async watch(
    query: WatchQuery,
    signal: AbortSignal,
    deliver: (change: SessionChange) => Promise<void>,
  ): Promise<void> {
    if (this.closing.signal.aborted) throw unavailable('the server is shutting down', 1000);
    const follow = {
      pool: this.watchPool,
      stream: this.keys.sessionChanges(),
      after: query.afterId,
      readCount: this.options.watchReadCount,
      blockMs: this.options.watchBlockMs,
      stop: AbortSignal.any([signal, this.closing.signal]),
      name: 'watch',
      log: this.log,
    };
    await followStream(follow, async (id, flat) => {
      const change = decodeSessionChange(flat, reply);
      if (query.agentIds === null || query.agentIds.includes(change.session.agentId)) {
        await deliver({ id, ...change });
      }
    });
    if (this.closing.signal.aborted && !signal.aborted) {
      throw unavailable('the server is shutting down; resume the watch after the last id seen');
    }
  }

  /**
   * Notes the sessions whose heartbeat deadline passed (one STALE change each, once across
   * instances) and refreshes the sessions gauge; how many this call noted.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const deadlines = this.keys.sessionDeadlines();
    const now = Date.now();
    const due = await this.redis.master((redis) =>
      redis.zrangebyscore(deadlines, 0, now, 'LIMIT', 0, this.options.sweepBatch),
    );
    let noted = 0;
    for (const agentId of due) {
      const marked = await this.redis.replicatedWrite((redis) =>
        sessionMarkStale(redis, this.sessionKeys(agentId), agentId, this.options.changesMaxLen),
      );
      if (marked) noted++;
    }
    await this.refreshGauge(now);
    return noted;
  }

  /** mnemo_sessions{status}: the stored counts, active split into live and stale. */
  private async refreshGauge(now: number): Promise<void> {
    const deadlines = this.keys.sessionDeadlines();
    const [counts, noted, lapsed] = await this.redis.master((redis) =>
      Promise.all([
        redis.hgetall(this.keys.sessionCounts()),
        redis.zcount(deadlines, '-inf', '(0'),
        redis.zcount(deadlines, 0, now),
      ]),
    );
    const stale = noted + lapsed;
    const active = Number(counts.active ?? 0);
    metrics.sessions.set({ status: 'active' }, Math.max(0, active - stale));
    metrics.sessions.set({ status: 'stale' }, stale);
    metrics.sessions.set({ status: 'halted' }, Number(counts.halted ?? 0));
    metrics.sessions.set({ status: 'ended' }, Number(counts.ended ?? 0));
  }

  /** Ends every live watch (UNAVAILABLE) and the sweep, and refuses new watches. */
  close(): void {
    this.closing.abort();
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private async alert(session: Session): Promise<void> {
    const alert: SessionAlert = {
      agentId: session.agentId,
      reason: 'drawdown',
      drawdown: drawdownOf(session),
      maxDrawdown: session.maxDrawdown,
      currentCapital: session.currentCapital,
      ts: Date.now() / 1000,
    };
    try {
      await this.alerts.publishAlert(session.agentId, alert);
    } catch (error) {
      // The halt is stored (and in the changes stream); a lost publish must not fail the trade.
      this.log.error({ err: error, agentId: session.agentId }, 'session alert publish failed');
    }
  }

  private sessionKeys(agentId: string): SessionKeys {
    return {
      session: this.keys.session(agentId),
      heartbeat: this.keys.sessionHeartbeat(agentId),
      txIds: this.keys.sessionTxIds(agentId),
      deadlines: this.keys.sessionDeadlines(),
      counts: this.keys.sessionCounts(),
      changes: this.keys.sessionChanges(),
    };
  }
}
