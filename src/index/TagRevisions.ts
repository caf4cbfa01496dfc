import type { MemoryFilter } from '../model/MemoryFilter.js';

/**
 * For every value of every tag field, the revision of the last change to a memory that held it
 * before or after the change: what tells whether anything a filter on tags can match changed
 * (see MemoryIndex.revisionFor). One number per distinct value, like the value's posting.
 */
export class TagRevisions {
  private readonly fields = new Map<string, Map<string, number>>();

  constructor(fields: readonly string[]) {
    for (const field of fields) this.fields.set(field, new Map());
  }

  /** Notes a change at `revision` of a memory with tags `before` and `after` (null: none). */
  changed(
    before: Readonly<Record<string, string>> | null,
    after: Readonly<Record<string, string>> | null,
    revision: number,
  ): void {
    for (const [field, values] of this.fields) {
      if (before !== null) values.set(before[field] ?? '', revision);
      if (after !== null) values.set(after[field] ?? '', revision);
    }
  }

  /**
   * The latest revision of a change that can have touched a memory the filter's tags match: per
   * tag field it names, the latest of its values; the earliest of those (a memory matching is in
   * all of them, so a change to one moves every field past the rest). 0 when none changed; null
   * for a filter naming no tag field.
   */
  of(filter: MemoryFilter): number | null {
    let result: number | null = null;
    for (const [field, wanted] of Object.entries(filter.tags)) {
      const values = this.fields.get(field);
      if (values === undefined) continue;
      let latest = 0;
      for (const value of wanted) latest = Math.max(latest, values.get(value) ?? 0);
      result = result === null ? latest : Math.min(result, latest);
    }
    return result;
  }
}
