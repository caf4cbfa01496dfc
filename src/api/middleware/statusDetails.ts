/**
 * `google.rpc.Status` with its standard details, encoded for the `grpc-status-details-bin`
 * trailer (what gRPC's richer error model reads: Python's grpc_status, Go's status.Details, …).
 * The messages are few and fixed, so they are written by hand rather than through a protobuf
 * runtime: field numbers as in google/rpc/status.proto and google/rpc/error_details.proto.
 */

import { varint } from '../wire/varint.js';

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** One field of a request that is wrong (google.rpc.BadRequest.FieldViolation). */
export interface FieldViolation {
  field: string;
  description: string;
}

/** A precondition the request failed (google.rpc.PreconditionFailure.Violation). */
export interface PreconditionViolation {
  type: string;
  subject: string;
  description: string;
}

/** What an error status carries besides its code and message. */
export interface StatusDetails {
  /** google.rpc.ErrorInfo: a stable reason (UPPER_SNAKE_CASE) within `domain`. */
  errorInfo: { reason: string; domain: string; metadata?: Readonly<Record<string, string>> };
  /** google.rpc.BadRequest, for INVALID_ARGUMENT. */
  fieldViolations?: readonly FieldViolation[];
  /** google.rpc.PreconditionFailure, for FAILED_PRECONDITION. */
  preconditionViolations?: readonly PreconditionViolation[];
  /** google.rpc.RetryInfo: when a retry may succeed. */
  retryDelayMs?: number;
}

/** A google.protobuf.Any, as proto-loader encodes one from an object. */
export interface PackedAny {
  type_url: string;
  value: Buffer;
}

/** The bytes of a google.rpc.Status { code, message, details }. */
export function encodeStatus(code: number, message: string, details: StatusDetails): Buffer {
  const any = packDetails(details).map((a) => concat(string(1, a.type_url), bytes(2, a.value)));
  return concat(varintField(1, code), string(2, message), ...any.map((a) => bytes(3, a)));
}

/** The `details` of a google.rpc.Status, each packed in an Any (what encodeStatus writes). */
export function packDetails(details: StatusDetails): PackedAny[] {
  const any: PackedAny[] = [packAny('ErrorInfo', errorInfo(details.errorInfo))];
  if (details.fieldViolations !== undefined && details.fieldViolations.length > 0) {
    const violations = details.fieldViolations.map((v) =>
      bytes(1, concat(string(1, v.field), string(2, v.description))),
    );
    any.push(packAny('BadRequest', concat(...violations)));
  }
  if (details.preconditionViolations !== undefined && details.preconditionViolations.length > 0) {
    const violations = details.preconditionViolations.map((v) =>
      bytes(1, concat(string(1, v.type), string(2, v.subject), string(3, v.description))),
    );
    any.push(packAny('PreconditionFailure', concat(...violations)));
  }
  if (details.retryDelayMs !== undefined) {
    const ms = Math.max(0, Math.round(details.retryDelayMs));
    const duration = concat(
      varintField(1, Math.floor(ms / 1000)),
      varintField(2, (ms % 1000) * 1e6),
    );
    any.push(packAny('RetryInfo', bytes(1, duration)));
  }
  return any;
}

function errorInfo(info: StatusDetails['errorInfo']): Buffer {
  const entries = Object.entries(info.metadata ?? {}).map(([key, value]) =>
    bytes(3, concat(string(1, key), string(2, value))),
  );
  return concat(string(1, info.reason), string(2, info.domain), ...entries);
}

function packAny(type: string, value: Buffer): PackedAny {
  return { type_url: `${TYPE_PREFIX}${type}`, value };
}

function concat(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}

/** A varint field; proto3 leaves zero out. */
function varintField(field: number, value: number): Buffer {
  return value === 0 ? Buffer.alloc(0) : concat(varint(field << 3), varint(value));
}

function string(field: number, value: string): Buffer {
  return value === '' ? Buffer.alloc(0) : bytes(field, Buffer.from(value, 'utf8'));
}

/** A length-delimited field (bytes or an embedded message), written even when empty. */
function bytes(field: number, value: Buffer): Buffer {
  return concat(varint((field << 3) | 2), varint(value.length), value);
}
