import type { RateLimitServiceHandlers } from '../../generated/mnemo/v1/RateLimitService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import type { RateLimitService } from '../../services/ratelimit/RateLimitService.js';
import { decodeAcquire } from './codec.js';

/** The RateLimitService RPCs: decode and validate, call the domain service, encode. */
export function rateLimitHandlers(
  service: RateLimitService,
): AsyncHandlers<RateLimitServiceHandlers> {
  return {
    Acquire: async (request) => {
      const result = await service.acquire(decodeAcquire(request));
      return {
        allowed: result.allowed,
        remaining: result.remaining,
        retry_after_ms: result.retryAfterMs,
      };
    },
  };
}
