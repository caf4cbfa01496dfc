/** Label bitmaps (bit `label & 31` of word `label >>> 5`) and growable columns. */

/** A copy of a column with room for `capacity` entries. */
export function grow<T extends Uint8Array | Uint32Array | Float64Array>(
  array: T,
  capacity: number,
): T {
  const larger = new (array.constructor as new (n: number) => T)(capacity);
  larger.set(array);
  return larger;
}

/** Set bits of one 32-bit word. */
export function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Set bits of a bitmap. */
export function populationOf(bitmap: Uint32Array): number {
  let count = 0;
  for (const word of bitmap) if (word !== 0) count += popcount(word);
  return count;
}

/** Calls `visit` with every set bit's label, ascending, until it returns false. */
export function forEachBit(bitmap: Uint32Array, visit: (label: number) => unknown): void {
  for (let i = 0; i < bitmap.length; i++) {
    let rest = bitmap[i] ?? 0;
    while (rest !== 0) {
      const lowest = rest & -rest;
      rest ^= lowest;
      if (visit((i << 5) + 31 - Math.clz32(lowest)) === false) return;
    }
  }
}

/** The labels of the set bits, ascending (`count` of them). */
export function labelsOf(bitmap: Uint32Array, count: number): Uint32Array {
  const labels = new Uint32Array(count);
  let n = 0;
  forEachBit(bitmap, (label) => {
    labels[n++] = label;
  });
  return labels.subarray(0, n);
}
