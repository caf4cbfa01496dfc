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
 * Most UTF-8 bytes of the field a status names and of its problem, `…` included; the message is
 * `field: problem` (or the problem alone). Error messages quote a client's values cut short
 * (errors.ts `quote`); this bounds the rest, so a status fits within 8 KiB of metadata, the
 * default limit of gRPC's C core (Python's client) among others: the message percent-encoded
 * (at most 3 × 1,026 bytes) and the google.rpc.Status holding it, the field and the problem in
 * base64 (4/3 × 2,052 bytes) take ~5.8 KiB. A status over a client's limit is not one it can
 * read, and one of ~150 KB of metadata leaves every call of its grpc-js connection unanswered
 * until their deadlines.
 */
export const STATUS_TEXT_MAX_BYTES = 512;

const encoder = new TextEncoder();
const cutBuffer = new Uint8Array(STATUS_TEXT_MAX_BYTES - 3);

/** `text` within STATUS_TEXT_MAX_BYTES of UTF-8, cut at a character's end and marked `…`. */
function bounded(text: string): string {
  if (
    text.length * 3 <= STATUS_TEXT_MAX_BYTES ||
    Buffer.byteLength(text) <= STATUS_TEXT_MAX_BYTES
  ) {
    return text;
  }
  const { read } = encoder.encodeInto(text, cutBuffer);
  return `${text.slice(0, read)}…`;
}

/** The texts of a domain error's status, bounded: its message, field (if any) and problem. */
interface StatusTexts {
  message: string;
  field: string | undefined;
  problem: string;
}

function textsOf(error: DomainError): StatusTexts {
  const whole = error.facts.field;
  if (whole === undefined) {
    const message = bounded(error.message);
    return { message, field: undefined, problem: message };
  }
  const field = bounded(whole);
  const problem = bounded(error.message.slice(whole.length + 2));
  return { message: `${field}: ${problem}`, field, problem };
}

/**
 * The one mapping from errors to gRPC statuses. Domain errors keep their message (bounded, as
 * STATUS_TEXT_MAX_BYTES says) and carry a google.rpc.Status in `grpc-status-details-bin`:
 * ErrorInfo (stable reason, domain `mnemo`), BadRequest naming the field of an INVALID_ARGUMENT,
 * PreconditionFailure naming the field of a FAILED_PRECONDITION, RetryInfo where a retry may
 * succeed (as `grpc-retry-pushback-ms` says). Anything else is logged and answered INTERNAL
 * without details, so internals never reach a client.
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
    const texts = textsOf(error);
    metadata.set(
      'grpc-status-details-bin',
      encodeStatus(code, texts.message, details(error, texts)),
    );
    return { code, details: texts.message, metadata };
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
    const texts = textsOf(error);
    return {
      code: STATUS[error.kind],
      message: texts.message,
      details: packDetails(details(error, texts)),
    };
  }
  log.error({ err: error, method }, 'internal error');
  return { code: status.INTERNAL, message: 'internal error', details: [] };
}

/** What a domain error's status details say (see statusFromError). */
function details(error: DomainError, { field, problem }: StatusTexts): StatusDetails {
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
