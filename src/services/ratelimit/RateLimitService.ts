import { metrics } from '../../metrics/metrics.js';
import { failedPrecondition, quote } from '../../model/errors.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { rateLimitAcquire, type RateLimitMismatch } from '../../redis/scripts/rateLimitAcquire.js';

export interface AcquireRequest {
  bucket: string;
  /** Most tokens the bucket holds, > 0. */
  capacity: number;
  /** Tokens added per second, >= 0. */
  refillPerSecond: number;
  /** Tokens to take, 0 < tokens <= capacity. */
  tokens: number;
  /**
   * True: the parameters are the server's (MNEMO_RATE_LIMITS) and bind the bucket to them,
   * whatever it was bound to. False: the caller's, which must be those the bucket is bound to.
   */
  serverOwned: boolean;
}

export interface AcquireResult {
  allowed: boolean;
  remaining: number;
  /** 0 when allowed; ms until the tokens are available when denied; -1 = never (no refill). */
  retryAfterMs: number;
}

/**
 * How long a bucket keeps the parameters it is bound to without any call, even once full: 24 h.
 * After that (and once it would be full again) it is gone, and its next call creates it afresh.
 */
export const BOUND_BUCKET_RETENTION_MS = 86_400_000;

/**
 * Token buckets shared by every caller of one Redis: one Lua script refills by the time elapsed
 * on Redis's clock and takes or denies atomically, so concurrent callers on skewed machines
 * share a bucket exactly. Inputs are validated by the transport codec.
 *
 * A bucket is bound to parameters, kept in its state: a bucket the server does not configure to
 * those of the call that created it, so that no caller refills a shared bucket for everyone (a
 * huge capacity) nor drains it (a tiny one). A call with other parameters is refused
 * FAILED_PRECONDITION, naming the first that differs and what the bucket was created with, and
 * changes nothing. The binding lasts while the bucket is used: its state is kept
 * BOUND_BUCKET_RETENTION_MS after each call, or longer until it would be full again. The server's
 * parameters (MNEMO_RATE_LIMITS, a token's quota) bind a bucket to them at once, so that a
 * changed configuration or token file takes effect on the next call; those states are kept only
 * until full, as the server supplies their parameters on every call.
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

  /** Takes from `request.bucket`; FAILED_PRECONDITION if it is bound to other parameters. */
  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const decision = await this.take(this.keys.rateLimitBucket(request.bucket), request);
    metrics.rateLimitDecisions.inc({ decision: decision.allowed ? 'admitted' : 'denied' });
    return decision;
  }

  /**
   * One request of an auth token's quota: a bucket of `burst` requests refilled at
   * `requestsPerSecond`, per token name, shared by every mnemo of one Redis. The parameters are
   * the server's: a quota changed in the token file applies from the next call.
   */
  async acquireQuota(
    tokenName: string,
    quota: { requestsPerSecond: number; burst: number },
  ): Promise<AcquireResult> {
    return this.take(this.keys.tokenQuota(tokenName), {
      capacity: quota.burst,
      refillPerSecond: quota.requestsPerSecond,
      tokens: 1,
      serverOwned: true,
    });
  }

  /** The same service over the buckets of one token namespace ('' = the shared one). */
  in(namespace: string): RateLimitService {
    return namespace === this.keys.namespace
      ? this
      : new RateLimitService(this.redis, this.keys.inNamespace(namespace));
  }

  private async take(key: string, request: Omit<AcquireRequest, 'bucket'>): Promise<AcquireResult> {
    const reply = await this.redis.master((redis) =>
      rateLimitAcquire(redis, {
        key,
        capacity: request.capacity,
        refillPerSecond: request.refillPerSecond,
        tokens: request.tokens,
        parameters: request.serverOwned ? 'own' : 'bind',
        retainMs: request.serverOwned ? 0 : BOUND_BUCKET_RETENTION_MS,
      }),
    );
    if (reply.outcome === 'mismatch') throw boundElsewhere(reply.mismatch, request);
    return reply.decision;
  }
}

/** FAILED_PRECONDITION for a call whose parameters are not those its bucket is bound to. */
function boundElsewhere(
  bound: RateLimitMismatch,
  request: Pick<AcquireRequest, 'capacity' | 'refillPerSecond'>,
): Error {
  const got = bound.field === 'capacity' ? request.capacity : request.refillPerSecond;
  return failedPrecondition(
    bound.field,
    `the bucket was created with capacity ${bound.capacity} and refill_per_second ` +
      `${bound.refillPerSecond}, and keeps them while it is in use: send those, got ${quote(got)}`,
    'BUCKET_PARAMETERS_BOUND',
  );
}
