import { grow } from './bitmaps.js';

/** A value keeps a bitmap of its labels once it holds at least 1/64 of the capacity. */
const DENSE_SHARE_SHIFT = 6;
const DENSE_MIN = 1024;

/** One tag column: value codes, per-value postings, and bitmaps of the dense values. */
export class TagField {
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
