import { status, type Metadata } from '@grpc/grpc-js';
import {
  decodeStatus,
  statusDetails,
  type DecodedStatus,
  type RpcStatusObject,
} from './statusDetails.js';

/** A gRPC status code's name, e.g. 'INVALID_ARGUMENT'. */
export type StatusName = keyof typeof status;

const NAMES = new Map<number, StatusName>(
  Object.entries(status)
    .filter((entry): entry is [StatusName, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

/**
 * The one error the client throws for a failed call: the status `code` (and its `codeName`), the
 * server's message, the request `field` that was wrong (from a google.rpc BadRequest, or the
 * subject of a PreconditionFailure), the stable ErrorInfo `reason`, and `retryAfterMs` when the
 * server said a retry may succeed.
 */
export class MnemoError extends Error {
  override readonly name = 'MnemoError';

  constructor(
    readonly code: number,
    message: string,
    readonly field: string | null = null,
    readonly reason: string | null = null,
    readonly metadata: Readonly<Record<string, string>> = {},
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  get codeName(): StatusName | 'UNKNOWN' {
    return NAMES.get(this.code) ?? 'UNKNOWN';
  }
}

/** The MnemoError of a failed grpc-js call (a ServiceError or a stream's error). */
export function toMnemoError(error: unknown): MnemoError {
  if (error instanceof MnemoError) return error;
  const failed = error as {
    code?: unknown;
    details?: unknown;
    message?: unknown;
    metadata?: Metadata;
  };
  if (typeof failed.code !== 'number') {
    return new MnemoError(status.UNKNOWN, error instanceof Error ? error.message : String(error));
  }
  const message = typeof failed.details === 'string' ? failed.details : String(failed.message);
  let decoded = null;
  try {
    decoded = statusDetails(failed);
  } catch {
    // A malformed trailer must not hide the status itself.
  }
  return errorOf(failed.code, message, decoded);
}

/** The MnemoError of one message of a search stream, answered with an error status. */
export function messageError(error: RpcStatusObject): MnemoError {
  let decoded = null;
  try {
    decoded = decodeStatus(error);
  } catch {
    // Malformed details must not hide the status itself.
  }
  return errorOf(error.code ?? status.UNKNOWN, error.message ?? '', decoded);
}

function errorOf(code: number, message: string, decoded: DecodedStatus | null): MnemoError {
  const field =
    decoded?.badRequest?.field_violations[0]?.field ??
    decoded?.preconditionFailure?.violations[0]?.subject ??
    null;
  const delay = decoded?.retryInfo?.retry_delay;
  const retryAfterMs =
    delay === undefined ? null : (delay.seconds ?? 0) * 1000 + Math.round((delay.nanos ?? 0) / 1e6);
  return new MnemoError(
    code,
    message,
    field,
    decoded?.errorInfo?.reason ?? null,
    (decoded?.errorInfo as { metadata?: Record<string, string> } | undefined)?.metadata ?? {},
    retryAfterMs,
  );
}
