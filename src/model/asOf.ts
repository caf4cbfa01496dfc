import type { MemoryFilter, NumericRange } from './MemoryFilter.js';
import type { MemoryRecord, OutcomeVersion } from './MemoryRecord.js';
import type { MemorySchema, OutcomeSchema } from './MemorySchema.js';

/**
 * As-of queries: a memory of a kind with an outcome (MemorySchema.outcome) exists from its time
 * field on, and its outcome fields are known from its known-at field on (never before its time;
 * a record without one is known at its time). A query as of `asOf` sees the memories that existed
 * then, each with its outcome only when it was known then: otherwise the outcome fields are
 * absent (pending) and a filter on one of them does not pass it.
 */

/** What as-of reads of a memory: its attributes and earlier outcomes. */
export type Seeable = Pick<MemoryRecord, 'tags' | 'numbers' | 'versions'>;

/** What a query as of a time sees of one stored memory. */
export interface SeenAsOf<R extends Seeable = MemoryRecord> {
  record: R;
  /** The outcome was not known yet: the record's outcome fields (and known-at) are absent. */
  pending: boolean;
}

/** Whether a filter constrains an outcome field (and so excludes pending memories). */
export function constrainsOutcome(outcome: OutcomeSchema, filter: MemoryFilter): boolean {
  return outcome.fields.some((field) => field in filter.tags || field in filter.ranges);
}

/**
 * The filter a query as of `asOf` runs on the stored columns: the memory's time at most `asOf`
 * and, when the filter reads an outcome field, its known-at too (a pending outcome passes no
 * filter on it). Exact on the existing range machinery.
 */
export function filterAsOf(
  outcome: OutcomeSchema,
  filter: MemoryFilter,
  asOf: number,
): MemoryFilter {
  const ranges = { ...filter.ranges };
  ranges[outcome.timeField] = capped(ranges[outcome.timeField], asOf);
  if (constrainsOutcome(outcome, filter)) {
    ranges[outcome.knownAtField] = capped(ranges[outcome.knownAtField], asOf);
  }
  return { tags: filter.tags, ranges };
}

/** `range` further bounded above by `max` (inclusive). */
function capped(range: NumericRange | undefined, max: number): NumericRange {
  if (range === undefined) return { max, minExclusive: false, maxExclusive: false };
  if (range.max !== undefined && range.max <= max) return range;
  return { ...range, max, maxExclusive: false };
}

/**
 * What a query as of `asOf` (undefined: the present, everything as stored) sees of a stored
 * record: null when the memory did not exist yet, else the record with the outcome known then —
 * its own, else the latest of its earlier versions known by then, else none: without its outcome
 * fields (pending). A copy where it differs; the stored record is left as it is.
 */
export function seenAsOf<R extends Seeable>(
  schema: MemorySchema,
  record: R,
  asOf: number | undefined,
): SeenAsOf<R> | null {
  const outcome = schema.outcome;
  if (asOf === undefined || outcome === null) return { record, pending: false };
  const time = record.numbers[outcome.timeField] ?? 0;
  if (time > asOf) return null;
  if (knownAt(outcome, record) <= asOf) return { record, pending: false };
  const version = versionAsOf(record.versions, asOf);
  if (version !== undefined) {
    const numbers = {
      ...record.numbers,
      ...version.numbers,
      [outcome.knownAtField]: version.knownAt,
    };
    return {
      record: { ...record, tags: { ...record.tags, ...version.tags }, numbers },
      pending: false,
    };
  }
  const hidden = new Set([...outcome.fields, outcome.knownAtField]);
  const keep = <T>(values: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(values).filter(([field]) => !hidden.has(field)));
  return {
    record: { ...record, tags: keep(record.tags), numbers: keep(record.numbers) },
    pending: true,
  };
}

/** The latest of earlier outcomes (oldest first) known by `asOf`. */
export function versionAsOf(
  versions: readonly OutcomeVersion[] | undefined,
  asOf: number,
): OutcomeVersion | undefined {
  if (versions === undefined) return undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i];
    if (version !== undefined && version.knownAt <= asOf) return version;
  }
  return undefined;
}

/** When a record's outcome became known: its known-at field, else its time. */
export function knownAt(outcome: OutcomeSchema, record: Pick<Seeable, 'numbers'>): number {
  return record.numbers[outcome.knownAtField] ?? record.numbers[outcome.timeField] ?? 0;
}

/** Gives a record stored without a known-at field (before as-of existed) its time as known-at. */
export function withKnownAt(schema: MemorySchema, record: MemoryRecord): MemoryRecord {
  const outcome = schema.outcome;
  if (outcome !== null && record.numbers[outcome.knownAtField] === undefined) {
    const time = record.numbers[outcome.timeField];
    if (time !== undefined) record.numbers[outcome.knownAtField] = time;
  }
  return record;
}
