import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../../model/errors.js';
import { encodeStatus, packDetails, type PackedAny, type StatusDetails } from './statusDetails.js';

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

/** The ErrorInfo domain of every mnemo error. */
export const ERROR_DOMAIN = 'mnemo';

/**
 * The one mapping from errors to gRPC statuses. Domain errors keep their message and carry a
 * google.rpc.Status in `grpc-status-details-bin`: ErrorInfo (stable reason, domain `mnemo`),
 * BadRequest naming the field of an INVALID_ARGUMENT, PreconditionFailure naming the field of a
 * FAILED_PRECONDITION, RetryInfo where a retry may succeed (as `grpc-retry-pushback-ms` says).
 * Anything else is logged and answered INTERNAL without details, so internals never reach a
 * client.
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
    const code = STATUS[error.kind];
    metadata.set('grpc-status-details-bin', encodeStatus(code, error.message, details(error)));
    return { code, details: error.message, metadata };
  }
  log.error({ err: error, method }, 'internal error');
  return { code: status.INTERNAL, details: 'internal error' };
}

/**
 * The status of one failed message of a request stream (a google.rpc.Status as a message field):
 * the code, message and details statusFromError gives a unary call failing the same way.
 */
export interface MessageStatus {
  code: number;
  message: string;
  details: PackedAny[];
}

/** statusFromError for one message of a stream, whose failure does not end the stream. */
export function messageStatus(error: unknown, log: Logger, method: string): MessageStatus {
  if (error instanceof DomainError) {
    return {
      code: STATUS[error.kind],
      message: error.message,
      details: packDetails(details(error)),
    };
  }
  log.error({ err: error, method }, 'internal error');
  return { code: status.INTERNAL, message: 'internal error', details: [] };
}

/** What a domain error's status details say (see statusFromError). */
function details(error: DomainError): StatusDetails {
  const { field } = error.facts;
  const problem = field === undefined ? error.message : error.message.slice(field.length + 2);
  return {
    errorInfo: {
      reason: error.reason,
      domain: ERROR_DOMAIN,
      ...(error.facts.metadata === undefined ? {} : { metadata: error.facts.metadata }),
    },
    ...(error.kind === 'invalid_argument' && field !== undefined
      ? { fieldViolations: [{ field, description: problem }] }
      : {}),
    ...(error.kind === 'failed_precondition' && field !== undefined
      ? {
          preconditionViolations: [{ type: error.reason, subject: field, description: problem }],
        }
      : {}),
    ...(error.retryAfterMs === undefined ? {} : { retryDelayMs: error.retryAfterMs }),
  };
}
