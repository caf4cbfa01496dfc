import { unavailable } from '../../model/errors.js';
import type { Middleware } from './types.js';

/** Why calls are refused right now, or null when they are let through. */
export type Refusal = () => { message: string; retryAfterMs: number } | null;

/**
 * While `refusal` says so (e.g. while the index is rebuilt at start), calls are answered
 * UNAVAILABLE with that message and a retry pushback and never reach the handler: no wrong
 * answers from a half-built index.
 */
export function readiness(refusal: Refusal): Middleware {
  return (_context, next) => {
    const refused = refusal();
    if (refused !== null) {
      throw unavailable(refused.message, refused.retryAfterMs, 'INDEX_REBUILDING');
    }
    return next();
  };
}
