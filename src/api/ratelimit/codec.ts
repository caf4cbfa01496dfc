import { invalidArgument, quote } from '../../model/errors.js';
import type { AcquireRequest } from '../../services/ratelimit/RateLimitService.js';
import type { RateLimitServiceAcquireRequest__Output } from '../../generated/mnemo/v1/RateLimitServiceAcquireRequest.js';

const MAX_BUCKET_BYTES = 1024;

export function decodeAcquire(request: RateLimitServiceAcquireRequest__Output): AcquireRequest {
  const { bucket, capacity, refill_per_second: refill } = request;
  if (bucket.length === 0) throw invalidArgument('bucket', 'is required');
  const bytes = Buffer.byteLength(bucket);
  if (bytes > MAX_BUCKET_BYTES) {
    throw invalidArgument('bucket', `is ${bytes} bytes, at most ${MAX_BUCKET_BYTES} are allowed`);
  }
  if (!Number.isFinite(capacity) || capacity <= 0) {
    throw invalidArgument('capacity', `must be a finite number above 0, got ${quote(capacity)}`);
  }
  if (!Number.isFinite(refill) || refill < 0) {
    throw invalidArgument(
      'refill_per_second',
      `must be a finite number >= 0, got ${quote(refill)}`,
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
