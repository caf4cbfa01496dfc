import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { RateLimitService } from '../../services/ratelimit/RateLimitService.js';
import type { RateLimitServiceAcquireRequest__Output } from '../../generated/mnemo/v1/RateLimitServiceAcquireRequest.js';
import type { RateLimitServiceAcquireResponse } from '../../generated/mnemo/v1/RateLimitServiceAcquireResponse.js';
import { unary } from '../middleware/adapter.js';
import { decodeAcquire } from './codec.js';

/** The RateLimitService RPCs: decode and validate, call the domain service, encode. */
export function rateLimitHandlers(
  service: RateLimitService,
  log: Logger,
): UntypedServiceImplementation {
  return {
    Acquire: unary(
      'RateLimitService.Acquire',
      async (
        request: RateLimitServiceAcquireRequest__Output,
      ): Promise<RateLimitServiceAcquireResponse> => {
        const result = await service.acquire(decodeAcquire(request));
        return {
          allowed: result.allowed,
          remaining: result.remaining,
          retry_after_ms: result.retryAfterMs,
        };
      },
      log,
    ),
  };
}
