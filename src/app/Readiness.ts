import type { Logger } from 'pino';
import type { HealthService } from '../api/health.js';

/** The mnemo services, as grpc.health.v1 names them. */
export const MEMORY_SERVICE = 'mnemo.v1.MemoryService';
export const AGENT_SERVICES = [
  'mnemo.v1.CacheService',
  'mnemo.v1.RateLimitService',
  'mnemo.v1.AuditService',
  'mnemo.v1.SessionService',
  'mnemo.v1.SignalService',
] as const;
export const HEALTH_SERVICES: readonly string[] = [MEMORY_SERVICE, ...AGENT_SERVICES];

export interface ReadinessOptions {
  /** How often `redisReady` is asked (it is also asked on `refresh`). */
  pollMs: number;
}

/**
 * Decides the health statuses from three facts:
 * - whether Redis can serve reads: an injected `redisReady` (the Redis router's one health view:
 *   see RedisRouter.canServeReads), asked every `pollMs` and on `refresh()`;
 * - whether the index has been built (false from start until the first rebuild ends, and while
 *   a dataset reset has it rebuilt);
 * - whether shutdown has begun (then everything is NOT_SERVING, for good).
 *
 * MemoryService needs all three; Cache, RateLimit, Audit and Session need Redis and no shutdown; the
 * server as a whole ("") is SERVING only when every service is. The statuses follow Redis down
 * and back up on their own.
 */
export class Readiness {
  private indexBuilt = false;
  /** Whether the index was rebuilt since it was first built (a dataset reset). */
  private rebuiltOnce = false;
  private stopping = false;
  private redisWasReady: boolean | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly health: HealthService,
    private readonly redisReady: () => boolean,
    private readonly log: Logger,
    private readonly options: ReadinessOptions,
  ) {}

  start(): void {
    this.refresh();
    this.timer ??= setInterval(() => {
      this.refresh();
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** The index was built: MemoryService may serve (when Redis can). */
  indexReady(): void {
    this.indexBuilt = true;
    this.refresh();
  }

  /** The index is being rebuilt over again (the dataset was reset): NOT_SERVING until ready. */
  indexRebuilding(): void {
    this.indexBuilt = false;
    this.rebuiltOnce = true;
    this.refresh();
  }

  /** Why MemoryService calls are refused now (the rebuild at start or after a reset), or null. */
  memoryRefusal(): { message: string; retryAfterMs: number } | null {
    if (this.indexBuilt) return null;
    return {
      message: this.rebuiltOnce
        ? 'the Redis dataset was reset: the memory index is being rebuilt from Redis, retry shortly'
        : 'mnemo is starting: the memory index is being rebuilt from Redis, retry shortly',
      retryAfterMs: 1000,
    };
  }

  /** Shutdown has begun: NOT_SERVING from now on. */
  beginShutdown(): void {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.refresh();
  }

  /** Re-evaluates every status now (e.g. on an event of the Redis view). */
  refresh(): void {
    const redis = this.redisReady();
    if (redis !== this.redisWasReady && !this.stopping) {
      if (redis) this.log.info('redis can serve reads');
      else this.log.warn('no redis can serve reads: NOT_SERVING until one can');
      this.redisWasReady = redis;
    }
    const agents = !this.stopping && redis;
    const memory = agents && this.indexBuilt;
    this.health.set(MEMORY_SERVICE, memory ? 'SERVING' : 'NOT_SERVING');
    for (const service of AGENT_SERVICES) {
      this.health.set(service, agents ? 'SERVING' : 'NOT_SERVING');
    }
    this.health.set('', memory && agents ? 'SERVING' : 'NOT_SERVING');
  }
}
