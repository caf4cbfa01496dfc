import type { RateLimitServiceHandlers } from '../../generated/mnemo/v1/RateLimitService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import type { RateLimitService } from '../../services/ratelimit/RateLimitService.js';
import { decodeAcquire, type RateLimitSettings } from './codec.js';

/**
 * The RateLimitService RPCs: decode and validate, take from the bucket in the namespace of the
 * call's token, encode.
 */
export function rateLimitHandlers(
  service: RateLimitService,
  settings: RateLimitSettings,
): AsyncHandlers<RateLimitServiceHandlers> {
  return {
    Acquire: async (request, context) => {
      const result = await service
        .in(context.principal.namespace)
        .acquire(decodeAcquire(request, settings));
      return {
        allowed: result.allowed,
        remaining: result.remaining,
        retry_after_ms: result.retryAfterMs,
      };
    },
  };
}
