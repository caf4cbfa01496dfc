import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { metrics } from '../../metrics/metrics.js';
import { DomainError, permissionDenied } from '../../model/errors.js';
import type { Principal } from '../../model/Principal.js';
import { roleMayCall } from '../auth/access.js';
import type { Quota } from '../auth/tokenFile.js';
import type { TokenTable } from '../auth/TokenTable.js';
import { LogThrottle } from './logThrottle.js';
import type { CallContext, Middleware } from './types.js';

/** Why a call was denied: the `reason` label of mnemo_auth_denied_total. */
export type DenialReason = 'missing_token' | 'invalid_token' | 'role' | 'scope' | 'quota';

const REASONS: readonly DenialReason[] = [
  'missing_token',
  'invalid_token',
  'role',
  'scope',
  'quota',
];

/** Takes one request from a token's quota: whether it may run, or how long until it may. */
export type QuotaGate = (
  principal: Principal,
  quota: Quota,
) => Promise<{ allowed: boolean; retryAfterMs: number }>;

export interface AuthOptions {
  /** The token table in force (it changes on reload), or null when the server has none. */
  readonly tokens: () => TokenTable | null;
  readonly quota: QuotaGate;
  readonly log: Logger;
}

/** The auth step of a server without a token file: every call acts as UNRESTRICTED. */
export const NO_AUTH: Middleware = (_context, next) => next();

/** The one answer to a missing or unknown token: it says nothing of which part failed. */
const UNAUTHENTICATED = 'a valid "authorization: Bearer <token>" is required';

/** The token of `authorization: Bearer <token>`, or null when there is not exactly one. */
function bearerToken(metadata: Metadata): string | null {
  const values = metadata.get('authorization');
  if (values.length !== 1 || typeof values[0] !== 'string') return null;
  const match = /^Bearer +(\S{1,1024})$/i.exec(values[0].trim());
  return match?.[1] ?? null;
}

/**
 * Authentication and authorization of every call of the mnemo services, when the server has a
 * token file: the bearer token must be one of the file's (else UNAUTHENTICATED), its role must
 * allow the method (else PERMISSION_DENIED), and its quota, if any, must have a request left
 * (else RESOURCE_EXHAUSTED with a pushback; each message of a request stream takes one more,
 * through `CallContext.admitMessage`). The handlers then see the token's principal and
 * confine the call to its agents; a PERMISSION_DENIED they raise is counted and logged here too.
 * Every denial is counted by reason and logged with the token's name and the method, never the
 * token; alike denials log one line a second at most (with how many were not logged).
 */
export function authenticate(options: AuthOptions): Middleware {
  // Every reason's series exists from the start, at 0, so that rates and alerts see the first.
  for (const reason of REASONS) metrics.authDenied.inc({ reason }, 0);
  const throttle = new LogThrottle();
  const deny = (reason: DenialReason, method: string, token: string | null): void => {
    metrics.authDenied.inc({ reason });
    const suppressed = throttle.admit(`${reason} ${method} ${token ?? ''}`);
    if (suppressed === null) return;
    options.log.warn(
      suppressed > 0 ? { token, method, reason, suppressed } : { token, method, reason },
      'call denied',
    );
  };
  return async (context, next) => {
    const table = options.tokens();
    if (table === null) return next();
    const secret = bearerToken(context.metadata);
    const credential = secret === null ? null : table.authenticate(secret);
    if (credential === null) {
      deny(secret === null ? 'missing_token' : 'invalid_token', context.method, null);
      throw new DomainError('unauthenticated', UNAUTHENTICATED);
    }
    const { principal, quota } = credential;
    if (!roleMayCall(principal.role, context.method)) {
      deny('role', context.method, principal.name);
      throw permissionDenied(null, `a ${principal.role} token may not call ${context.method}`);
    }
    const admit =
      quota === null
        ? undefined
        : async (): Promise<void> => {
            const admitted = await options.quota(principal, quota);
            if (!admitted.allowed) {
              deny('quota', context.method, principal.name);
              throw new DomainError(
                'resource_exhausted',
                "this token's request quota is spent; retry after the pushback",
                admitted.retryAfterMs,
                { reason: 'QUOTA_EXHAUSTED' },
              );
            }
          };
    if (admit !== undefined) await admit();
    const denied = (error: unknown): void => {
      if (error instanceof DomainError && error.kind === 'permission_denied') {
        deny('scope', context.method, principal.name);
      }
    };
    const derived: CallContext = context.streaming
      ? { ...context, principal, messageFailed: denied, ...(admit && { admitMessage: admit }) }
      : { ...context, principal };
    try {
      return await next(derived);
    } catch (error) {
      denied(error);
      throw error;
    }
  };
}
