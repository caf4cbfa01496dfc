import type { MemoryAttributes } from '../model/MemoryRecord.js';
import type { MemoryFilter, NumericRange } from '../model/MemoryFilter.js';
import { inRange } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import { forEachBit, grow, popcount, populationOf } from './bitmaps.js';
import { GroupExtremes, type Extremes } from './GroupExtremes.js';
import type { ColumnRange } from './HnswEngine.js';
import { TagField } from './TagField.js';

interface TagClause {
  column: Uint32Array;
  /** Allowed value codes (value id + 1). */
  codes: Set<number>;
  /** Postings of the allowed values. */
  postings: Set<number>[];
  /** Bitmaps of the allowed values (undefined for a value too rare to keep one). */
  bitmaps: (Uint32Array | undefined)[];
  size: number;
}

interface RangeClause {
  column: Float64Array;
  range: NumericRange;
}

/** The labels a filter matches: a list, or a bitmap (bit `label & 31` of word `label >>> 5`). */
export type Selection =
  { readonly count: number; readonly labels: Uint32Array; readonly bitmap: null } | BitmapSelection;

export interface BitmapSelection {
  readonly count: number;
  readonly labels: null;
  readonly bitmap: Uint32Array;
}

/** A filter resolved against the attribute index; `null` from compile means nothing matches. */
export interface CompiledFilter {
  readonly tagClauses: readonly TagClause[];
  readonly rangeClauses: readonly RangeClause[];
  /** The tag clause with the fewest postings, which drives candidate enumeration. */
  readonly driver: TagClause | null;
}

/** The columns of an AttributeIndex, for a snapshot (postings are rebuilt from them). */
export interface AttributeSnapshot {
  capacity: number;
  live: Uint8Array;
  tags: Record<string, { values: string[]; column: Uint32Array }>;
  numbers: Record<string, Float64Array>;
}

/**
 * In-memory attribute columns and tag postings of one kind of memory, indexed by label, for
 * exact filtering next to the ANN graph.
 */
export class AttributeIndex {
  private capacity: number;
  private live: Uint8Array;
  private liveCount = 0;
  private highWater = 0;
  private mutations = 0;
  private readonly tags = new Map<string, TagField>();
  private readonly numbers = new Map<string, Float64Array>();
  /** Highest value each numeric column was set to (never lowered by a removal). */
  private readonly highest = new Map<string, number>();
  /** Extremes of numeric fields per group (see extremesAt), by `field|groupBy`. */
  private readonly extremes = new Map<
    string,
    { field: string; groupBy: string | null; tracker: GroupExtremes }
  >();

  constructor(
    private readonly schema: MemorySchema,
    initialCapacity = 1024,
  ) {
    this.capacity = Math.max(16, initialCapacity);
    this.live = new Uint8Array(this.capacity);
    for (const field of schema.tagFields) this.tags.set(field, new TagField(this.capacity));
    for (const field of schema.numericFields) {
      this.numbers.set(field, new Float64Array(this.capacity));
    }
  }

  get size(): number {
    return this.liveCount;
  }

  /** Moves on every set and remove: equal versions, equal selections (SelectionMemo). */
  get version(): number {
    return this.mutations;
  }

  toSnapshot(): AttributeSnapshot {
    const tags: AttributeSnapshot['tags'] = {};
    for (const [field, tag] of this.tags) tags[field] = { values: tag.values, column: tag.column };
    return {
      capacity: this.capacity,
      live: this.live,
      tags,
      numbers: Object.fromEntries(this.numbers),
    };
  }

