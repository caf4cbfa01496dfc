import { failedPrecondition, invalidArgument, quote } from '../../model/errors.js';
import type { MemoryFilter, NumericRange } from '../../model/MemoryFilter.js';
import type { MemoryRecord } from '../../model/MemoryRecord.js';
import type { RecentCursor } from '../../model/RecentCursor.js';
import type { SearchRequest, UpsertRequest } from '../../services/memory/MemoryService.js';
import type { Principal } from '../../model/Principal.js';
import type { EpisodicFilter__Output } from '../../generated/mnemo/v1/EpisodicFilter.js';
import type {
  EpisodicMemory,
  EpisodicMemory__Output,
} from '../../generated/mnemo/v1/EpisodicMemory.js';
import type { NumericRange__Output } from '../../generated/mnemo/v1/NumericRange.js';
import type { SearchEpisodicRequest__Output } from '../../generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchSemanticRequest__Output } from '../../generated/mnemo/v1/SearchSemanticRequest.js';
import type { SemanticFilter__Output } from '../../generated/mnemo/v1/SemanticFilter.js';
import type {
  SemanticMemory,
  SemanticMemory__Output,
} from '../../generated/mnemo/v1/SemanticMemory.js';
import type { Vector, Vector__Output } from '../../generated/mnemo/v1/Vector.js';
import {
  decodeEpisodicRanking,
  decodeSemanticRanking,
  type RankingDefaults,
} from './rankingCodec.js';

/** Limits the decoders enforce and ranking defaults, from the service configuration. */
export interface CodecLimits extends RankingDefaults {
  vectorDim: number;
  maxK: number;
  maxBatch: number;
  /** How far back as_of may reach, ms (0 or absent: any time). */
  asOfRetentionMs?: number;
}

const MAX_ID_BYTES = 512;
const MAX_TAG_BYTES = 1024;
const MAX_EF_RUNTIME = 10_000;

const MEMORY_TYPES: Readonly<Record<string, string>> = {
  MEMORY_TYPE_PATTERN: 'pattern',
  MEMORY_TYPE_REGIME: 'regime',
  MEMORY_TYPE_STRATEGY: 'strategy',
};
const MEMORY_TYPE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(MEMORY_TYPES).map(([name, tag]) => [tag, name]),
);

export function decodeVector(
  field: string,
  vector: Vector__Output | null,
  limits: CodecLimits,
): Float32Array {
  if (vector === null) throw invalidArgument(field, 'is required');
  const hasValues = vector.values.length > 0;
  const hasBytes = vector.f32le.length > 0;
  if (hasValues === hasBytes) {
    throw invalidArgument(field, 'set exactly one of values and f32le');
  }
  let values: Float32Array;
  if (hasBytes) {
    if (vector.f32le.length % 4 !== 0) {
      throw invalidArgument(
        `${field}.f32le`,
        `byte length ${vector.f32le.length} is not a multiple of 4`,
      );
    }
    values = new Float32Array(vector.f32le.length / 4);
    new Uint8Array(values.buffer).set(vector.f32le);
  } else {
    values = Float32Array.from(vector.values);
  }
  if (values.length !== limits.vectorDim) {
    throw invalidArgument(field, `has ${values.length} dimensions, expected ${limits.vectorDim}`);
  }
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    if (!Number.isFinite(x)) throw invalidArgument(field, `component ${i} is not a finite number`);
    norm += x * x;
  }
  if (norm === 0) throw invalidArgument(field, 'is a zero vector, which has no cosine distance');
  return values;
}

export function encodeVector(vector: Float32Array): Vector {
  return { f32le: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength) };
}

function finite(field: string, value: number): number {
  if (!Number.isFinite(value)) throw invalidArgument(field, 'must be a finite number');
  return value;
}

function id(field: string, value: string): string {
  if (Buffer.byteLength(value) > MAX_ID_BYTES) {
    throw invalidArgument(field, `is longer than ${MAX_ID_BYTES} bytes`);
  }
  return value;
}

