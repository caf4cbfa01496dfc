import { bucketProblem, type BucketParameters } from '../../config/config.js';
import { failedPrecondition, invalidArgument, quote } from '../../model/errors.js';
import type { AcquireRequest } from '../../services/ratelimit/RateLimitService.js';
import type { RateLimitServiceAcquireRequest__Output } from '../../generated/mnemo/v1/RateLimitServiceAcquireRequest.js';

const MAX_BUCKET_BYTES = 1024;

/** The buckets the server owns (MNEMO_RATE_LIMITS), and whether others are refused. */
export interface RateLimitSettings {
  readonly rateLimits: ReadonlyMap<string, BucketParameters>;
  readonly rateLimitsOnly: boolean;
}

/**
 * The Acquire request, validated. A bucket the server owns takes its parameters: the request's
 * must be 0 (the server's) or equal to them, else FAILED_PRECONDITION naming the field; with
 * `rateLimitsOnly`, a bucket it does not own is FAILED_PRECONDITION. Other buckets take the
 * request's parameters, which must be those the bucket is bound to (RateLimitService).
 */
export function decodeAcquire(
  request: RateLimitServiceAcquireRequest__Output,
  settings: RateLimitSettings,
): AcquireRequest {
  const { bucket } = request;
  if (bucket.length === 0) throw invalidArgument('bucket', 'is required');
  const bytes = Buffer.byteLength(bucket);
  if (bytes > MAX_BUCKET_BYTES) {
    throw invalidArgument('bucket', `is ${bytes} bytes, at most ${MAX_BUCKET_BYTES} are allowed`);
  }
  const owned = settings.rateLimits.has(bucket);
  const { capacity, refillPerSecond } = parameters(request, settings);
  if (!Number.isFinite(request.tokens) || request.tokens < 0) {
    throw invalidArgument('tokens', `must be a finite number >= 0, got ${quote(request.tokens)}`);
  }
  const tokens = request.tokens === 0 ? 1 : request.tokens;
  if (tokens > capacity) {
    throw invalidArgument(
      'tokens',
      `${quote(tokens)}${request.tokens === 0 ? ' (the default)' : ''} exceeds the capacity ${quote(capacity)}`,
    );
  }
  return { bucket, capacity, refillPerSecond, tokens, serverOwned: owned };
}

function parameters(
  request: RateLimitServiceAcquireRequest__Output,
  settings: RateLimitSettings,
): BucketParameters {
  const owned = settings.rateLimits.get(request.bucket);
  if (owned === undefined) {
    if (settings.rateLimitsOnly) {
      throw failedPrecondition(
        'bucket',
        'is not one of the buckets the server configures',
        'BUCKET_NOT_CONFIGURED',
      );
    }
    const wrong = bucketProblem(request.capacity, request.refill_per_second);
    if (wrong !== null) throw invalidArgument(wrong.field, wrong.problem);
    return { capacity: request.capacity, refillPerSecond: request.refill_per_second };
  }
  const given = [
    ['capacity', request.capacity, owned.capacity],
    ['refill_per_second', request.refill_per_second, owned.refillPerSecond],
  ] as const;
  for (const [field, value, own] of given) {
    if (value !== 0 && value !== own) {
      throw failedPrecondition(
        field,
        `the server configures this bucket with ${field} ${own}: send 0 or ${own}, got ${quote(value)}`,
        'BUCKET_PARAMETERS_CONFIGURED',
      );
    }
  }
  return owned;
}
