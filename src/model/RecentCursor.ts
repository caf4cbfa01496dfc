/**
 * Where a page of memories by recency ends: the sort field's value and the id of its last
 * memory. The next page continues after it.
 */
export interface RecentCursor {
  value: number;
  id: string;
}
