import type { Redis } from 'ioredis';
import { metrics } from '../metrics/metrics.js';
import { runScript } from '../storage/luaScripts.js';
import type { RedisKeys } from '../storage/RedisKeys.js';

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
 */
export class RateLimitService {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const [allowed, remaining, retryAfterMs] = (await runScript(
      this.redis,
      'rateLimitAcquire',
      [this.keys.rateLimitBucket(request.bucket)],
      [String(request.capacity), String(request.refillPerSecond), String(request.tokens)],
    )) as [number, string, number];
    metrics.rateLimitDecisions.inc({ decision: allowed === 1 ? 'admitted' : 'denied' });
    return { allowed: allowed === 1, remaining: Number(remaining), retryAfterMs };
  }
}