function tag(field: string, value: string): string {
  if (Buffer.byteLength(value) > MAX_TAG_BYTES) {
    throw invalidArgument(field, `is longer than ${MAX_TAG_BYTES} bytes`);
  }
  return value;
}

function batch<T>(field: string, items: readonly T[], limits: CodecLimits): readonly T[] {
  if (items.length > limits.maxBatch) {
    throw invalidArgument(
      field,
      `has ${items.length} items, at most ${limits.maxBatch} are allowed`,
    );
  }
  return items;
}

export function decodeIds(field: string, ids: readonly string[], limits: CodecLimits): string[] {
  return batch(field, ids, limits).map((value, i) => {
    if (value === '') throw invalidArgument(`${field}[${i}]`, 'must not be empty');
    return id(`${field}[${i}]`, value);
  });
}

export function decodeEpisodicMemories(
  memories: readonly EpisodicMemory__Output[],
  limits: CodecLimits,
): MemoryRecord[] {
  return batch('memories', memories, limits).map((m, i) => {
    const at = `memories[${i}]`;
    if (m.agent_id === '') throw invalidArgument(`${at}.agent_id`, 'is required');
    const timestamp = finite(`${at}.timestamp`, m.timestamp);
    return {
      id: id(`${at}.id`, m.id),
      vector: decodeVector(`${at}.state_vector`, m.state_vector, limits),
      tags: {
        agent_id: tag(`${at}.agent_id`, m.agent_id),
        product_id: tag(`${at}.product_id`, m.product_id),
        regime: tag(`${at}.regime`, m.regime),
        terminal: m.terminal ? 'true' : 'false',
      },
      numbers: {
        reward: finite(`${at}.reward`, m.reward),
        timestamp,
        outcome_known_at: decodeKnownAt(`${at}.outcome_known_at`, m.outcome_known_at, timestamp),
      },
      payload: m.payload,
    };
  });
}

/** When an outcome became known: unset is the memory's timestamp; never before it. */
function decodeKnownAt(field: string, value: number | undefined, timestamp: number): number {
  if (value === undefined) return timestamp;
  if (finite(field, value) < timestamp) {
    throw invalidArgument(field, `${quote(value)} is before the timestamp ${quote(timestamp)}`);
  }
  return value;
}

/**
 * A query's as_of (unix seconds); undefined when unset (now). One older than the retention is
 * FAILED_PRECONDITION: the outcomes it would see may no longer be kept, and answering with later
 * ones would show the future.
 */
export function decodeAsOf(
  field: string,
  value: number | undefined,
  limits: CodecLimits,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) {
    throw invalidArgument(field, `must be a finite, non-negative unix time, got ${quote(value)}`);
  }
  const retentionMs = limits.asOfRetentionMs ?? 0;
  if (retentionMs > 0 && value * 1000 < Date.now() - retentionMs) {
    throw failedPrecondition(
      field,
      `is older than the as-of retention (MNEMO_ASOF_RETENTION_MS, ${retentionMs} ms): earlier outcomes are no longer kept`,
      'AS_OF_BEYOND_RETENTION',
    );
  }
  return value;
}

function memoryType(field: string, value: unknown): string {
  const tagValue = typeof value === 'string' ? MEMORY_TYPES[value] : undefined;
  if (tagValue === undefined) {
    throw invalidArgument(
      field,
      `must be MEMORY_TYPE_PATTERN, _REGIME or _STRATEGY, got ${quote(value)}`,
    );
  }
  return tagValue;
}

