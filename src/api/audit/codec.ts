import { MAX_ABS_PNL, MAX_WALL_TIME } from '../../services/audit/pnlBuckets.js';
import type { RangeQuery, TailQuery } from '../../services/audit/AuditService.js';
import type {
  AuditEntry as DomainEntry,
  AuditRecord as DomainRecord,
} from '../../model/AuditEntry.js';
import { invalidArgument, quote } from '../../model/errors.js';
import type { AuditEntry__Output } from '../../generated/mnemo/v1/AuditEntry.js';
import type { AuditRecord } from '../../generated/mnemo/v1/AuditRecord.js';
import type { AuditServiceAgentPnlRequest__Output } from '../../generated/mnemo/v1/AuditServiceAgentPnlRequest.js';
import type { AuditServiceRangeRequest__Output } from '../../generated/mnemo/v1/AuditServiceRangeRequest.js';
import type { AuditServiceTailRequest__Output } from '../../generated/mnemo/v1/AuditServiceTailRequest.js';

/** Limits the audit decoders enforce, from the service configuration. */
export interface AuditLimits {
  /** Largest entry: the bytes of its text fields plus 8 per number. */
  auditMaxEntryBytes: number;
  /** Most records in one Range page. */
  maxBatch: number;
}

const MAX_ID_BYTES = 256;
const DEFAULT_RANGE_COUNT = 100;
const STREAM_ID = /^(\d{1,20})(?:-(\d{1,20}))?$/;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

function requiredId(field: string, value: string): string {
  if (value.length === 0) throw invalidArgument(field, 'is required');
  return optionalId(field, value) ?? value;
}

function optionalId(field: string, value: string): string | null {
  if (value.length === 0) return null;
  const bytes = Buffer.byteLength(value);
  if (bytes > MAX_ID_BYTES) {
    throw invalidArgument(field, `is ${bytes} bytes, at most ${MAX_ID_BYTES} are allowed`);
  }
  return value;
}

function finite(field: string, value: number): number {
  if (!Number.isFinite(value)) throw invalidArgument(field, 'must be a finite number');
  return value;
}

/** A time bound in unix seconds within [0, MAX_WALL_TIME], as wall_time is: 0 = unbounded (null). */
function timeBound(field: string, value: number): number | null {
  finite(field, value);
  if (value < 0 || value > MAX_WALL_TIME) {
    throw invalidArgument(
      field,
      `must be unix seconds in [0, ${MAX_WALL_TIME}] (0 = unbounded), got ${quote(value)}`,
    );
  }
  return value === 0 ? null : value;
}

function timeBounds(fromTime: number, toTime: number): [number | null, number | null] {
  const from = timeBound('from_time', fromTime);
  const to = timeBound('to_time', toTime);
  if (from !== null && to !== null && from > to) {
    throw invalidArgument('from_time', `${quote(from)} is after to_time ${quote(to)}`);
  }
  return [from, to];
}

/** A stream id `ms` or `ms-seq` (each part an unsigned 64-bit integer); empty = null. */
export function decodeStreamId(field: string, value: string): string | null {
  if (value.length === 0) return null;
  const match = STREAM_ID.exec(value);
  if (match === null) {
    throw invalidArgument(field, `${quote(value)} is not a stream id (ms or ms-seq)`);
  }
  for (const part of [match[1], match[2]]) {
    if (part !== undefined && BigInt(part) > U64_MAX) {
      throw invalidArgument(field, `${quote(value)} is out of range`);
    }
  }
  return value;
}

export function decodeAuditEntry(
  field: string,
  entry: AuditEntry__Output | null,
  limits: AuditLimits,
): DomainEntry {
  if (entry === null) throw invalidArgument(field, 'is required');
  const pnl = finite(`${field}.pnl`, entry.pnl);
  if (Math.abs(pnl) > MAX_ABS_PNL) {
    throw invalidArgument(
      `${field}.pnl`,
      `magnitude must be at most ${MAX_ABS_PNL}, got ${quote(pnl)}`,
    );
  }
  const wallTime = finite(`${field}.wall_time`, entry.wall_time);
  if (wallTime < 0 || wallTime > MAX_WALL_TIME) {
    throw invalidArgument(
      `${field}.wall_time`,
      `must be unix seconds in [0, ${MAX_WALL_TIME}] (0 = now), got ${quote(wallTime)}`,
    );
  }
  if (entry.meta.length > 0) {
    try {
      JSON.parse(entry.meta);
    } catch {
      throw invalidArgument(`${field}.meta`, 'is not valid JSON');
    }
  }
  const decoded: DomainEntry = {
    agentId: requiredId(`${field}.agent_id`, entry.agent_id),
    action: requiredId(`${field}.action`, entry.action),
    market: entry.market,
    amount: finite(`${field}.amount`, entry.amount),
    status: entry.status,
    txId: optionalId(`${field}.tx_id`, entry.tx_id) ?? '',
    pnl,
    wallTime,
    meta: entry.meta,
  };
  const bytes =
    [decoded.agentId, decoded.action, decoded.market, decoded.status, decoded.txId, decoded.meta]
      .map((text) => Buffer.byteLength(text))
      .reduce((a, b) => a + b, 0) +
    3 * 8;
  if (bytes > limits.auditMaxEntryBytes) {
    throw invalidArgument(
      field,
      `is ${bytes} bytes, at most ${limits.auditMaxEntryBytes} are allowed`,
    );
  }
  return decoded;
}

export function decodeRangeQuery(
  request: AuditServiceRangeRequest__Output,
  limits: AuditLimits,
): RangeQuery {
  // page_size, or the deprecated count when it is 0.
  const [sizeField, size] =
    request.page_size !== 0 ? ['page_size', request.page_size] : ['count', request.count];
  if (size > limits.maxBatch) {
    throw invalidArgument(sizeField, `must be at most ${limits.maxBatch}, got ${quote(size)}`);
  }
  const [fromTime, toTime] = timeBounds(request.from_time, request.to_time);
  return {
    startId: decodeStreamId('start_id', request.start_id),
    endId: decodeStreamId('end_id', request.end_id),
    fromTime,
    toTime,
    count: size === 0 ? Math.min(DEFAULT_RANGE_COUNT, limits.maxBatch) : size,
    agentIds: agentFilter(optionalId('agent_id', request.agent_id)),
    action: optionalId('action', request.action),
  };
}

function agentFilter(agentId: string | null): string[] | null {
  return agentId === null ? null : [agentId];
}

export function decodeTailQuery(request: AuditServiceTailRequest__Output): TailQuery {
  return {
    afterId: request.after_id === '$' ? null : decodeStreamId('after_id', request.after_id),
    agentIds: agentFilter(optionalId('agent_id', request.agent_id)),
  };
}

export function decodeAgentPnl(request: AuditServiceAgentPnlRequest__Output): {
  agentId: string;
  from: number | null;
  to: number | null;
} {
  const agentId = requiredId('agent_id', request.agent_id);
  const [from, to] = timeBounds(request.from_time, request.to_time);
  return { agentId, from, to };
}

export function encodeAuditRecord(record: DomainRecord): AuditRecord {
  const e = record.entry;
  return {
    id: record.id,
    entry: {
      agent_id: e.agentId,
      action: e.action,
      market: e.market,
      amount: e.amount,
      status: e.status,
      tx_id: e.txId,
      pnl: e.pnl,
      wall_time: e.wallTime,
      meta: e.meta,
    },
  };
}
