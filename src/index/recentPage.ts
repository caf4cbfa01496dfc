import type { MemoryFilter } from '../model/MemoryFilter.js';
import type { RecentCursor } from '../model/RecentCursor.js';
import type { AttributeIndex } from './AttributeIndex.js';
import type { LabelMap } from './LabelMap.js';
import { TopK } from './TopK.js';

export interface RecentPage {
  ids: string[];
  /** Cursor of the next page, null on the last page. */
  next: RecentCursor | null;
}

/** What a page is of: `limit` memories matching the filter, after `after`. */
export interface PageQuery {
  filter: MemoryFilter;
  /** The numeric field ordering the page, descending (ties by id ascending). */
  field: string;
  limit: number;
  after: RecentCursor | null;
  /** The value a label is ordered by, when not its `field` column's (null: the column's). */
  valueOf: ((label: number) => number) | null;
  /** Labels the filter's columns do not select that are on the page's list too. */
  extra: ArrayLike<number>;
}

/** A page of memories matching the filter, by `field` descending, ties by id ascending. */
export function recentPage(
  attributes: AttributeIndex,
  labels: LabelMap,
  { filter, field, limit, after, valueOf, extra }: PageQuery,
): RecentPage {
  const compiled = attributes.compile(filter);
  if (compiled === null && extra.length === 0) return { ids: [], next: null };
  const before = (a: RecentCursor, b: RecentCursor): boolean =>
    a.value > b.value || (a.value === b.value && a.id < b.id);
  const top = new TopK<RecentCursor>(limit + 1, before);
  const visit = (label: number): void => {
    const id = labels.idOf(label);
    if (id === undefined) return;
    const value = valueOf === null ? attributes.numeric(field, label) : valueOf(label);
    const item = { value, id };
    if (after !== null && !before(after, item)) return;
    top.push(item);
  };
  if (compiled !== null) attributes.forEachMatch(compiled, visit);
  for (let i = 0; i < extra.length; i++) visit(extra[i] ?? 0);
  const items = top.sorted();
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    ids: page.map((item) => item.id),
    next: items.length > limit && last !== undefined ? { value: last.value, id: last.id } : null,
  };
}
