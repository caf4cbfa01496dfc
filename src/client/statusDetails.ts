import type { Metadata } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** google/rpc/status.proto and the error_details.proto messages mnemo sends, as published. */
const PROTO = `
syntax = "proto3";
package google.rpc;
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
message BadRequest {
  message FieldViolation { string field = 1; string description = 2; }
  repeated FieldViolation field_violations = 1;
}
message PreconditionFailure {
  message Violation { string type = 1; string subject = 2; string description = 3; }
  repeated Violation violations = 1;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** The details of an error status, decoded by a real protobuf runtime. */
export interface DecodedStatus {
  code: number;
  message: string;
  errorInfo?: { reason: string; domain: string; metadata?: Record<string, string> };
  badRequest?: { field_violations: { field: string; description: string }[] };
  preconditionFailure?: { violations: { type: string; subject: string; description: string }[] };
  retryInfo?: { retry_delay?: { seconds?: number; nanos?: number } };
  /** Type names of every detail, in order. */
  types: string[];
}

/** A google.rpc.Status as an object: a trailer's, or a stream message's `error` field. */
export interface RpcStatusObject {
  code?: number;
  message?: string;
  details?: { type_url: string; value: Uint8Array }[];
}

/** The google.rpc.Status of a failed call's `grpc-status-details-bin` trailer, or null if absent. */
export function statusDetails(error: { metadata?: Metadata }): DecodedStatus | null {
  const [raw] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (raw === undefined) return null;
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw;
  const status = root
    .lookupType('google.rpc.Status')
    .toObject(root.lookupType('google.rpc.Status').decode(bytes), {
      longs: Number,
      defaults: false,
    }) as RpcStatusObject;
  return decodeStatus(status);
}

/** A google.rpc.Status object with its details decoded (ErrorInfo, BadRequest, …). */
export function decodeStatus(status: RpcStatusObject): DecodedStatus {
  const decoded: DecodedStatus = {
    code: status.code ?? 0,
    message: status.message ?? '',
    types: [],
  };
  for (const any of status.details ?? []) {
    const name = any.type_url.startsWith(TYPE_PREFIX)
      ? any.type_url.slice(TYPE_PREFIX.length)
      : any.type_url;
    decoded.types.push(name);
    const type = root.lookupType(`google.rpc.${name}`);
    const value = type.toObject(type.decode(any.value), { longs: Number, arrays: true });
    if (name === 'ErrorInfo') decoded.errorInfo = value as DecodedStatus['errorInfo'];
    if (name === 'BadRequest') decoded.badRequest = value as DecodedStatus['badRequest'];
    if (name === 'PreconditionFailure') {
      decoded.preconditionFailure = value as DecodedStatus['preconditionFailure'];
    }
    if (name === 'RetryInfo') decoded.retryInfo = value;
  }
  return decoded;
}