export function decodeSemanticMemories(
  memories: readonly SemanticMemory__Output[],
  limits: CodecLimits,
): MemoryRecord[] {
  return batch('memories', memories, limits).map((m, i) => {
    const at = `memories[${i}]`;
    if (!Number.isSafeInteger(m.access_count) || m.access_count < 0) {
      throw invalidArgument(`${at}.access_count`, 'must be a non-negative integer');
    }
    return {
      id: id(`${at}.id`, m.id),
      vector: decodeVector(`${at}.concept_vector`, m.concept_vector, limits),
      tags: {
        memory_type: memoryType(`${at}.memory_type`, m.memory_type),
        regime_name: tag(`${at}.regime_name`, m.regime_name),
      },
      numbers: {
        sharpe_ratio: finite(`${at}.sharpe_ratio`, m.sharpe_ratio),
        win_rate: finite(`${at}.win_rate`, m.win_rate),
        access_count: m.access_count,
        last_accessed: finite(`${at}.last_accessed`, m.last_accessed),
      },
      payload: m.payload,
    };
  });
}

/**
 * An episodic memory as answered. A record seen with its outcome pending (model/asOf.ts) lacks
 * its outcome fields and known-at: they are answered unset (proto3 defaults, outcome_known_at
 * absent).
 */
export function encodeEpisodicMemory(record: MemoryRecord): EpisodicMemory {
  const knownAt = record.numbers.outcome_known_at;
  return {
    id: record.id,
    agent_id: record.tags.agent_id ?? '',
    product_id: record.tags.product_id ?? '',
    regime: record.tags.regime ?? '',
    state_vector: record.vector.length > 0 ? encodeVector(record.vector) : null,
    reward: record.numbers.reward ?? 0,
    timestamp: record.numbers.timestamp ?? 0,
    terminal: record.tags.terminal === 'true',
    payload: record.payload,
    ...(knownAt === undefined ? {} : { outcome_known_at: knownAt }),
  };
}

const answered = new WeakMap<MemoryRecord, EpisodicMemory>();

/**
 * encodeEpisodicMemory, the same object for the same record while it lives: a record the
 * record cache holds is shared and never modified, so its answer is built once, and the
 * response encoder (wire/episodicHits.ts) encodes its bytes once too.
 */
export function answeredEpisodicMemory(record: MemoryRecord): EpisodicMemory {
  let memory = answered.get(record);
  if (memory === undefined) {
    memory = encodeEpisodicMemory(record);
    answered.set(record, memory);
  }
  return memory;
}

export function encodeSemanticMemory(record: MemoryRecord): SemanticMemory {
  return {
    id: record.id,
    concept_vector: record.vector.length > 0 ? encodeVector(record.vector) : null,
    memory_type: (MEMORY_TYPE_NAMES[record.tags.memory_type ?? ''] ??
      'MEMORY_TYPE_UNSPECIFIED') as SemanticMemory['memory_type'],
    regime_name: record.tags.regime_name ?? '',
    sharpe_ratio: record.numbers.sharpe_ratio ?? 0,
    win_rate: record.numbers.win_rate ?? 0,
    access_count: record.numbers.access_count ?? 0,
    last_accessed: record.numbers.last_accessed ?? 0,
    payload: record.payload,
  };
}

function decodeRange(field: string, range: NumericRange__Output | null): NumericRange | null {
  if (range === null) return null;
  const min = range.min;
  const max = range.max;
  if (min === undefined && max === undefined) return null;
  if (min !== undefined && Number.isNaN(min)) throw invalidArgument(`${field}.min`, 'is NaN');
  if (max !== undefined && Number.isNaN(max)) throw invalidArgument(`${field}.max`, 'is NaN');
  if (min !== undefined && max !== undefined && min > max) {
    throw invalidArgument(field, `min ${quote(min)} is above max ${quote(max)}`);
  }
  const decoded: NumericRange = {
    minExclusive: range.min_exclusive,
    maxExclusive: range.max_exclusive,
  };
  if (min !== undefined) decoded.min = min;
  if (max !== undefined) decoded.max = max;
  return decoded;
}

/** A filter field's values: at most MNEMO_MAX_BATCH of them, checked before any is looked at. */
function filterValues<T>(path: string, values: readonly T[], limits: CodecLimits): readonly T[] {
  if (values.length > limits.maxBatch) {
    throw invalidArgument(
      path,
      `has ${values.length} values, at most ${limits.maxBatch} are allowed`,
    );
  }
  return values;
}

