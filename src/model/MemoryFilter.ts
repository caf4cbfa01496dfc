/** A numeric interval; an absent side is unbounded. */
export interface NumericRange {
  min?: number;
  max?: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/**
 * Kind-neutral filter: every listed tag field must equal one of its values, every listed numeric
 * field must lie in its range. An empty filter matches everything.
 */
export interface MemoryFilter {
  tags: Record<string, readonly string[]>;
  ranges: Record<string, NumericRange>;
}

export const EMPTY_FILTER: MemoryFilter = Object.freeze({ tags: {}, ranges: {} });

export function inRange(value: number, range: NumericRange): boolean {
  if (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) {
    return false;
  }
  if (range.max !== undefined && (range.maxExclusive ? value >= range.max : value > range.max)) {
    return false;
  }
  return true;
}

/** Whether a memory's attributes satisfy the filter. */
export function matchesFilter(
  attributes: { tags: Record<string, string>; numbers: Record<string, number> },
  filter: MemoryFilter,
): boolean {
  // for…in, not Object.entries: this runs for every hit, and entries allocate.
  const { tags, ranges } = filter;
  for (const field in tags) {
    const value = attributes.tags[field];
    if (value === undefined || !(tags[field] as readonly string[]).includes(value)) return false;
  }
  for (const field in ranges) {
    const value = attributes.numbers[field];
    if (value === undefined || !inRange(value, ranges[field] as NumericRange)) return false;
  }
  return true;
}

/**
 * A key equal for equal filters (same fields, values in the same order, same bounds): numbers as
 * String() writes them, so ±Infinity stay apart (JSON would write both as null).
 */
export function filterKey(filter: MemoryFilter): string {
  let key = '';
  for (const [field, values] of Object.entries(filter.tags)) {
    key += `${JSON.stringify(field)}:${JSON.stringify(values)};`;
  }
  key += '|';
  for (const [field, r] of Object.entries(filter.ranges)) {
    key += `${JSON.stringify(field)}:${String(r.min)},${String(r.max)},${r.minExclusive ? 1 : 0}${
      r.maxExclusive ? 1 : 0
    };`;
  }
  return key;
}

export function isEmptyFilter(filter: MemoryFilter): boolean {
  return Object.keys(filter.tags).length === 0 && Object.keys(filter.ranges).length === 0;
}
