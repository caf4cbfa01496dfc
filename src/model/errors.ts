/**
 * Typed domain errors. The transport maps each kind to one gRPC status in a single exhaustive
 * function; anything that is not a DomainError is an internal error and its message never
 * reaches a client.
 */
export type DomainErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'unavailable'
  | 'resource_exhausted'
  | 'deadline_exceeded'
  | 'cancelled'
  | 'unauthenticated'
  | 'failed_precondition';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** For `unavailable`: when the client may retry, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A request field is invalid; the message starts with the field's path. */
export function invalidArgument(field: string, problem: string): DomainError {
  return new DomainError('invalid_argument', `${field}: ${problem}`);
}

export function unavailable(message: string, retryAfterMs?: number): DomainError {
  return new DomainError('unavailable', message, retryAfterMs);
}
