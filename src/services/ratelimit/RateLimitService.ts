import { metrics } from '../../metrics/metrics.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { rateLimitAcquire } from '../../redis/scripts/rateLimitAcquire.js';

export interface AcquireRequest {
  bucket: string;
  /** Most tokens the bucket holds, > 0. */
  capacity: number;
  /** Tokens added per second, >= 0. */
  refillPerSecond: number;
  /** Tokens to take, 0 < tokens <= capacity. */
  tokens: number;
}

export interface AcquireResult {
  allowed: boolean;
  remaining: number;
  /** 0 when allowed; ms until the tokens are available when denied; -1 = never (no refill). */
  retryAfterMs: number;
}

/**
 * Token buckets shared by every caller of one Redis: one Lua script refills by the time elapsed
 * on Redis's clock and takes or denies atomically, so concurrent callers on skewed machines
 * share a bucket exactly. Inputs are validated by the transport codec.
 *
 * The script runs on the master through the router, NOT as a replicated write: an Acquire sits
 * in front of every rate-limited call, so it must not wait for replica acks (WAIT). The cost is
 * that a failover may lose the tokens taken since the last replication — the promoted replica
 * hands out a few tokens twice — which is acceptable for a rate limit (a short burst above it),
 * unlike a lost cache write or audit entry.
 */
export class RateLimitService {
  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
  ) {}

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const decision = await this.take(this.keys.rateLimitBucket(request.bucket), request);
    metrics.rateLimitDecisions.inc({ decision: decision.allowed ? 'admitted' : 'denied' });
    return decision;
  }

  /**
   * One request of an auth token's quota: a bucket of `burst` requests refilled at
   * `requestsPerSecond`, per token name, shared by every mnemo of one Redis.
   */
  async acquireQuota(
    tokenName: string,
    quota: { requestsPerSecond: number; burst: number },
  ): Promise<AcquireResult> {
    return this.take(this.keys.tokenQuota(tokenName), {
      capacity: quota.burst,
      refillPerSecond: quota.requestsPerSecond,
      tokens: 1,
    });
  }

  /** The same service over the buckets of one token namespace ('' = the shared one). */
  in(namespace: string): RateLimitService {
    return namespace === this.keys.namespace
      ? this
      : new RateLimitService(this.redis, this.keys.inNamespace(namespace));
  }

  private take(key: string, request: Omit<AcquireRequest, 'bucket'>): Promise<AcquireResult> {
    return this.redis.master((redis) =>
      rateLimitAcquire(redis, {
        key,
        capacity: request.capacity,
        refillPerSecond: request.refillPerSecond,
        tokens: request.tokens,
      }),
    );
  }
}