  static fromSnapshot(schema: MemorySchema, snapshot: AttributeSnapshot): AttributeIndex {
    const index = new AttributeIndex(schema, snapshot.capacity);
    index.live = snapshot.live;
    for (const field of schema.tagFields) {
      const saved = snapshot.tags[field];
      const tag = index.tags.get(field);
      if (saved === undefined || tag === undefined) throw new Error(`snapshot lacks tag ${field}`);
      tag.column = saved.column;
      for (const value of saved.values) tag.code(value);
    }
    for (const field of schema.numericFields) {
      const column = snapshot.numbers[field];
      if (column === undefined) throw new Error(`snapshot lacks column ${field}`);
      index.numbers.set(field, column);
    }
    for (let label = 0; label < index.live.length; label++) {
      if (index.live[label] !== 1) continue;
      index.liveCount++;
      index.highWater = label + 1;
      for (const [field, column] of index.numbers) index.raise(field, column[label] ?? 0);
      for (const tag of index.tags.values()) {
        const code = tag.column[label] ?? 0;
        if (code > 0) tag.add(label, code);
      }
    }
    return index;
  }

  /** Sets the attributes of a label, replacing any it had. */
  set(label: number, attributes: MemoryAttributes): void {
    this.ensureCapacity(label + 1);
    this.mutations++;
    if (this.live[label] === 1) {
      this.leaveExtremes(label);
      this.unlink(label);
    } else this.liveCount++;
    this.live[label] = 1;
    this.highWater = Math.max(this.highWater, label + 1);
    for (const [field, tag] of this.tags) {
      const code = tag.code(attributes.tags[field] ?? '');
      tag.column[label] = code;
      tag.add(label, code);
    }
    for (const [field, column] of this.numbers) {
      const value = attributes.numbers[field] ?? 0;
      column[label] = value;
      this.raise(field, value);
    }
    for (const { field, groupBy, tracker } of this.extremes.values()) {
      tracker.entering(this.groupAt(groupBy, label), this.numeric(field, label));
    }
  }

  /**
   * At least the highest value a numeric field holds (-Infinity when none was set): the highest
   * it was ever set to, which a removal or a lower value does not lower.
   */
  highestEver(field: string): number {
    return this.highest.get(field) ?? -Infinity;
  }

  private raise(field: string, value: number): void {
    if (value > (this.highest.get(field) ?? -Infinity)) this.highest.set(field, value);
  }

  remove(label: number): void {
    if (label >= this.capacity || this.live[label] !== 1) return;
    this.mutations++;
    this.leaveExtremes(label);
    this.unlink(label);
    this.live[label] = 0;
    this.liveCount--;
  }

  isLive(label: number): boolean {
    return label < this.capacity && this.live[label] === 1;
  }

  /** Whether a live label holds exactly these attributes (in every field of the schema). */
  sameAs(label: number, attributes: MemoryAttributes): boolean {
    if (!this.isLive(label)) return false;
    for (const [field, tag] of this.tags) {
      if (attributes.tags[field] !== tag.values[(tag.column[label] ?? 1) - 1]) return false;
    }
    for (const [field, column] of this.numbers) {
      if (attributes.numbers[field] !== column[label]) return false;
    }
    return true;
  }

  /** The tags of a live label; null for one holding none. */
  tagsOf(label: number): Record<string, string> | null {
    if (!this.isLive(label)) return null;
    const tags: Record<string, string> = {};
    for (const [field, tag] of this.tags)
      tags[field] = tag.values[(tag.column[label] ?? 1) - 1] ?? '';
    return tags;
  }

  numeric(field: string, label: number): number {
    return this.numbers.get(field)?.[label] ?? 0;
  }

  /** The attributes a live label holds. */
  attributesOf(label: number): MemoryAttributes {
    const tags: Record<string, string> = {};
    for (const [field, tag] of this.tags) {
      const value = tag.values[(tag.column[label] ?? 0) - 1];
      if (value !== undefined) tags[field] = value;
    }
    const numbers: Record<string, number> = {};
    for (const [field, column] of this.numbers) numbers[field] = column[label] ?? 0;
    return { tags, numbers };
  }

  /** One past the highest label that was ever live: the span a bitmap of labels covers. */
  get labelEnd(): number {
    return this.highWater;
  }

  /** A numeric field's column by label (replaced when the index grows: read it at once). */
  numericColumn(field: string): Float64Array {
    const column = this.numbers.get(field);
    if (column === undefined) throw new Error(`unknown numeric field ${field}`);
    return column;
  }

