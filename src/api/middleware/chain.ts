import type { ServerInterceptor } from '@grpc/grpc-js';
import { deadline } from './deadline.js';
import { metricsInterceptor } from './metrics.js';
import { readiness, type Refusal } from './readiness.js';
import type { Middleware } from './types.js';

/**
 * The edge's one chain, in the order a call meets it:
 * 1. metrics: every call of every service, reflection's included, is counted with the status
 *    sent. It is a grpc-js interceptor rather than a Middleware, because statuses grpc-js sends
 *    itself (undecodable requests, message sizes, deadlines it enforces) never reach a handler;
 * 2. auth: the bearer token, its role and quota (auth.ts); the handler sees its principal;
 * 3. readiness (services that need the index): UNAVAILABLE with a pushback while refused;
 * 4. deadline: a call whose deadline passed before it starts does not run;
 * 5. the handler; errors from any step are mapped to a status once (errors.ts, in bindService).
 */
export const EDGE_INTERCEPTORS: readonly ServerInterceptor[] = [metricsInterceptor];

/** The chain of services every client may call without a token (health). */
export const OPEN_CHAIN: readonly Middleware[] = [deadline];

/** The middleware of a service; `refusal` for services that must wait for readiness. */
export function serviceChain(
  auth: Middleware,
  refusal: Refusal | null = null,
): readonly Middleware[] {
  return refusal === null ? [auth, deadline] : [auth, readiness(refusal), deadline];
}
