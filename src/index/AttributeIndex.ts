import type { MemoryAttributes } from '../model/MemoryRecord.js';
import type { MemoryFilter, NumericRange } from '../model/MemoryFilter.js';
import { inRange } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';

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

/** A filter resolved against the attribute index; `null` from compile means nothing matches. */
export interface CompiledFilter {
  readonly tagClauses: readonly TagClause[];
  readonly rangeClauses: readonly RangeClause[];
  /** The tag clause with the fewest postings, which drives candidate enumeration. */
  readonly driver: TagClause | null;
}

/** A value keeps a bitmap of its labels once it holds at least 1/64 of the capacity. */
const DENSE_SHARE_SHIFT = 6;
const DENSE_MIN = 1024;

class TagField {
  readonly codes = new Map<string, number>();
  readonly values: string[] = [];
  readonly postings: Set<number>[] = [];
  /**
   * Bitmaps of the dense values, so that a filter on one of them hands the graph its bitmap
   * as is. At most 64 values of a field can be dense: memory stays ≤ 8 bytes per label.
   */
  readonly bitmaps: (Uint32Array | undefined)[] = [];
  column: Uint32Array;

  constructor(capacity: number) {
    this.column = new Uint32Array(capacity);
  }

  add(label: number, code: number): void {
    const posting = this.postings[code - 1];
    if (posting === undefined) return;
    posting.add(label);
    const bitmap = this.bitmaps[code - 1];
    if (bitmap !== undefined) {
      bitmap[label >>> 5] = (bitmap[label >>> 5] ?? 0) | (1 << (label & 31));
    } else if (posting.size >= Math.max(DENSE_MIN, this.column.length >>> DENSE_SHARE_SHIFT)) {
      const built = new Uint32Array((this.column.length + 31) >>> 5);
      for (const member of posting) {
        built[member >>> 5] = (built[member >>> 5] ?? 0) | (1 << (member & 31));
      }
      this.bitmaps[code - 1] = built;
    }
  }

  delete(label: number, code: number): void {
    this.postings[code - 1]?.delete(label);
    const bitmap = this.bitmaps[code - 1];
    if (bitmap !== undefined)
      bitmap[label >>> 5] = (bitmap[label >>> 5] ?? 0) & ~(1 << (label & 31));
  }

  grow(capacity: number): void {
    this.column = grow(this.column, capacity);
    this.bitmaps.forEach((bitmap, i) => {
      if (bitmap !== undefined) this.bitmaps[i] = grow(bitmap, (capacity + 31) >>> 5);
    });
  }

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      this.values.push(value);
      this.postings.push(new Set());
      code = this.values.length;
      this.codes.set(value, code);
    }
    return code;
  }
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
  private readonly tags = new Map<string, TagField>();
  private readonly numbers = new Map<string, Float64Array>();

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
    if (this.live[label] === 1) this.unlink(label);
    else this.liveCount++;
    this.live[label] = 1;
    this.highWater = Math.max(this.highWater, label + 1);
    for (const [field, tag] of this.tags) {
      const code = tag.code(attributes.tags[field] ?? '');
      tag.column[label] = code;
      tag.add(label, code);
    }
    for (const [field, column] of this.numbers) column[label] = attributes.numbers[field] ?? 0;
  }

  remove(label: number): void {
    if (label >= this.capacity || this.live[label] !== 1) return;
    this.unlink(label);
    this.live[label] = 0;
    this.liveCount--;
  }

  isLive(label: number): boolean {
    return label < this.capacity && this.live[label] === 1;
  }

  get(label: number): MemoryAttributes | null {
    if (!this.isLive(label)) return null;
    const attributes: MemoryAttributes = { tags: {}, numbers: {} };
    for (const [field, tag] of this.tags) {
      attributes.tags[field] = tag.values[(tag.column[label] ?? 1) - 1] ?? '';
    }
    for (const [field, column] of this.numbers) attributes.numbers[field] = column[label] ?? 0;
    return attributes;
  }

  numeric(field: string, label: number): number {
    return this.numbers.get(field)?.[label] ?? 0;
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

  /** Upper bound of the number of labels the filter can match. */
  estimate(filter: CompiledFilter): number {
    return filter.driver?.size ?? this.liveCount;
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
   * The filter's bitmap without visiting labels, when it is one tag clause whose values all keep
   * bitmaps (their OR; the value's own bitmap when there is one value: do not modify it). Null
   * otherwise. Its population is the clause's `size`.
   */
  bitmapOf(filter: CompiledFilter): Uint32Array | null {
    const clause = filter.driver;
    if (clause === null || filter.tagClauses.length !== 1 || filter.rangeClauses.length > 0) {
      return null;
    }
    if (clause.bitmaps.some((bitmap) => bitmap === undefined)) return null;
    const bitmaps = clause.bitmaps as Uint32Array[];
    if (bitmaps.length === 1) return bitmaps[0] ?? null;
    const union = new Uint32Array(Math.max(...bitmaps.map((b) => b.length)));
    for (const bitmap of bitmaps) {
      for (let i = 0; i < bitmap.length; i++) union[i] = (union[i] ?? 0) | (bitmap[i] ?? 0);
    }
    return union;
  }

  /** Calls `visit` for every live label matching the filter. */
  forEachMatch(filter: CompiledFilter, visit: (label: number) => void): void {
    if (filter.driver !== null) {
      // Postings hold live labels only: with the driver as the one clause, all of them match.
      const alone = filter.tagClauses.length === 1 && filter.rangeClauses.length === 0;
      for (const posting of filter.driver.postings) {
        if (alone) for (const label of posting) visit(label);
        else for (const label of posting) if (this.matches(label, filter)) visit(label);
      }
      return;
    }
    for (let label = 0; label < this.highWater; label++) {
      if (this.matches(label, filter)) visit(label);
    }
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

function grow<T extends Uint8Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const larger = new (array.constructor as new (n: number) => T)(capacity);
  larger.set(array);
  return larger;
}