  /** A tag field's column of value codes by label (see numericColumn). */
  tagColumn(field: string): Uint32Array {
    const tag = this.tags.get(field);
    if (tag === undefined) throw new Error(`unknown tag field ${field}`);
    return tag.column;
  }

  /** The code a tag field's column holds for a value; 0 for a value no memory ever had. */
  tagCode(field: string, value: string): number {
    return this.tags.get(field)?.codes.get(value) ?? 0;
  }

  /**
   * Min and max of a numeric field over the live labels sharing the live `label`'s value of the
   * tag field `groupBy` (over every live label when null): exact, kept up to date as labels
   * change, recomputed over the group only when one of its extremes left it.
   */
  extremesAt(field: string, groupBy: string | null, label: number): Extremes {
    const key = `${field}|${groupBy ?? ''}`;
    let entry = this.extremes.get(key);
    if (entry === undefined) {
      entry = { field, groupBy, tracker: new GroupExtremes() };
      this.extremes.set(key, entry);
    }
    const group = this.groupAt(groupBy, label);
    return entry.tracker.of(group, () => this.computeExtremes(field, groupBy, group));
  }

  private groupAt(groupBy: string | null, label: number): number {
    return groupBy === null ? 0 : (this.tags.get(groupBy)?.column[label] ?? 0);
  }

  private computeExtremes(field: string, groupBy: string | null, group: number): Extremes {
    const extremes = { min: Infinity, max: -Infinity };
    this.forEachInGroup(groupBy, group, (label) => {
      const value = this.numeric(field, label);
      if (value < extremes.min) extremes.min = value;
      if (value > extremes.max) extremes.max = value;
    });
    return extremes;
  }

  /**
   * Calls `visit` for every live label sharing the live `label`'s value of the tag field
   * `groupBy` (every live label when null): the group extremesAt normalises over.
   */
  forEachInGroupOf(groupBy: string | null, label: number, visit: (label: number) => void): void {
    this.forEachInGroup(groupBy, this.groupAt(groupBy, label), visit);
  }

  private forEachInGroup(
    groupBy: string | null,
    group: number,
    visit: (label: number) => void,
  ): void {
    if (groupBy === null) {
      for (let label = 0; label < this.highWater; label++) if (this.live[label] === 1) visit(label);
    } else {
      for (const label of this.tags.get(groupBy)?.postings[group - 1] ?? []) visit(label);
    }
  }

  private leaveExtremes(label: number): void {
    for (const { field, groupBy, tracker } of this.extremes.values()) {
      tracker.leaving(this.groupAt(groupBy, label), this.numeric(field, label));
    }
  }

  /** Resolves a filter to columns and postings; null when no memory can match it. */
  compile(filter: MemoryFilter): CompiledFilter | null {
    const tagClauses: TagClause[] = [];
    for (const [field, values] of Object.entries(filter.tags)) {
      const tag = this.tags.get(field);
      if (tag === undefined) throw new Error(`unknown tag field ${field} for ${this.schema.kind}`);
      const codes = new Set<number>();
      const postings: Set<number>[] = [];
      const bitmaps: (Uint32Array | undefined)[] = [];
      let size = 0;
      for (const value of values) {
        const code = tag.codes.get(value);
        if (code === undefined || codes.has(code)) continue;
        const posting = tag.postings[code - 1];
        if (posting === undefined || posting.size === 0) continue;
        codes.add(code);
        postings.push(posting);
        bitmaps.push(tag.bitmaps[code - 1]);
        size += posting.size;
      }
      if (size === 0) return null;
      tagClauses.push({ column: tag.column, codes, postings, bitmaps, size });
    }
    const rangeClauses: RangeClause[] = [];
    for (const [field, range] of Object.entries(filter.ranges)) {
      const column = this.numbers.get(field);
      if (column === undefined) {
        throw new Error(`unknown numeric field ${field} for ${this.schema.kind}`);
      }
      rangeClauses.push({ column, range });
    }
    let driver: TagClause | null = null;
    for (const clause of tagClauses)
      if (driver === null || clause.size < driver.size) driver = clause;
    return { tagClauses, rangeClauses, driver };
  }

