import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../../model/errors.js';

const STATUS: Readonly<Record<DomainErrorKind, status>> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  unavailable: status.UNAVAILABLE,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  deadline_exceeded: status.DEADLINE_EXCEEDED,
  cancelled: status.CANCELLED,
  unauthenticated: status.UNAUTHENTICATED,
  permission_denied: status.PERMISSION_DENIED,
  failed_precondition: status.FAILED_PRECONDITION,
};

/**
 * The one mapping from errors to gRPC statuses. Domain errors keep their message; anything else
 * is logged and answered INTERNAL without details, so internals never reach a client.
 */
export function statusFromError(
  error: unknown,
  log: Logger,
  method: string,
): Partial<ServiceError> {
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    if (error.retryAfterMs !== undefined) {
      metadata.set('grpc-retry-pushback-ms', String(Math.max(0, Math.round(error.retryAfterMs))));
    }
    return { code: STATUS[error.kind], details: error.message, metadata };
  }
  log.error({ err: error, method }, 'internal error');
  return { code: status.INTERNAL, details: 'internal error' };
}