function addTags(
  filter: MemoryFilter,
  field: string,
  path: string,
  values: readonly string[],
  limits: CodecLimits,
): void {
  if (filterValues(path, values, limits).length === 0) return;
  values.forEach((value, i) => tag(`${path}[${i}]`, value));
  filter.tags[field] = [...new Set(values)];
}

function addRange(
  filter: MemoryFilter,
  field: string,
  path: string,
  range: NumericRange__Output | null,
): void {
  const decoded = decodeRange(path, range);
  if (decoded !== null) filter.ranges[field] = decoded;
}

export function decodeEpisodicFilter(
  field: string,
  filter: EpisodicFilter__Output | null,
  limits: CodecLimits,
): MemoryFilter {
  const decoded: MemoryFilter = { tags: {}, ranges: {} };
  if (filter === null) return decoded;
  addTags(decoded, 'agent_id', `${field}.agent_ids`, filter.agent_ids, limits);
  addTags(decoded, 'product_id', `${field}.product_ids`, filter.product_ids, limits);
  addTags(decoded, 'regime', `${field}.regimes`, filter.regimes, limits);
  addRange(decoded, 'reward', `${field}.reward`, filter.reward);
  addRange(decoded, 'timestamp', `${field}.timestamp`, filter.timestamp);
  if (filter.terminal !== undefined) decoded.tags.terminal = [filter.terminal ? 'true' : 'false'];
  return decoded;
}

export function decodeSemanticFilter(
  field: string,
  filter: SemanticFilter__Output | null,
  limits: CodecLimits,
): MemoryFilter {
  const decoded: MemoryFilter = { tags: {}, ranges: {} };
  if (filter === null) return decoded;
  if (filterValues(`${field}.memory_types`, filter.memory_types, limits).length > 0) {
    decoded.tags.memory_type = [
      ...new Set(filter.memory_types.map((t, i) => memoryType(`${field}.memory_types[${i}]`, t))),
    ];
  }
  addTags(decoded, 'regime_name', `${field}.regime_names`, filter.regime_names, limits);
  addRange(decoded, 'sharpe_ratio', `${field}.sharpe_ratio`, filter.sharpe_ratio);
  addRange(decoded, 'win_rate', `${field}.win_rate`, filter.win_rate);
  addRange(decoded, 'access_count', `${field}.access_count`, filter.access_count);
  addRange(decoded, 'last_accessed', `${field}.last_accessed`, filter.last_accessed);
  return decoded;
}

function decodeK(field: string, k: number, limits: CodecLimits): number {
  if (k < 1 || k > limits.maxK)
    throw invalidArgument(field, `must be between 1 and ${limits.maxK}, got ${quote(k)}`);
  return k;
}

function decodeEf(field: string, ef: number): number {
  if (ef > MAX_EF_RUNTIME) throw invalidArgument(field, `must be at most ${MAX_EF_RUNTIME}`);
  return ef;
}

/** A search's request; a ranking's recency counts ages from `nowS` (unix seconds). */
export function decodeSearchEpisodic(
  request: SearchEpisodicRequest__Output,
  limits: CodecLimits,
  path = '',
  nowS = Date.now() / 1000,
): SearchRequest {
  const asOf = decodeAsOf(`${path}as_of`, request.as_of, limits);
  // As of a past time, recency counts from that time.
  const ranking = decodeEpisodicRanking(
    path,
    request.ranking,
    request.explain,
    limits,
    asOf ?? nowS,
  );
  return {
    vector: decodeVector(`${path}vector`, request.vector, limits),
    k: decodeK(`${path}k`, request.k, limits),
    filter: decodeEpisodicFilter(`${path}filter`, request.filter, limits),
    efRuntime: decodeEf(`${path}ef_runtime`, request.ef_runtime),
    exact: request.exact,
    includeVectors: request.include_vectors,
    touch: false,
    asOf,
    ...(ranking === undefined ? {} : { ranking }),
  };
}