  matches(label: number, filter: CompiledFilter): boolean {
    if (this.live[label] !== 1) return false;
    for (const clause of filter.tagClauses) {
      if (!clause.codes.has(clause.column[label] ?? 0)) return false;
    }
    for (const clause of filter.rangeClauses) {
      if (!inRange(clause.column[label] ?? 0, clause.range)) return false;
    }
    return true;
  }

  /**
   * The live labels matching the filter. A filter led by a rare tag value (at most
   * `listLimit` labels, and no bitmap kept for it) walks that value's postings and comes back as
   * a label list; any other is computed a word at a time over bitmaps — kept value bitmaps ORed
   * within a clause and ANDed across clauses, range columns scanned only where the tags leave
   * labels — and comes back as a bitmap (always, with a list limit of 0). A filter that is exactly
   * one dense tag value returns that value's own bitmap: read it, never modify it.
   */
  select(filter: CompiledFilter, listLimit: 0): BitmapSelection;
  select(filter: CompiledFilter, listLimit: number): Selection;
  select(filter: CompiledFilter, listLimit: number): Selection {
    const driver = filter.driver;
    const lone = filter.tagClauses.length === 1 && filter.rangeClauses.length === 0;
    if (driver !== null && driver.size <= listLimit && driver.bitmaps.includes(undefined)) {
      const labels = new Uint32Array(driver.size);
      let n = 0;
      for (const posting of driver.postings) {
        for (const label of posting) if (lone || this.matches(label, filter)) labels[n++] = label;
      }
      return { count: n, labels: labels.subarray(0, n), bitmap: null };
    }
    const loneBitmap = lone && driver?.bitmaps.length === 1 ? driver.bitmaps[0] : undefined;
    if (loneBitmap !== undefined && driver !== null) {
      return { count: driver.size, labels: null, bitmap: loneBitmap };
    }
    const words = (this.highWater + 31) >>> 5;
    const clauses = [...filter.tagClauses].sort((a, b) => a.size - b.size);
    let bitmap: Uint32Array | null = null;
    let shared = false;
    for (const clause of clauses) {
      const own = clause.bitmaps.length === 1 ? clause.bitmaps[0] : undefined;
      if (bitmap === null) {
        if (own !== undefined) {
          bitmap = own;
          shared = true;
        } else {
          bitmap = clauseBitmap(clause, words);
        }
        continue;
      }
      if (shared) {
        bitmap = bitmap.slice(0, words);
        shared = false;
      }
      const other = own ?? clauseBitmap(clause, words);
      for (let i = 0; i < words; i++) bitmap[i] = (bitmap[i] ?? 0) & (other[i] ?? 0);
    }
    const ranges = this.rangeBounds(filter);
    // (A lone kept bitmap returned above: one built here is the filter's own.)
    if (ranges.length === 0 && bitmap !== null) {
      return { count: populationOf(bitmap), labels: null, bitmap };
    }
    if (bitmap === null) return this.scanRanges(ranges, words);
    if (shared) bitmap = bitmap.slice(0, words);
    let count = 0;
    for (let i = 0; i < words; i++) {
      let rest = bitmap[i] ?? 0;
      if (rest === 0) continue;
      let kept = rest;
      while (rest !== 0) {
        const lowest = rest & -rest;
        rest ^= lowest;
        if (!inRanges(ranges, (i << 5) + 31 - Math.clz32(lowest))) kept &= ~lowest;
      }
      bitmap[i] = kept;
      count += popcount(kept);
    }
    return { count, labels: null, bitmap };
  }

