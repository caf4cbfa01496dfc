import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { RedisTarget } from '../redis/clients.js';
import type { Logger } from 'pino';
import { AuditService, type AuditOptions } from '../services/audit/AuditService.js';
import { CacheService } from '../services/cache/CacheService.js';
import type { Config } from '../config/config.js';
import { RateLimitService } from '../services/ratelimit/RateLimitService.js';
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
>;

/** Audit tuning that is not configuration (tests shrink it). */
export const DEFAULT_AUDIT_TUNING: Omit<AuditOptions, 'maxLen'> = {
  trimBatch: 100,
  rangeScanLimit: 10_000,
  tailBlockMs: 5000,
  tailReadCount: 100,
};

/**
 * CacheService, RateLimitService, AuditService and SignalService over one Redis, every command
 * through the Redis router (`access`), with the pool of blocking connections the audit tails use
 * and the one subscriber connection of the signal hub (neither is routed). Created after the
 * router starts; `endTails` (audit tails and signal subscriptions end) before the gRPC server
 * stops, `close` (pool and subscriber connection closed) after it.
 */
export class AgentServices {
  private constructor(
    readonly cache: CacheService,
    readonly rateLimit: RateLimitService,
    readonly audit: AuditService,
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
    return new AgentServices(
      new CacheService(access, keys),
      new RateLimitService(access, keys),
      audit,
      signal,
      signalHub,
      tailPool,
      config,
      log,
    );
  }

  /** Serves the four services on `server`, every call through `auth`. */
  register(server: GrpcServer, auth: Middleware): void {
    serveAgentServices(server, this, this.config, auth, this.log);
  }

  /**
   * Ends live audit tails and signal subscriptions (UNAVAILABLE, resume after the last id) and
   * refuses new ones.
   */
  endTails(): void {
    this.audit.close();
    this.signal.close();
  }

  /** Closes the tail pool once every tail has given its connection back. */
  async close(): Promise<void> {
    this.audit.close();
    this.signal.close();
    await closeBlockingPool(this.tailPool);
    this.signalHub.close();
  }
}
