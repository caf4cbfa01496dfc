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
  for (const [field, values] of Object.entries(filter.tags)) {
    const value = attributes.tags[field];
    if (value === undefined || !values.includes(value)) return false;
  }
  for (const [field, range] of Object.entries(filter.ranges)) {
    const value = attributes.numbers[field];
    if (value === undefined || !inRange(value, range)) return false;
  }
  return true;
}

export function isEmptyFilter(filter: MemoryFilter): boolean {
  return Object.keys(filter.tags).length === 0 && Object.keys(filter.ranges).length === 0;
}
