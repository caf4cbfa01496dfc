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
  /** Labels ordered as if their value were -Infinity (after every other); null: none. */
  pending: ((label: number) => boolean) | null;
}

/** A page of memories matching the filter, by `field` descending, ties by id ascending. */
export function recentPage(
  attributes: AttributeIndex,
  labels: LabelMap,
  { filter, field, limit, after, pending }: PageQuery,
): RecentPage {
  const compiled = attributes.compile(filter);
  if (compiled === null) return { ids: [], next: null };
  const before = (a: RecentCursor, b: RecentCursor): boolean =>
    a.value > b.value || (a.value === b.value && a.id < b.id);
  const top = new TopK<RecentCursor>(limit + 1, before);
  attributes.forEachMatch(compiled, (label) => {
    const id = labels.idOf(label);
    if (id === undefined) return;
    const value = pending?.(label) ? -Infinity : attributes.numeric(field, label);
    const item = { value, id };
    if (after !== null && !before(after, item)) return;
    top.push(item);
  });
  const items = top.sorted();
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    ids: page.map((item) => item.id),
    next: items.length > limit && last !== undefined ? { value: last.value, id: last.id } : null,
  };
}