  /** Every live label within the ranges (all live labels for none), a word at a time. */
  private scanRanges(ranges: readonly ColumnRange[], words: number): BitmapSelection {
    const bitmap = new Uint32Array(words);
    const live = this.live;
    const [only] = ranges;
    let count = 0;
    for (let i = 0; i < words; i++) {
      let word = 0;
      const base = i << 5;
      const end = Math.min(32, this.highWater - base);
      if (ranges.length === 1 && only !== undefined) {
        // One range (the common case), its bounds in locals.
        const { column, low, high, lowOpen, highOpen } = only;
        for (let b = 0; b < end; b++) {
          const value = column[base + b] ?? 0;
          if (
            live[base + b] === 1 &&
            value >= low &&
            value <= high &&
            !(lowOpen && value === low) &&
            !(highOpen && value === high)
          ) {
            word |= 1 << b;
          }
        }
      } else {
        for (let b = 0; b < end; b++) {
          if (live[base + b] === 1 && inRanges(ranges, base + b)) word |= 1 << b;
        }
      }
      bitmap[i] = word;
      if (word !== 0) count += popcount(word);
    }
    return { count, labels: null, bitmap };
  }

  /** The filter's range clauses as bounds over their columns. */
  rangeBounds(filter: CompiledFilter): ColumnRange[] {
    return filter.rangeClauses.map(compileRange);
  }

  /**
   * How many live labels the filter matches, estimated from `samples` labels spread evenly over
   * the label space (so ranges correlated with insertion order are sampled fairly).
   */
  estimateMatches(filter: CompiledFilter, samples = 1024): number {
    if (this.highWater === 0) return 0;
    const step = Math.max(1, this.highWater / samples);
    let tried = 0;
    let passed = 0;
    for (let at = step / 2; at < this.highWater; at += step) {
      tried++;
      if (this.matches(Math.floor(at), filter)) passed++;
    }
    return Math.round((passed / tried) * this.highWater);
  }

  /** Calls `visit` for every live label matching the filter, until it returns false. */
  forEachMatch(filter: CompiledFilter, visit: (label: number) => unknown): void {
    const selection = this.select(filter, Infinity);
    if (selection.labels !== null) {
      for (const label of selection.labels) if (visit(label) === false) return;
      return;
    }
    forEachBit(selection.bitmap, visit);
  }

  private unlink(label: number): void {
    for (const tag of this.tags.values()) {
      const code = tag.column[label] ?? 0;
      if (code > 0) tag.delete(label, code);
      tag.column[label] = 0;
    }
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    this.live = grow(this.live, capacity);
    for (const tag of this.tags.values()) tag.grow(capacity);
    for (const [field, column] of this.numbers) this.numbers.set(field, grow(column, capacity));
    this.capacity = capacity;
  }
}

function compileRange(clause: RangeClause): ColumnRange {
  const { range } = clause;
  return {
    column: clause.column,
    low: range.min ?? -Infinity,
    high: range.max ?? Infinity,
    lowOpen: range.minExclusive && range.min !== undefined,
    highOpen: range.maxExclusive && range.max !== undefined,
  };
}

function inRanges(ranges: readonly ColumnRange[], label: number): boolean {
  for (const r of ranges) {
    const value = r.column[label] ?? 0;
    if (value < r.low || value > r.high) return false;
    if ((r.lowOpen && value === r.low) || (r.highOpen && value === r.high)) return false;
  }
  return true;
}

/** The OR of a tag clause's values, as a bitmap of `words` words. */
function clauseBitmap(clause: TagClause, words: number): Uint32Array {
  const bitmap = new Uint32Array(words);
  clause.bitmaps.forEach((kept, i) => {
    if (kept !== undefined) {
      const n = Math.min(words, kept.length);
      for (let w = 0; w < n; w++) bitmap[w] = (bitmap[w] ?? 0) | (kept[w] ?? 0);
      return;
    }
    for (const label of clause.postings[i] ?? []) {
      bitmap[label >>> 5] = (bitmap[label >>> 5] ?? 0) | (1 << (label & 31));
    }
  });
  return bitmap;
}
