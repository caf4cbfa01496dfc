import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../redis/clients.js';
import type { Logger } from 'pino';
import { AuditService, type AuditOptions } from '../services/audit/AuditService.js';
import { CacheService } from '../services/cache/CacheService.js';
import type { Config } from '../config/config.js';
import { RateLimitService } from '../services/ratelimit/RateLimitService.js';
import {
  SessionService,
  type AlertPublisher,
  type SessionOptions,
} from '../services/session/SessionService.js';
import { alertPayload } from '../model/Session.js';
import { SignalHub } from '../services/signal/SignalHub.js';
import { SignalService } from '../services/signal/SignalService.js';
import { createBlockingClient } from '../redis/clients.js';
import { closeBlockingPool, createBlockingPool } from '../redis/blockingPool.js';
import type { RedisAccess } from '../redis/RedisAccess.js';
import { RedisKeys } from '../redis/RedisKeys.js';
import type { GrpcServer } from '../api/GrpcServer.js';
import type { Middleware } from '../api/middleware/types.js';
import { serveAgentServices } from '../api/services.js';

/** The settings the agent infrastructure services read. */
export type AgentServicesConfig = Pick<
  Config,
  | 'keyPrefix'
  | 'maxBatch'
  | 'cacheMaxValueBytes'
  | 'auditMaxLen'
  | 'auditMaxEntryBytes'
  | 'signalStreamMaxLen'
  | 'signalBufferMessages'
  | 'signalMaxPayloadBytes'
  | 'redisPoolSize'
  | 'rateLimits'
  | 'rateLimitsOnly'
  | 'sessionTtlMs'
  | 'sessionMaxTtlMs'
  | 'sessionTxRetention'
  | 'sessionSweepIntervalMs'
  | 'sessionChangesMaxLen'
>;

/** Audit tuning that is not configuration (tests shrink it). */
export const DEFAULT_AUDIT_TUNING: Omit<AuditOptions, 'maxLen'> = {
  trimBatch: 100,
  rangeScanLimit: 10_000,
  tailBlockMs: 5000,
  tailReadCount: 100,
};

/** Session tuning that is not configuration (tests shrink it). */
export const DEFAULT_SESSION_TUNING: Pick<
  SessionOptions,
  'sweepBatch' | 'watchBlockMs' | 'watchReadCount'
> = {
  sweepBatch: 1000,
  watchBlockMs: 5000,
  watchReadCount: 100,
};

/**
 * CacheService, RateLimitService, AuditService, SessionService and SignalService over one Redis,
 * every command through the Redis router (`access`), with the pool of blocking connections the
 * audit tails and session watches share and the one subscriber connection of the signal hub
 * (neither is routed). A session's drawdown alert is a durable signal on `alerts:{agent_id}`.
 * Created after the router starts; `endTails` (tails, watches and subscriptions end) before the
 * gRPC server stops, `close` (pool and subscriber connection closed) after it.
 */
export class AgentServices {
  private constructor(
    readonly cache: CacheService,
    readonly rateLimit: RateLimitService,
    readonly audit: AuditService,
    readonly session: SessionService,
    readonly signal: SignalService,
    readonly signalHub: SignalHub,
    readonly tailPool: Pool<Redis>,
    private readonly config: AgentServicesConfig,
    private readonly log: Logger,
  ) {}

  static create(
    access: RedisAccess,
    redisTarget: RedisTarget,
    config: AgentServicesConfig,
    log: Logger,
    auditTuning: Partial<Omit<AuditOptions, 'maxLen'>> = {},
    sessionTuning: Partial<SessionOptions> = {},
  ): AgentServices {
    const keys = new RedisKeys(config.keyPrefix);
    const tailPool = createBlockingPool(redisTarget, {
      size: config.redisPoolSize,
      name: 'mnemo-audit-tail',
      acquireTimeoutMs: 5000,
      log,
    });
    const audit = new AuditService(access, keys, tailPool, log, {
      ...DEFAULT_AUDIT_TUNING,
      ...auditTuning,
      maxLen: config.auditMaxLen,
    });
    // One subscriber connection per instance, whatever the number of Subscribe streams.
    const signalHub = new SignalHub(
      createBlockingClient(redisTarget, 'mnemo-signal-sub', log),
      keys,
      log,
    );
    const signal = new SignalService(access, keys, signalHub, log, {
      streamMaxLen: config.signalStreamMaxLen,
      bufferMessages: config.signalBufferMessages,
      maxPayloadBytes: config.signalMaxPayloadBytes,
    });
    // Drawdown alerts are durable signals: a subscriber that was away resumes and gets them.
    const alerts: AlertPublisher = {
      publishAlert: async (agentId, alert) => {
        const payload = Buffer.from(alertPayload(alert));
        await signal.publish(`alerts:${agentId}`, { payload }, true);
      },
    };
    const session = new SessionService(access, keys, tailPool, alerts, log, {
      ...DEFAULT_SESSION_TUNING,
      txRetention: config.sessionTxRetention,
      changesMaxLen: config.sessionChangesMaxLen,
      sweepIntervalMs: config.sessionSweepIntervalMs,
      ...sessionTuning,
    });
    session.start();
    return new AgentServices(
      new CacheService(access, keys),
      new RateLimitService(access, keys),
      audit,
      session,
      signal,
      signalHub,
      tailPool,
      config,
      log,
    );
  }

  /** Serves the five services on `server`, every call through `auth`. */
  register(server: GrpcServer, auth: Middleware): void {
    serveAgentServices(server, this, this.config, auth, this.log);
  }

  /**
   * Ends live audit tails, session watches and signal subscriptions (UNAVAILABLE, resume after
   * the last id) and refuses new ones.
   */
  endTails(): void {
    this.audit.close();
    this.session.close();
    this.signal.close();
  }

  /** Closes the tail pool once every tail has given its connection back. */
  async close(): Promise<void> {
    this.audit.close();
    this.session.close();
    this.signal.close();
    await closeBlockingPool(this.tailPool);
    this.signalHub.close();
  }
}
