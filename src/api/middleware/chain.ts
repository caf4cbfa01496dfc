import type { ServerInterceptor } from '@grpc/grpc-js';
import { deadline } from './deadline.js';
import type { CallLimits } from './limits.js';
import { undecodableInterceptor } from '../wire/streamGuard.js';
import { metricsInterceptor } from './metrics.js';
import { readiness, type Refusal } from './readiness.js';
import type { Middleware } from './types.js';

/**
 * The edge's one chain, in the order a call meets it:
 * 1. metrics: every call of every service, reflection's included, is counted with the status
 *    sent. It is a grpc-js interceptor rather than a Middleware, because statuses grpc-js sends
 *    itself (undecodable requests, message sizes, deadlines it enforces) never reach a handler;
 *    then, on request streams only (reflection, the search streams), undecodable messages end
 *    the call INVALID_ARGUMENT (wire/streamGuard.ts);
 * 2. auth: the bearer token, its role and quota (auth.ts); the handler sees its principal;
 * 3. limits (the mnemo services): RESOURCE_EXHAUSTED with a pushback beyond the calls in flight
 *    in total or on one connection, or the streams open (limits.ts);
 * 4. readiness (services that need the index): UNAVAILABLE with a pushback while refused;
 * 5. deadline: a call whose deadline passed before it starts does not run;
 * 6. the handler; errors from any step are mapped to a status once (errors.ts, in bindService).
 */
export const EDGE_INTERCEPTORS: readonly ServerInterceptor[] = [
  metricsInterceptor,
  undecodableInterceptor,
];

/** The chain of services every client may call without a token or limits (health). */
export const OPEN_CHAIN: readonly Middleware[] = [deadline];

/** What a service's chain holds besides the deadline. */
export interface ChainOptions {
  /** Authentication (auth.ts), or NO_AUTH for a server without tokens. */
  readonly auth: Middleware;
  /** The server's call limits. */
  readonly limits?: CallLimits;
  /** For services that must wait for readiness. */
  readonly refusal?: Refusal;
}

/** The middleware of a service, in the order above: a plain ordered list. */
export function serviceChain({ auth, limits, refusal }: ChainOptions): readonly Middleware[] {
  const steps: Middleware[] = [auth];
  if (limits !== undefined) steps.push(limits.middleware);
  if (refusal !== undefined) steps.push(readiness(refusal));
  steps.push(deadline);
  return steps;
}
