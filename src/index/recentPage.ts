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

/** A page of memories matching the filter, by `field` descending, ties by id ascending. */
export function recentPage(
  attributes: AttributeIndex,
  labels: LabelMap,
  filter: MemoryFilter,
  field: string,
  limit: number,
  after: RecentCursor | null,
): RecentPage {
  const compiled = attributes.compile(filter);
  if (compiled === null) return { ids: [], next: null };
  const before = (a: RecentCursor, b: RecentCursor): boolean =>
    a.value > b.value || (a.value === b.value && a.id < b.id);
  const top = new TopK<RecentCursor>(limit + 1, before);
  attributes.forEachMatch(compiled, (label) => {
    const id = labels.idOf(label);
    if (id === undefined) return;
    const item = { value: attributes.numeric(field, label), id };
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
