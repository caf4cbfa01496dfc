import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../redis/clients.js';
import type { Logger } from 'pino';
import { AuditService, type AuditOptions } from '../services/audit/AuditService.js';
import { CacheService } from '../services/cache/CacheService.js';
import type { Config } from '../config/config.js';
import { RateLimitService } from '../services/ratelimit/RateLimitService.js';
import { SessionService, type SessionOptions } from '../services/session/SessionService.js';
import { RedisAlertPublisher } from '../redis/alertPublisher.js';
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
 * CacheService, RateLimitService, AuditService and SessionService over one Redis, every command through the
 * Redis router (`access`), with the pool of blocking connections the audit tails and session
 * watches share (blocking reads are not routed). Session halts' alerts are published with a plain
 * Redis PUBLISH (RedisAlertPublisher) until a durable publisher replaces it. Created after the router starts; `endTails` before the gRPC server
 * stops, `close` after it.
 */
export class AgentServices {
  private constructor(
    readonly cache: CacheService,
    readonly rateLimit: RateLimitService,
    readonly audit: AuditService,
    readonly session: SessionService,
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
    const session = new SessionService(
      access,
      keys,
      tailPool,
      new RedisAlertPublisher(access, keys),
      log,
      {
        ...DEFAULT_SESSION_TUNING,
        txRetention: config.sessionTxRetention,
        changesMaxLen: config.sessionChangesMaxLen,
        sweepIntervalMs: config.sessionSweepIntervalMs,
        ...sessionTuning,
      },
    );
    session.start();
    return new AgentServices(
      new CacheService(access, keys),
      new RateLimitService(access, keys),
      audit,
      session,
      tailPool,
      config,
      log,
    );
  }

  /** Serves the four services on `server`, every call through `auth`. */
  register(server: GrpcServer, auth: Middleware): void {
    serveAgentServices(server, this, this.config, auth, this.log);
  }

  /** Ends live audit tails and session watches (UNAVAILABLE) and refuses new ones. */
  endTails(): void {
    this.audit.close();
    this.session.close();
  }

  /** Closes the tail pool once every tail has given its connection back. */
  async close(): Promise<void> {
    this.audit.close();
    this.session.close();
    await closeBlockingPool(this.tailPool);
  }
}
