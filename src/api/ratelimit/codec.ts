import { invalidArgument, quote } from '../../model/errors.js';
import type { AcquireRequest } from '../../services/ratelimit/RateLimitService.js';
import type { RateLimitServiceAcquireRequest__Output } from '../../generated/mnemo/v1/RateLimitServiceAcquireRequest.js';

const MAX_BUCKET_BYTES = 1024;
/** Largest capacity (and refill per second): token counts stay exact to about 10⁻⁴. */
export const MAX_CAPACITY = 1e12;
/** Longest time a bucket may take to refill completely: 31 days, in seconds. */
export const MAX_REFILL_SECONDS = 31 * 86_400;

export function decodeAcquire(request: RateLimitServiceAcquireRequest__Output): AcquireRequest {
  const { bucket, capacity, refill_per_second: refill } = request;
  if (bucket.length === 0) throw invalidArgument('bucket', 'is required');
  const bytes = Buffer.byteLength(bucket);
  if (bytes > MAX_BUCKET_BYTES) {
    throw invalidArgument('bucket', `is ${bytes} bytes, at most ${MAX_BUCKET_BYTES} are allowed`);
  }
  if (!Number.isFinite(capacity) || capacity <= 0 || capacity > MAX_CAPACITY) {
    throw invalidArgument(
      'capacity',
      `must be a number above 0 and at most ${MAX_CAPACITY}, got ${quote(capacity)}`,
    );
  }
  if (!Number.isFinite(refill) || refill < 0 || refill > MAX_CAPACITY) {
    throw invalidArgument(
      'refill_per_second',
      `must be 0 (never refills) or a number up to ${MAX_CAPACITY}, got ${quote(refill)}`,
    );
  }
  if (refill > 0 && capacity / refill > MAX_REFILL_SECONDS) {
    throw invalidArgument(
      'refill_per_second',
      `${quote(refill)} refills the capacity ${quote(capacity)} in ${quote(capacity / refill)} s, ` +
        `above ${MAX_REFILL_SECONDS} s (31 days); use 0 for a bucket that never refills`,
    );
  }
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
  return { bucket, capacity, refillPerSecond: refill, tokens };
}