export function decodeSearchSemantic(
  request: SearchSemanticRequest__Output,
  limits: CodecLimits,
  nowS = Date.now() / 1000,
): SearchRequest {
  const ranking = decodeSemanticRanking(request.ranking, request.explain, limits, nowS);
  return {
    vector: decodeVector('vector', request.vector, limits),
    k: decodeK('k', request.k, limits),
    filter: decodeSemanticFilter('filter', request.filter, limits),
    efRuntime: decodeEf('ef_runtime', request.ef_runtime),
    exact: request.exact,
    includeVectors: request.include_vectors,
    touch: request.touch,
    ...(ranking === undefined ? {} : { ranking }),
  };
}

const RECENT_ORDERS: Readonly<Record<string, string>> = {
  RECENT_ORDER_UNSPECIFIED: 'reward',
  RECENT_ORDER_REWARD_DESC: 'reward',
  RECENT_ORDER_TIMESTAMP_DESC: 'timestamp',
};

const SEMANTIC_ORDERS: Readonly<Record<string, string>> = {
  SEMANTIC_ORDER_UNSPECIFIED: 'sharpe_ratio',
  SEMANTIC_ORDER_SHARPE_RATIO_DESC: 'sharpe_ratio',
  SEMANTIC_ORDER_WIN_RATE_DESC: 'win_rate',
  SEMANTIC_ORDER_ACCESS_COUNT_DESC: 'access_count',
  SEMANTIC_ORDER_LAST_ACCESSED_DESC: 'last_accessed',
};

/** The numeric field a ListSemantic order sorts by. */
export function decodeSemanticOrder(field: string, order: unknown): string {
  const decoded = typeof order === 'string' ? SEMANTIC_ORDERS[order] : undefined;
  if (decoded === undefined) throw invalidArgument(field, `unknown order ${quote(order)}`);
  return decoded;
}

export function decodeRecentOrder(field: string, order: unknown): string {
  const decoded = typeof order === 'string' ? RECENT_ORDERS[order] : undefined;
  if (decoded === undefined) throw invalidArgument(field, `unknown order ${quote(order)}`);
  return decoded;
}

export function decodeLimit(field: string, limit: number, limits: CodecLimits): number {
  if (limit === 0) return 10;
  return decodeK(field, limit, limits);
}

/** Most bytes of an upsert's request_id. */
const MAX_REQUEST_ID_BYTES = 128;

/** An upsert's request_id in the scope of the calling token; null when it is empty. */
export function decodeRequestId(
  field: string,
  requestId: string,
  principal: Principal,
): UpsertRequest | null {
  if (requestId === '') return null;
  const bytes = Buffer.byteLength(requestId, 'utf8');
  if (bytes > MAX_REQUEST_ID_BYTES) {
    throw invalidArgument(field, `must be at most ${MAX_REQUEST_ID_BYTES} bytes, got ${bytes}`);
  }
  return { scope: principal.name, id: requestId };
}

/** The RecentEpisodic cursor a page token held (see pageToken.ts): [value, id] of the last. */
export function decodeRecentCursor(field: string, position: unknown): RecentCursor | null {
  if (position === null) return null;
  if (
    !Array.isArray(position) ||
    position.length !== 2 ||
    (typeof position[0] !== 'number' && position[0] !== null) ||
    typeof position[1] !== 'string'
  ) {
    throw invalidArgument(field, 'is not a page token returned by this RPC');
  }
  // null: -Infinity, where memories of a pending outcome sort (JSON has no -Infinity).
  const value: unknown = position[0];
  return { value: typeof value === 'number' ? value : -Infinity, id: position[1] };
}

/** What a RecentEpisodic page token holds of the next page's cursor. */
export function encodeRecentCursor(cursor: RecentCursor | null): [number, string] | null {
  return cursor === null ? null : [cursor.value, cursor.id];
}
