import { constrainsOutcome, seenAsOf, versionAsOf } from '../model/asOf.js';
import { matchesFilter, type MemoryFilter } from '../model/MemoryFilter.js';
import type { OutcomeVersion } from '../model/MemoryRecord.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import type { AttributeIndex } from './AttributeIndex.js';
import type { LabelMap } from './LabelMap.js';

/**
 * Earlier outcomes of the memories that have some (few: revised ones), by id, beside the
 * attribute columns, which hold every memory's current outcome: what as-of queries read besides
 * the columns (src/model/asOf.ts).
 */
export class OutcomeVersions {
  private readonly byId = new Map<string, readonly OutcomeVersion[]>();

  constructor(
    private readonly schema: MemorySchema,
    private readonly attributes: AttributeIndex,
    private readonly labels: LabelMap,
  ) {}

  /** Every memory's versions, for a snapshot. */
  entries(): [string, readonly OutcomeVersion[]][] {
    return [...this.byId];
  }

  /** A memory's versions, if it has any. */
  of(id: string): readonly OutcomeVersion[] | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Sets a memory's versions (none: forgets it). */
  note(id: string, versions: readonly OutcomeVersion[] | undefined): void {
    if (versions !== undefined && versions.length > 0) this.byId.set(id, versions);
    else this.byId.delete(id);
  }

  /** The value of outcome field `field` a memory had as of `asOf` by its versions, if any. */
  numberAsOf(id: string, field: string, asOf: number): number | undefined {
    return versionAsOf(this.byId.get(id), asOf)?.numbers[field];
  }

  /**
   * The labels a query as of `asOf` passes only through an earlier version: memories whose
   * current outcome was not known then (so the columns, filtered on known-at by filterAsOf, leave
   * them out) while an earlier one was and passes the filter. Null when there are none to add, or
   * the filter reads no outcome field (then the columns decide alone).
   */
  passing(filter: MemoryFilter, asOf: number | undefined): Uint32Array | null {
    const outcome = this.schema.outcome;
    if (asOf === undefined || outcome === null || this.byId.size === 0) return null;
    if (!constrainsOutcome(outcome, filter)) return null;
    const labels: number[] = [];
    for (const [id, versions] of this.byId) {
      const label = this.labels.labelOf(id);
      if (label === undefined) continue;
      if (this.attributes.numeric(outcome.knownAtField, label) <= asOf) continue;
      const attributes = { ...this.attributes.attributesOf(label), versions };
      const seen = seenAsOf(this.schema, attributes, asOf);
      if (seen !== null && !seen.pending && matchesFilter(seen.record, filter)) labels.push(label);
    }
    return labels.length > 0 ? Uint32Array.from(labels) : null;
  }
}
