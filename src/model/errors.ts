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
  | 'permission_denied'
  | 'failed_precondition';

/** What an error says beyond its message, for clients to act on without parsing it. */
export interface ErrorFacts {
  /** The request field at fault, as the message's start names it (`memories[1].agent_id`). */
  readonly field?: string;
  /**
   * A stable reason, UPPER_SNAKE_CASE (e.g. `INDEX_REBUILDING`); by default one per kind
   * (DEFAULT_REASONS).
   */
  readonly reason?: string;
  /** ErrorInfo metadata: facts a client acts on, e.g. `resume_from` (the id to resume after). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The reason of an error that names none. */
export const DEFAULT_REASONS: Readonly<Record<DomainErrorKind, string>> = {
  invalid_argument: 'INVALID_FIELD',
  not_found: 'NOT_FOUND',
  unavailable: 'UNAVAILABLE',
  resource_exhausted: 'LIMIT_REACHED',
  deadline_exceeded: 'DEADLINE_EXCEEDED',
  cancelled: 'CANCELLED',
  unauthenticated: 'UNAUTHENTICATED',
  permission_denied: 'PERMISSION_DENIED',
  failed_precondition: 'PRECONDITION_FAILED',
};

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /**
     * For `unavailable` and `resource_exhausted`: when the client may retry, in milliseconds
     * (sent as `grpc-retry-pushback-ms`).
     */
    readonly retryAfterMs?: number,
    readonly facts: ErrorFacts = {},
  ) {
    super(message);
  }

  get reason(): string {
    return this.facts.reason ?? DEFAULT_REASONS[this.kind];
  }
}

/** Most characters of a client's value an error message quotes. */
export const QUOTE_MAX_CHARS = 64;

/**
 * A client's value for an error message: a string in double quotes, anything else as text, cut
 * to its first QUOTE_MAX_CHARS characters (code points) followed by `…`. Every message that
 * quotes a request value goes through this, so an answer's status stays small whatever was sent.
 */
export function quote(value: unknown): string {
  const shown = cut(typeof value === 'string' ? value : String(value));
  return typeof value === 'string' ? `"${shown}"` : shown;
}

/** `text` cut to its first QUOTE_MAX_CHARS characters (code points) followed by `…`, as quote. */
export function cut(text: string): string {
  const head = Array.from(text.slice(0, 2 * QUOTE_MAX_CHARS + 2));
  return head.length > QUOTE_MAX_CHARS ? `${head.slice(0, QUOTE_MAX_CHARS).join('')}…` : text;
}

/** A request field is invalid; the message starts with the field's path. */
export function invalidArgument(field: string, problem: string): DomainError {
  return new DomainError('invalid_argument', `${field}: ${problem}`, undefined, { field });
}

/**
 * The call's token may not do this. `field` names the request field at fault, when one is; the
 * message never says whether something outside the token's scope exists.
 */
export function permissionDenied(field: string | null, problem: string): DomainError {
  return field === null
    ? new DomainError('permission_denied', problem)
    : new DomainError('permission_denied', `${field}: ${problem}`, undefined, { field });
}

/** The request is valid but the state it meets refuses it; the message starts with the field. */
export function failedPrecondition(field: string, problem: string, reason?: string): DomainError {
  return new DomainError('failed_precondition', `${field}: ${problem}`, undefined, {
    field,
    ...(reason === undefined ? {} : { reason }),
  });
}

export function unavailable(message: string, retryAfterMs?: number, reason?: string): DomainError {
  return new DomainError(
    'unavailable',
    message,
    retryAfterMs,
    reason === undefined ? {} : { reason },
  );
}

/**
 * The server is at one of its limits (calls in flight, open streams, pooled connections) right
 * now: RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms` = `retryAfterMs`. Not for a request that
 * is too large in itself: that is refused every time, so it is `invalid_argument`.
 */
export function resourceExhausted(
  message: string,
  retryAfterMs: number,
  reason?: string,
): DomainError {
  return new DomainError(
    'resource_exhausted',
    message,
    retryAfterMs,
    reason === undefined ? {} : { reason },
  );
}
