import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HnswEngine,
  type ColumnRange,
  type HnswOptions,
  type KnnResult,
} from '../../src/index/HnswEngine.js';
import { cosineDistance, gaussian, rng } from '../../bench/lib/syntheticData.js';

// ---------------------------------------------------------------------------
// Seeded synthetic data

/** Gaussian clusters: centres ~ N(0, 1), points = centre + spread * N(0, 1). */
class Clusters {
  readonly centres: Float32Array;
  readonly #gauss: () => number;
  readonly #pick: () => number;

  constructor(
    readonly dim: number,
    readonly count: number,
    seed: number,
    readonly spread = 0.35,
  ) {
    const normal = rng(seed);
    this.#gauss = () => gaussian(normal);
    this.#pick = rng(seed ^ 0x9e3779b9);
    this.centres = Float32Array.from({ length: dim * count }, () => this.#gauss());
  }

  sample(n: number, cluster?: number): Float32Array {
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      const c = cluster ?? Math.floor(this.#pick() * this.count);
      for (let d = 0; d < this.dim; d++) {
        out[i * this.dim + d] = (this.centres[c * this.dim + d] ?? 0) + this.spread * this.#gauss();
      }
    }
    return out;
  }
}

/**
 * Unit vectors whose dot products float32 computes exactly, in any summation order: integer
 * components with squares summing to 256², divided by 256. Each product and each partial sum of a
 * dot product is then a multiple of 2^-16 of magnitude at most 1, so every distance is exact
 * whichever SIMD width the CPU has, and a graph built from them one insert at a time (no thread
 * races) is the same on every machine. Clustered: `centres` Gaussian centres plus noise, rounded;
 * the remainder of 256² goes to the last four components as a sum of four squares.
 */
function exactUnitVectors(n: number, dim: number, centres: number, seed: number): Float32Array {
  const random = rng(seed);
  const centre = Array.from({ length: centres }, () =>
    Float64Array.from({ length: dim - 4 }, () => gaussian(random)),
  );
  const radius2 = 256 * 256;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centre[Math.floor(random() * centres)] ?? new Float64Array(dim - 4);
    const raw = c.map((x) => x + 0.4 * gaussian(random));
    const norm2 = raw.reduce((s, x) => s + x * x, 0);
    let scale = Math.sqrt((0.95 * radius2) / norm2);
    let ints: number[];
    let sum: number;
    do {
      ints = Array.from(raw, (x) => Math.round(x * scale));
      sum = ints.reduce((s, x) => s + x * x, 0);
      scale *= 0.99;
    } while (sum > radius2);
    const rest = fourSquares(radius2 - sum).map((x) => (random() < 0.5 ? -x : x));
    [...ints, ...rest].forEach((x, d) => (out[i * dim + d] = x / 256));
  }
  return out;
}

/** Four non-negative integers whose squares sum to r (Lagrange: they always exist). */
function fourSquares(r: number): number[] {
  for (let a = Math.floor(Math.sqrt(r)); a >= 0; a--) {
    for (let b = Math.min(a, Math.floor(Math.sqrt(r - a * a))); b >= 0; b--) {
      for (let c = Math.min(b, Math.floor(Math.sqrt(r - a * a - b * b))); c >= 0; c--) {
        const d = Math.round(Math.sqrt(r - a * a - b * b - c * c));
        if (d <= c && a * a + b * b + c * c + d * d === r) return [a, b, c, d];
      }
    }
  }
  throw new Error(`no four squares sum to ${r}`);
}

// ---------------------------------------------------------------------------
// JS reference computations

function row(data: Float32Array, i: number, dim: number): Float32Array {
  return data.subarray(i * dim, (i + 1) * dim);
}

function normalised(v: Float32Array): Float32Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / norm);
}

/** A label → raw vector store mirroring what the engine should contain. */
class Truth {
  readonly vectors = new Map<number, Float32Array>();

  constructor(readonly dim: number) {}

  set(labels: Uint32Array, data: Float32Array): void {
    labels.forEach((label, i) => this.vectors.set(label, row(data, i, this.dim).slice()));
  }

  delete(labels: Iterable<number>): void {
    for (const label of labels) this.vectors.delete(label);
  }

  topK(query: Float32Array, k: number, allowed?: (label: number) => boolean): number[] {
    const scored: [number, number][] = [];
    for (const [label, v] of this.vectors) {
      if (allowed === undefined || allowed(label)) scored.push([cosineDistance(query, v), label]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return scored.slice(0, k).map(([, label]) => label);
  }
}

function bitmapOf(labels: Iterable<number>, words: number): Uint32Array {
  const bitmap = new Uint32Array(words);
  for (const label of labels) {
    const w = label >>> 5;
    if (w < words) bitmap[w] = (bitmap[w] ?? 0) | (1 << (label & 31));
  }
  return bitmap;
}

function recall(found: ArrayLike<number>[], expected: number[][]): number {
  let hits = 0;
  let total = 0;
  expected.forEach((exp, q) => {
    const got = new Set(Array.from(found[q] ?? []));
    hits += exp.filter((label) => got.has(label)).length;
    total += exp.length;
  });
  return hits / total;
}

function expectWellFormed(result: KnnResult, k: number): void {
  expect(result.labels.length).toBe(result.distances.length);
  expect(result.labels.length).toBeLessThanOrEqual(k);
  expect(new Set(result.labels).size).toBe(result.labels.length);
  for (let i = 0; i < result.distances.length; i++) {
    const d = result.distances[i] ?? Number.NaN;
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(2);
    if (i > 0) expect(d).toBeGreaterThanOrEqual(result.distances[i - 1] ?? Number.NaN);
  }
}

function expectDistancesMatch(result: KnnResult, query: Float32Array, truth: Truth): void {
  result.labels.forEach((label, i) => {
    const stored = truth.vectors.get(label);
    expect(stored, `label ${label} should exist`).toBeDefined();
    if (stored === undefined) return;
    expect(
      Math.abs((result.distances[i] ?? Number.NaN) - cosineDistance(query, stored)),
    ).toBeLessThan(1e-5);
  });
}

function labelRange(start: number, count: number, step = 1): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => start + i * step);
}

const OPTIONS = { m: 16, efConstruction: 200 } as const;
/** hnswlib's own answers on the fixed graph of the base-layer test (see referenceAnswers). */
const REFERENCE_PATH = join(import.meta.dirname, 'fixtures', 'hnswlibNeighbours.json');
const EMPTY: KnnResult = {
  labels: new Uint32Array(0),
  distances: new Float32Array(0),
  computations: 0,
};

function engine(dim: number, initialCapacity: number, seed?: number): HnswEngine {
  const options: HnswOptions = { dim, ...OPTIONS, initialCapacity };
  if (seed !== undefined) options.seed = seed;
  return new HnswEngine(options);
}

// ---------------------------------------------------------------------------

describe('HnswEngine', () => {
  const DIM = 64;
  const N = 3000;
  const K = 10;
  const clusters = new Clusters(DIM, 20, 42);
  const data = clusters.sample(N);
  const labels = labelRange(10, N, 3); // sparse, non-contiguous labels
  const queries = clusters.sample(200);
  const truth = new Truth(DIM);
  truth.set(labels, data);
  const maxLabel = (labels[N - 1] ?? 0) + 1;
  const words = Math.ceil(maxLabel / 32);
  let shared: HnswEngine;
  let exact: KnnResult[];

  beforeAll(async () => {
    shared = engine(DIM, 1024, 7);
    await shared.add(labels, data);
    exact = await shared.searchExact(queries, K, null);
  });

  describe('search quality', () => {
    it('reaches recall@10 >= 0.98 against searchExact with ef 64 on clustered data', async () => {
      const approx = await shared.search(queries, K, 64);
      expect(approx).toHaveLength(200);
      const r = recall(
        approx.map((res) => res.labels),
        exact.map((res) => Array.from(res.labels)),
      );
      expect(r).toBeGreaterThanOrEqual(0.98);
    });

    it('searchExact over every live element equals the JS brute force', () => {
      for (let q = 0; q < 20; q++) {
        expect(Array.from(exact[q]?.labels ?? [])).toEqual(truth.topK(row(queries, q, DIM), K));
      }
    });

    it('reports distances equal to 1 - cosine computed in JS on the raw vectors', async () => {
      const approx = await shared.search(queries, K, 64);
      approx.forEach((res, q) => {
        expectDistancesMatch(res, row(queries, q, DIM), truth);
      });
      exact.forEach((res, q) => {
        expectDistancesMatch(res, row(queries, q, DIM), truth);
      });
    });

    it('returns results ascending by distance, without duplicates and at most k long', async () => {
      for (const k of [1, 10, 100]) {
        const results = await shared.search(queries.subarray(0, 20 * DIM), k, 16);
        for (const res of results) {
          expectWellFormed(res, k);
          expect(res.labels).toHaveLength(k);
        }
      }
      const tiny = engine(8, 4);
      await tiny.add(labelRange(0, 3), new Clusters(8, 2, 1).sample(3));
      const [res] = await tiny.search(new Float32Array(8).fill(1), 10, 10);
      expect(res?.labels).toHaveLength(3);
    });

    it('finds a stored vector itself at distance ~0', async () => {
      const results = await shared.search(data.subarray(0, 50 * DIM), 1, 64);
      results.forEach((res, i) => {
        // Label and distance in one assertion, so a failure says which went wrong: another
        // memory found at ~0 (a label bound to the wrong vector) or a walk that missed it.
        const distance = res.distances[0] ?? Infinity;
        expect({ query: i, label: res.labels[0], distance }).toEqual({
          query: i,
          label: labels[i],
          distance: distance < 1e-5 ? distance : '< 1e-5',
        });
      });
    });

    it('uses ef per call: concurrent searches with different ef give their isolated results', async () => {
      const q = queries.subarray(0, 100 * DIM);
      const lowAlone = await shared.search(q, K, 10);
      const highAlone = await shared.search(q, K, 400);
      expect(lowAlone.map((r) => Array.from(r.labels))).not.toEqual(
        highAlone.map((r) => Array.from(r.labels)),
      );
      const mixed = await Promise.all(
        Array.from({ length: 8 }, (_, i) => shared.search(q, K, i % 2 === 0 ? 10 : 400)),
      );
      mixed.forEach((results, i) => {
        const alone = i % 2 === 0 ? lowAlone : highAlone;
        expect(results.map((r) => Array.from(r.labels))).toEqual(
          alone.map((r) => Array.from(r.labels)),
        );
      });
    });

    it('works with a dimension that is not a multiple of 4 or 16', async () => {
      const odd = new Clusters(37, 5, 3);
      const v = odd.sample(300);
      const t = new Truth(37);
      const l = labelRange(0, 300);
      t.set(l, v);
      const e = engine(37, 64);
      await e.add(l, v);
      const q = odd.sample(10);
      const [approx, ex] = await Promise.all([e.search(q, 5, 64), e.searchExact(q, 5, null)]);
      approx.forEach((res, i) => {
        expectDistancesMatch(res, row(q, i, 37), t);
      });
      ex.forEach((res, i) => {
        expectDistancesMatch(res, row(q, i, 37), t);
        expect(Array.from(res.labels)).toEqual(t.topK(row(q, i, 37), 5));
      });
    });
  });

  describe('filter bitmap', () => {
    for (const selectivity of [0.01, 0.5]) {
      it(`never returns a label outside the bitmap at ${selectivity * 100}% selectivity`, async () => {
        const pick = rng(selectivity * 1000);
        const allowed = new Set(Array.from(labels).filter(() => pick() < selectivity));
        const bitmap = bitmapOf(allowed, words);
        const results = await shared.search(queries, K, 64, bitmap);
        const expected: number[][] = [];
        results.forEach((res, q) => {
          expectWellFormed(res, K);
          expect(res.labels).toHaveLength(Math.min(K, allowed.size));
          for (const label of res.labels) expect(allowed.has(label)).toBe(true);
          expected.push(truth.topK(row(queries, q, DIM), K, (l) => allowed.has(l)));
        });
        expect(
          recall(
            results.map((r) => r.labels),
            expected,
          ),
        ).toBeGreaterThanOrEqual(0.95);
      });
    }

    it('treats labels beyond the end of the bitmap as not allowed', async () => {
      const bitmap = new Uint32Array(8).fill(0xffffffff); // labels 0..255 only
      const results = await shared.search(queries.subarray(0, 50 * DIM), K, 64, bitmap);
      for (const res of results) {
        expect(res.labels.length).toBeGreaterThan(0);
        for (const label of res.labels) expect(label).toBeLessThan(256);
      }
    });

    it('returns nothing for an empty bitmap', async () => {
      const results = await shared.search(queries.subarray(0, 5 * DIM), K, 64, new Uint32Array(0));
      for (const res of results) expect(res.labels).toHaveLength(0);
    });
  });

  describe('column ranges', () => {
    // One value per label: uniform in [-1, 1), a few set exactly on the bounds.
    const column = new Float64Array(maxLabel);
    const pick = rng(5);
    for (const label of labels) column[label] = Math.round((pick() * 2 - 1) * 100) / 100;

    const cases = [
      {
        name: 'a half-open range (value >= 0)',
        low: 0,
        high: Infinity,
        lowOpen: false,
        highOpen: false,
      },
      {
        name: 'an open range (-0.5 < value < -0.4)',
        low: -0.5,
        high: -0.4,
        lowOpen: true,
        highOpen: true,
      },
      { name: 'a point (value = 0.25)', low: 0.25, high: 0.25, lowOpen: false, highOpen: false },
    ];
    for (const c of cases) {
      it(`returns only labels within ${c.name}, with the recall of the same filter as a bitmap`, async () => {
        const inside = (label: number): boolean => {
          const value = column[label] ?? 0;
          return (
            value >= c.low &&
            value <= c.high &&
            !(c.lowOpen && value === c.low) &&
            !(c.highOpen && value === c.high)
          );
        };
        const allowed = new Set(Array.from(labels).filter(inside));
        expect(allowed.size).toBeGreaterThan(10);
        const ranged = await shared.search(queries, K, 64, null, [{ column, ...c }]);
        const bitmapped = await shared.search(queries, K, 64, bitmapOf(allowed, words));
        const expected: number[][] = [];
        ranged.forEach((res, q) => {
          expectWellFormed(res, K);
          for (const label of res.labels) expect(allowed.has(label)).toBe(true);
          expected.push(truth.topK(row(queries, q, DIM), K, (l) => allowed.has(l)));
        });
        expect(ranged.map((r) => Array.from(r.labels))).toEqual(
          bitmapped.map((r) => Array.from(r.labels)),
        );
        expect(
          recall(
            ranged.map((r) => r.labels),
            expected,
          ),
        ).toBeGreaterThanOrEqual(0.95);
      });
    }

    it('applies a bitmap and ranges together, and treats labels past the column as outside', async () => {
      const evenWords = new Uint32Array(words).fill(0x55555555); // even labels
      const short = column.subarray(0, Math.floor(maxLabel / 2));
      const results = await shared.search(queries.subarray(0, 50 * DIM), K, 64, evenWords, [
        { column: short, low: -1, high: 1, lowOpen: false, highOpen: false },
      ]);
      for (const res of results) {
        expect(res.labels.length).toBeGreaterThan(0);
        for (const label of res.labels) {
          expect(label % 2).toBe(0);
          expect(label).toBeLessThan(short.length);
        }
      }
    });

    it('rejects a range over anything but a Float64Array', async () => {
      const column32 = new Float32Array(maxLabel) as unknown as Float64Array;
      await expect(
        shared.search(queries.subarray(0, DIM), K, 64, null, [
          { column: column32, low: 0, high: 1, lowOpen: false, highOpen: false },
        ]),
      ).rejects.toThrow(TypeError);
    });
  });

  describe('searchEach', () => {
    const pick = rng(11);
    const half = bitmapOf(
      Array.from(labels).filter(() => pick() < 0.5),
      words,
    );
    const tenth = bitmapOf(
      Array.from(labels).filter(() => pick() < 0.1),
      words,
    );
    const column = new Float64Array(maxLabel);
    for (const label of labels) column[label] = pick() * 2 - 1;
    const positive: ColumnRange[] = [
      { column, low: 0, high: Infinity, lowOpen: false, highOpen: false },
    ];

    it('answers each query with its own k, ef and filter, as a search of that query alone', async () => {
      const settings = [
        { k: 10, ef: 64, filter: null, ranges: [] },
        { k: 3, ef: 16, filter: half, ranges: [] },
        { k: 10, ef: 128, filter: tenth, ranges: [] },
        { k: 5, ef: 32, filter: null, ranges: positive },
        { k: 10, ef: 64, filter: half, ranges: positive },
        { k: 1, ef: 0, filter: new Uint32Array(words), ranges: [] },
      ];
      const batch = Array.from({ length: 36 }, (_, q) => ({
        vector: row(queries, q, DIM),
        ...(settings[q % settings.length] ?? { k: 1, ef: 0, filter: null, ranges: [] }),
      }));
      const together = await shared.searchEach(batch);
      expect(together).toHaveLength(batch.length);
      for (const [q, query] of batch.entries()) {
        const [alone] = await shared.search(
          query.vector,
          query.k,
          query.ef,
          query.filter,
          query.ranges,
        );
        expect(Array.from(together[q]?.labels ?? [])).toEqual(Array.from(alone?.labels ?? []));
        expect(together[q]?.computations).toBe(alone?.computations);
      }
      expect(together[5]?.labels).toHaveLength(0);
    });

    it('returns nothing for no queries', async () => {
      await expect(shared.searchEach([])).resolves.toEqual([]);
    });

    it('rejects a bad vector, k, ef, filter or range column, naming it', async () => {
      const good = { vector: row(queries, 0, DIM), k: 10, ef: 64, filter: null, ranges: [] };
      const bad = [
        [{ ...good, vector: new Float32Array(DIM + 1) }, /vector/],
        [{ ...good, k: 0 }, /k/],
        [{ ...good, ef: -1 }, /ef/],
        [{ ...good, filter: [1, 2] as unknown as Uint32Array }, /filter/],
        [
          {
            ...good,
            ranges: [
              {
                column: new Float32Array(4) as unknown as Float64Array,
                low: 0,
                high: 1,
                lowOpen: false,
                highOpen: false,
              },
            ],
          },
          /column/,
        ],
        [{ ...good, vector: new Float32Array(DIM) }, /zero norm/],
      ] as const;
      for (const [query, message] of bad) {
        await expect(shared.searchEach([good, query])).rejects.toThrow(message);
      }
    });
  });

  describe('searchExact with candidates', () => {
    it('returns exactly the JS brute-force top-k over the candidate subset', async () => {
      const pick = rng(99);
      const subset = Array.from(labels).filter(() => pick() < 0.1);
      // duplicates and unknown labels are tolerated
      const candidates = Uint32Array.from([...subset, ...subset.slice(0, 20), 1, 2, 4_000_000]);
      const allowed = new Set(subset);
      const results = await shared.searchExact(queries.subarray(0, 50 * DIM), K, candidates);
      results.forEach((res, q) => {
        const query = row(queries, q, DIM);
        expectWellFormed(res, K);
        expect(Array.from(res.labels)).toEqual(truth.topK(query, K, (l) => allowed.has(l)));
        expectDistancesMatch(res, query, truth);
      });
    });

    it('returns fewer than k when there are fewer live candidates', async () => {
      const [res] = await shared.searchExact(row(queries, 0, DIM), K, labels.subarray(0, 3));
      expect(Array.from(res?.labels ?? []).sort((a, b) => a - b)).toEqual(
        Array.from(labels.subarray(0, 3)),
      );
      const [none] = await shared.searchExact(row(queries, 0, DIM), K, new Uint32Array(0));
      expect(none?.labels).toHaveLength(0);
    });

    it('answers the same on the calling thread (searchExactNow) as off it', async () => {
      const candidates = labels.filter((_, i) => i % 7 === 0);
      for (const subset of [candidates, null]) {
        const q = queries.subarray(0, 20 * DIM);
        const off = await shared.searchExact(q, K, subset);
        const now = shared.searchExactNow(q, K, subset);
        expect(now.map((r) => Array.from(r.labels))).toEqual(off.map((r) => Array.from(r.labels)));
        expect(now.map((r) => Array.from(r.distances))).toEqual(
          off.map((r) => Array.from(r.distances)),
        );
        expect(now.map((r) => r.computations)).toEqual(off.map((r) => r.computations));
      }
    });
  });

  describe('mutations', () => {
    const base = new Clusters(32, 10, 5);

    async function smallEngine(n: number, capacity = 1024) {
      const e = engine(32, capacity);
      const l = labelRange(0, n);
      const v = base.sample(n);
      const t = new Truth(32);
      t.set(l, v);
      await e.add(l, v);
      return { e, l, v, t };
    }

    it('never returns removed labels and ignores unknown or repeated removals', async () => {
      const { e, v, t } = await smallEngine(500);
      const removed = labelRange(0, 100, 5);
      e.remove(removed);
      e.remove(removed); // already removed
      e.remove(Uint32Array.from([7_000_000])); // unknown
      t.delete(removed);
      expect(e.size).toBe(400);
      expect(e.stats()).toMatchObject({ live: 400, slots: 500, deleted: 100 });
      const gone = new Set(removed);
      const approx = await e.search(v, 20, 64);
      const all = await e.searchExact(v, 20, null);
      const viaCandidates = await e.searchExact(v.subarray(0, 32 * 50), 20, removed);
      for (const res of [...approx, ...all]) {
        for (const label of res.labels) expect(gone.has(label)).toBe(false);
      }
      for (const res of viaCandidates) expect(res.labels).toHaveLength(0);
      for (const label of removed) expect(e.getVector(label)).toBeNull();
    });

    it('re-adds a removed label into its old slot, findable at its new vector', async () => {
      const { e, t } = await smallEngine(300);
      const target = 42;
      e.remove(Uint32Array.of(target));
      const moved = base.sample(1, 3);
      await e.add(Uint32Array.of(target), moved);
      t.set(Uint32Array.of(target), moved);
      expect(e.size).toBe(300);
      expect(e.stats()).toMatchObject({ slots: 300, deleted: 0 });
      const [res] = await e.search(moved, 5, 64);
      expect(res?.labels[0]).toBe(target);
      expect(res?.distances[0]).toBeLessThan(1e-5);
      expect(Array.from(e.getVector(target) ?? [])).toEqual(
        Array.from(normalised(moved)).map((x) => expect.closeTo(x, 6) as unknown),
      );
    });

    it('gives a removed slot to a new label and keeps both labels consistent', async () => {
      const { e, t } = await smallEngine(200);
      e.remove(Uint32Array.of(5));
      const fresh = base.sample(1, 7);
      await e.add(Uint32Array.of(10_000), fresh);
      t.delete([5]);
      t.set(Uint32Array.of(10_000), fresh);
      expect(e.stats()).toMatchObject({ live: 200, slots: 200, deleted: 0 });
      expect(e.getVector(5)).toBeNull();
      const [self] = await e.search(fresh, 10, 64);
      expect(self?.labels[0]).toBe(10_000);
      expectDistancesMatch(self ?? EMPTY, fresh, t);
      // the old label can come back later (as a new slot since its own was reused)
      await e.add(Uint32Array.of(5), row(base.sample(1, 2), 0, 32));
      expect(e.stats()).toMatchObject({ live: 201, slots: 201 });
      // and both can be removed again
      e.remove(Uint32Array.of(5, 10_000));
      expect(e.size).toBe(199);
      const all = await e.searchExact(base.sample(20), 50, null);
      for (const res of all) {
        expect(Array.from(res.labels)).not.toContain(5);
        expect(Array.from(res.labels)).not.toContain(10_000);
      }
    });

    it('moves a live label updated to a new vector to the new place', async () => {
      const { e, v, t } = await smallEngine(600);
      const target = 17;
      const before = row(v, target, 32).slice();
      const after = base.sample(1, 9);
      expect(cosineDistance(before, after)).toBeGreaterThan(0.3);
      await e.add(Uint32Array.of(target), after);
      t.set(Uint32Array.of(target), after);
      expect(e.size).toBe(600);
      expect(e.stats().slots).toBe(600);
      const [atNew] = await e.search(after, 5, 64);
      expect(atNew?.labels[0]).toBe(target);
      expect(atNew?.distances[0]).toBeLessThan(1e-5);
      const [atOld] = await e.search(before, 10, 64);
      expectDistancesMatch(atOld ?? EMPTY, before, t);
      expect(Array.from(atOld?.labels ?? [])).toEqual(t.topK(before, 10));
    });

    it('keeps the last row when a label appears twice in one batch', async () => {
      const e = engine(32, 16);
      const rows = base.sample(2);
      await e.add(Uint32Array.of(3, 3), rows);
      expect(e.size).toBe(1);
      const stored = e.getVector(3) ?? new Float32Array();
      const expected = normalised(row(rows, 1, 32));
      stored.forEach((x, i) => {
        expect(x).toBeCloseTo(expected[i] ?? Number.NaN, 6);
      });
    });

    it('survives churn without returning removed labels and without growing memory', async () => {
      const live = 500;
      const capacity = 600;
      const { e, t } = await smallEngine(live, capacity);
      const pick = rng(2024);
      let next = live;
      const removedNow = new Set<number>();
      for (let round = 0; round < 12; round++) {
        const current = Array.from(t.vectors.keys());
        const victims = new Set<number>();
        while (victims.size < 100) victims.add(current[Math.floor(pick() * current.length)] ?? 0);
        const victimList = Uint32Array.from(victims);
        e.remove(victimList);
        t.delete(victimList);
        victimList.forEach((label) => removedNow.add(label));

        const back = victimList.subarray(0, 50); // re-add half of them, with new vectors
        const fresh = labelRange(next, 50); // and 50 brand-new labels
        next += 50;
        const batch = Uint32Array.from([...back, ...fresh]);
        const vectors = base.sample(batch.length);
        await e.add(batch, vectors);
        t.set(batch, vectors);
        back.forEach((label) => removedNow.delete(label));

        expect(e.size).toBe(live);
        expect(e.stats()).toEqual({
          live,
          slots: live,
          deleted: 0,
          capacity,
          hugePageBytes: expect.any(Number) as number,
        });

        const q = base.sample(20);
        const [approx, all] = await Promise.all([e.search(q, 30, 64), e.searchExact(q, 30, null)]);
        for (const res of [...approx, ...all]) {
          for (const label of res.labels) expect(removedNow.has(label)).toBe(false);
        }
        approx.forEach((res, i) => {
          expectDistancesMatch(res, row(q, i, 32), t);
        });
      }
      for (const label of removedNow) expect(e.getVector(label)).toBeNull();
      const q = base.sample(100);
      const approx = await e.search(q, 10, 64);
      const expected = Array.from({ length: 100 }, (_, i) => t.topK(row(q, i, 32), 10));
      expect(
        recall(
          approx.map((r) => r.labels),
          expected,
        ),
      ).toBeGreaterThanOrEqual(0.95);
    });

    it('grows capacity past initialCapacity as needed', async () => {
      const e = engine(32, 8);
      const v = base.sample(2500);
      await e.add(labelRange(0, 2000), v.subarray(0, 2000 * 32));
      for (let i = 2000; i < 2500; i += 100) {
        await e.add(labelRange(i, 100), v.subarray(i * 32, (i + 100) * 32));
      }
      expect(e.size).toBe(2500);
      const stats = e.stats();
      expect(stats.capacity).toBeGreaterThanOrEqual(2500);
      expect(stats.slots).toBe(2500);
      const self = await e.search(v, 1, 64);
      const found = self.filter((res, i) => res.labels[0] === i).length;
      expect(found / 2500).toBeGreaterThanOrEqual(0.99);
    });
  });

  describe('concurrency', () => {
    it('serves searches while an add batch is in flight, with sane results', async () => {
      const c = new Clusters(DIM, 20, 11);
      const baseCount = 1000;
      const batchCount = 2000;
      const all = c.sample(baseCount + batchCount);
      const t = new Truth(DIM);
      const e = engine(DIM, 256); // the batch also forces resizes while searching
      const baseLabels = labelRange(0, baseCount);
      await e.add(baseLabels, all.subarray(0, baseCount * DIM));
      t.set(baseLabels, all.subarray(0, baseCount * DIM));
      const batchLabels = labelRange(baseCount, batchCount);
      t.set(batchLabels, all.subarray(baseCount * DIM));

      let addDone = false;
      const adding = e.add(batchLabels, all.subarray(baseCount * DIM)).then(() => {
        addDone = true;
      });
      const removed = labelRange(0, 50);
      e.remove(removed); // removal while the batch is in flight
      const gone = new Set(removed);

      let resolvedDuringAdd = 0;
      const q = c.sample(400);
      const track = <T>(p: Promise<T>) =>
        p.then((r) => {
          if (!addDone) resolvedDuringAdd++;
          return r;
        });
      const searches = Array.from({ length: 16 }, (_, i) =>
        track(e.search(q.subarray((i % 8) * 50 * DIM, ((i % 8) + 1) * 50 * DIM), K, 16 + i * 8)),
      );
      const exacts = [track(e.searchExact(q.subarray(0, 20 * DIM), K, null))];
      exacts.push(track(e.searchExact(q.subarray(0, 20 * DIM), K, batchLabels)));
      const vectorsSeen = Array.from({ length: 50 }, (_, i) => e.getVector(baseCount + i * 40));

      const [approx, ex] = await Promise.all([Promise.all(searches), Promise.all(exacts)]);
      await adding;
      expect(resolvedDuringAdd).toBeGreaterThan(0);

      approx.forEach((results, i) => {
        const offset = (i % 8) * 50;
        results.forEach((res, j) => {
          expectWellFormed(res, K);
          expect(res.labels.length).toBeGreaterThan(0);
          for (const label of res.labels) expect(gone.has(label)).toBe(false);
          expectDistancesMatch(res, row(q, offset + j, DIM), t);
        });
      });
      for (const results of ex) {
        results.forEach((res, j) => {
          expectWellFormed(res, K);
          for (const label of res.labels) expect(gone.has(label)).toBe(false);
          expectDistancesMatch(res, row(q, j, DIM), t);
        });
      }
      vectorsSeen.forEach((stored, i) => {
        if (stored === null) return; // not inserted yet at that moment
        const expected = normalised(t.vectors.get(baseCount + i * 40) ?? new Float32Array());
        stored.forEach((x, d) => {
          expect(x).toBeCloseTo(expected[d] ?? Number.NaN, 6);
        });
      });

      expect(e.size).toBe(baseCount - removed.length + batchCount);
      expect(e.stats().capacity).toBeGreaterThanOrEqual(baseCount + batchCount);
      t.delete(removed);
      const after = await e.search(q.subarray(0, 100 * DIM), K, 64);
      const expected = Array.from({ length: 100 }, (_, i) => t.topK(row(q, i, DIM), K));
      expect(
        recall(
          after.map((r) => r.labels),
          expected,
        ),
      ).toBeGreaterThanOrEqual(0.97);
    });
  });

  describe('distance computations', () => {
    const sum = (results: KnnResult[]) => results.reduce((s, r) => s + r.computations, 0);

    it('counts the distances a graph search computed, per query', async () => {
      const results = await shared.search(queries, K, 64);
      for (const res of results) {
        expect(Number.isInteger(res.computations)).toBe(true);
        // At least the k results and the entry point, far fewer than a scan of all N.
        expect(res.computations).toBeGreaterThan(K);
        expect(res.computations).toBeLessThan(N);
      }
    });

    it('counts each query on its own: the same alone as within a batch', async () => {
      const batch = await shared.search(queries.subarray(0, 20 * DIM), K, 32);
      for (let q = 0; q < 20; q++) {
        const [alone] = await shared.search(row(queries, q, DIM), K, 32);
        expect(alone?.computations).toBe(batch[q]?.computations);
      }
    });

    it('grows with ef', async () => {
      const narrow = await shared.search(queries, K, 16);
      const wide = await shared.search(queries, K, 128);
      expect(sum(wide)).toBeGreaterThan(sum(narrow));
    });

    it('costs more with a selective (5%) filter than the same search unfiltered', async () => {
      const pick = rng(55);
      const bitmap = bitmapOf(
        Array.from(labels).filter(() => pick() < 0.05),
        words,
      );
      const unfiltered = await shared.search(queries, K, 64);
      const filtered = await shared.search(queries, K, 64, bitmap);
      expect(sum(filtered)).toBeGreaterThan(sum(unfiltered));
    });

    it('is zero when nothing is searched, one for a graph of one element', async () => {
      const [none] = await shared.search(row(queries, 0, DIM), K, 64, new Uint32Array(0));
      expect(none?.computations).toBe(0);
      const e = engine(DIM, 16);
      const [empty] = await e.search(row(queries, 0, DIM), K, 64);
      expect(empty?.computations).toBe(0);
      await e.add(Uint32Array.of(1), row(data, 0, DIM));
      const [one] = await e.search(row(queries, 0, DIM), K, 64);
      expect(one?.computations).toBe(1);
    });

    it('is one per live candidate for an exact search over given candidates', async () => {
      const pick = rng(77);
      const subset = Array.from(labels).filter(() => pick() < 0.2);
      // Duplicates and unknown labels cost nothing.
      const candidates = Uint32Array.from([...subset, ...subset.slice(0, 30), 1, 4_000_000]);
      const results = await shared.searchExact(queries.subarray(0, 10 * DIM), K, candidates);
      for (const res of results) expect(res.computations).toBe(subset.length);
    });

    it('skips removed candidates, and counts every live element for candidates null', async () => {
      const c = new Clusters(16, 4, 8);
      const e = engine(16, 64);
      await e.add(labelRange(0, 300), c.sample(300));
      e.remove(labelRange(0, 60, 5)); // 60 removed: 0, 5, …, 295
      const q = c.sample(3);
      for (const res of await e.searchExact(q, K, labelRange(0, 100))) {
        expect(res.computations).toBe(80);
      }
      for (const res of await e.searchExact(q, K, null)) {
        expect(res.computations).toBe(e.size);
        expect(res.computations).toBe(240);
      }
    });
  });

  describe('base-layer search', () => {
    const RDIM = 32;
    const RN = 2000;
    const RQ = 50;

    /**
     * The neighbours of 50 queries on a fixed graph, in several settings, one line of labels per
     * query; recorded with hnswlib's own searchBaseLayerST, which the addon called before it had
     * a base-layer search of its own. The vectors make every distance exact (exactUnitVectors),
     * so the graph and these answers do not depend on the CPU.
     */
    async function referenceAnswers(): Promise<Record<string, string[]>> {
      const e = engine(RDIM, RN, 1234);
      const vectors = exactUnitVectors(RN, RDIM, 12, 77);
      // One insert per call: a single thread, so the graph is deterministic.
      for (let i = 0; i < RN; i++) {
        await e.add(Uint32Array.of(i), row(vectors, i, RDIM));
      }
      const queries = exactUnitVectors(RQ, RDIM, 12, 78);
      const pick = rng(5);
      const tenth = bitmapOf(
        Array.from(labelRange(0, RN)).filter(() => pick() < 0.1),
        RN / 32,
      );
      const third = bitmapOf(
        Array.from(labelRange(0, RN)).filter(() => pick() < 0.3),
        RN / 32,
      );
      const hundredth = bitmapOf(
        Array.from(labelRange(0, RN)).filter(() => pick() < 0.01),
        RN / 32,
      );
      const lines = (results: KnnResult[]) => results.map((r) => Array.from(r.labels).join(' '));
      const answers: Record<string, string[]> = {
        'k 10, ef 10': lines(await e.search(queries, 10, 10)),
        'k 10, ef 64': lines(await e.search(queries, 10, 64)),
        'k 3, ef 0': lines(await e.search(queries, 3, 0)),
        'k 10, ef 32, 10% filter': lines(await e.search(queries, 10, 32, tenth)),
        'k 10, ef 16, 1% filter': lines(await e.search(queries, 10, 16, hundredth)),
      };
      e.remove(labelRange(0, RN / 10, 10));
      answers['removed, k 10, ef 16'] = lines(await e.search(queries, 10, 16));
      answers['removed, k 10, ef 32, 30% filter'] = lines(await e.search(queries, 10, 32, third));
      answers['removed, k 10, ef 10, 1% filter'] = lines(
        await e.search(queries, 10, 10, hundredth),
      );
      return answers;
    }

    it("returns exactly the neighbours hnswlib's own base-layer search returned", async () => {
      const recorded = JSON.parse(await readFile(REFERENCE_PATH, 'utf8')) as Record<
        string,
        string[]
      >;
      expect(await referenceAnswers()).toEqual(recorded);
    });
  });

  describe('persistence', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mnemo-hnsw-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('answers the same after a save/load round trip, removals included', async () => {
      const e = engine(DIM, 512);
      await e.add(labels.subarray(0, 1500), data.subarray(0, 1500 * DIM));
      const removed = labels.subarray(0, 1500).filter((_, i) => i % 15 === 0);
      e.remove(removed);
      const path = join(dir, 'index.hnsw');
      await e.save(path);
      expect((await stat(path)).size).toBeGreaterThan(1500 * DIM * 4);

      const loaded = await HnswEngine.load(path, { dim: DIM, ...OPTIONS, initialCapacity: 0 });
      expect(loaded.dim).toBe(DIM);
      expect(loaded.size).toBe(e.size);
      expect(loaded.stats()).toMatchObject({ live: e.size, slots: 1500, deleted: removed.length });

      const q = queries.subarray(0, 100 * DIM);
      const [a, b] = await Promise.all([e.search(q, K, 64), loaded.search(q, K, 64)]);
      expect(b.map((r) => Array.from(r.labels))).toEqual(a.map((r) => Array.from(r.labels)));
      expect(b.map((r) => Array.from(r.distances))).toEqual(a.map((r) => Array.from(r.distances)));
      const [ea, eb] = await Promise.all([
        e.searchExact(q, K, null),
        loaded.searchExact(q, K, null),
      ]);
      expect(eb.map((r) => Array.from(r.labels))).toEqual(ea.map((r) => Array.from(r.labels)));
      expect(loaded.getVector(labels[1] ?? 0)).toEqual(e.getVector(labels[1] ?? 0));
      expect(loaded.getVector(removed[0] ?? 0)).toBeNull();

      // the loaded index keeps reusing the removed slots
      const fresh = clusters.sample(removed.length);
      await loaded.add(labelRange(100_000, removed.length), fresh);
      expect(loaded.stats()).toMatchObject({ slots: 1500, deleted: 0 });
      const [self] = await loaded.search(row(fresh, 0, DIM), 1, 64);
      expect(self?.labels[0]).toBe(100_000);
    });

    it('rejects loading with a different dimension or from a missing file', async () => {
      const e = engine(16, 8);
      await e.add(
        labelRange(0, 10),
        clusters
          .sample(10)
          .subarray(0, 160)
          .map((x) => x + 0.1),
      );
      const path = join(dir, 'small.hnsw');
      await e.save(path);
      await expect(
        HnswEngine.load(path, { dim: 32, ...OPTIONS, initialCapacity: 0 }),
      ).rejects.toThrow(/holds vectors of 64 bytes, expected 128 \(dimension 32, float32\)/);
      await expect(
        HnswEngine.load(join(dir, 'missing.hnsw'), { dim: 16, ...OPTIONS, initialCapacity: 0 }),
      ).rejects.toThrow(/cannot load HNSW index/);
      await expect(e.save(join(dir, 'no-such-dir', 'x.hnsw'))).rejects.toThrow(
        /cannot write HNSW index/,
      );
    });
  });

  describe('input validation', () => {
    const e = engine(4, 8);
    const one = Float32Array.of(1, 0, 0, 0);

    it('rejects invalid options', () => {
      expect(() => engine(0, 8)).toThrow(TypeError);
      expect(
        () => new HnswEngine({ dim: 4, m: 1, efConstruction: 10, initialCapacity: 1 }),
      ).toThrow(/options\.m must be an integer/);
      expect(
        () => new HnswEngine({ dim: 4, m: 16, efConstruction: 1.5, initialCapacity: 1 }),
      ).toThrow(/options\.efConstruction/);
    });

    it('rejects vectors whose length is not labels.length * dim', async () => {
      await expect(e.add(Uint32Array.of(1, 2), new Float32Array(7))).rejects.toThrow(
        new TypeError('vectors.length (7) must equal labels.length (2) * dim (4)'),
      );
    });

    it('rejects labels that are not a Uint32Array of integers', async () => {
      const fractional = [1.5] as unknown as Uint32Array;
      await expect(e.add(fractional, one)).rejects.toThrow(/Uint32Array of integer labels/);
      await expect(e.add(Float64Array.of(1) as unknown as Uint32Array, one)).rejects.toThrow(
        TypeError,
      );
      expect(() => {
        e.remove([1, 2] as unknown as Uint32Array);
      }).toThrow(TypeError);
      expect(() => e.getVector(1.5)).toThrow(/label must be an integer/);
      expect(() => e.getVector(-1)).toThrow(TypeError);
    });

    it('rejects zero and non-finite vectors without inserting any row of the batch', async () => {
      const rows = Float32Array.of(1, 2, 3, 4, 0, 0, 0, 0);
      await expect(e.add(Uint32Array.of(1, 2), rows)).rejects.toThrow(
        new TypeError(
          'vector 1 (label 2) has zero norm or non-finite components and cannot be normalised',
        ),
      );
      await expect(e.add(Uint32Array.of(3), Float32Array.of(1, Number.NaN, 0, 0))).rejects.toThrow(
        /non-finite/,
      );
      expect(e.size).toBe(0);
      expect(e.getVector(1)).toBeNull();
    });

    it('rejects bad queries, k, ef, filters and candidates', async () => {
      await e.add(Uint32Array.of(1), one);
      await expect(e.search(new Float32Array(6), 1, 10)).rejects.toThrow(
        /queries\.length \(6\) is not a multiple of dim \(4\)/,
      );
      await expect(e.search(one, 0, 10)).rejects.toThrow(/k must be an integer/);
      await expect(e.search(one, 2.5, 10)).rejects.toThrow(TypeError);
      await expect(e.search(one, 1, -1)).rejects.toThrow(/ef must be an integer/);
      await expect(e.search(one, 1, 10, [1] as unknown as Uint32Array)).rejects.toThrow(
        /filter must be a Uint32Array/,
      );
      await expect(e.search(new Float32Array(4), 1, 10)).rejects.toThrow(/query 0 has zero norm/);
      await expect(e.searchExact(one, 0, null)).rejects.toThrow(TypeError);
      await expect(e.searchExact(one, 1, [1] as unknown as Uint32Array)).rejects.toThrow(
        /candidates must be a Uint32Array/,
      );
      await expect(e.searchExact(Float32Array.of(0, 0, 0, 0), 1, null)).rejects.toThrow(TypeError);
      expect(() => e.searchExactNow(one, 0, null)).toThrow(/k must be an integer/);
      expect(() => e.searchExactNow(one, 1, [1] as unknown as Uint32Array)).toThrow(
        /candidates must be a Uint32Array/,
      );
      expect(() => e.searchExactNow(Float32Array.of(0, 0, 0, 0), 1, null)).toThrow(
        /query 0 has zero norm/,
      );
      expect(() => e.searchExactNow(Float32Array.of(0, 0, 0, 0), 1, null)).toThrow(TypeError);
      expect(await e.search(new Float32Array(0), 1, 10)).toEqual([]);
    });
  });
});

describe('HnswEngine with float16 storage', () => {
  const DIM = 64;
  const N = 3000;
  const K = 10;
  const clusters = new Clusters(DIM, 20, 43);
  const data = clusters.sample(N);
  const labels = labelRange(0, N);
  const queries = clusters.sample(100);
  const truth = new Truth(DIM);
  truth.set(labels, data);
  const half: HnswOptions = { dim: DIM, ...OPTIONS, initialCapacity: N, precision: 'float16' };
  let e: HnswEngine;
  let dir: string;

  beforeAll(async () => {
    e = new HnswEngine(half);
    await e.add(labels, data);
    dir = await mkdtemp(join(tmpdir(), 'mnemo-hnsw16-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps each vector to float16 precision (11 significant bits)', () => {
    for (const label of [0, 1, 1500, N - 1]) {
      const raw = row(data, label, DIM);
      const norm = Math.sqrt(raw.reduce((s, x) => s + x * x, 0));
      const stored = e.getVector(label) ?? new Float32Array(0);
      expect(stored).toHaveLength(DIM);
      stored.forEach((x, i) => {
        const expected = (raw[i] ?? 0) / norm;
        expect(Math.abs(x - expected)).toBeLessThanOrEqual(
          Math.abs(expected) * 2 ** -11 + 2 ** -25,
        );
      });
    }
  });

  it('finds the float32 brute-force neighbours, with distances within 1e-3 of them', async () => {
    const approx = await e.search(queries, K, 64);
    const expected = Array.from({ length: 100 }, (_, q) => truth.topK(row(queries, q, DIM), K));
    expect(
      recall(
        approx.map((r) => r.labels),
        expected,
      ),
    ).toBeGreaterThanOrEqual(0.98);
    const exact = await e.searchExact(queries, K, null);
    expect(
      recall(
        exact.map((r) => r.labels),
        expected,
      ),
    ).toBeGreaterThanOrEqual(0.99);
    approx.forEach((res, q) => {
      res.labels.forEach((label, i) => {
        const stored = truth.vectors.get(label) ?? new Float32Array(DIM);
        const d = cosineDistance(row(queries, q, DIM), stored);
        expect(Math.abs((res.distances[i] ?? Number.NaN) - d)).toBeLessThan(1e-3);
      });
    });
  });

  it('saves and loads as float16, and refuses to load as float32', async () => {
    const path = join(dir, 'half.hnsw');
    await e.save(path);
    // Two bytes less per dimension and element; the links are the same size when both graphs
    // draw the same levels, which only a serial build guarantees (hnswlib's parallel adds race
    // on its level generator, and a batch of two rows or more is inserted on every core): one
    // row per call.
    const serialBuild = async (precision: 'float32' | 'float16', file: string): Promise<number> => {
      const engine = new HnswEngine({ ...half, precision });
      for (let at = 0; at < N; at++) {
        await engine.add(labels.subarray(at, at + 1), data.subarray(at * DIM, (at + 1) * DIM));
      }
      await engine.save(join(dir, file));
      return (await stat(join(dir, file))).size;
    };
    const fullSize = await serialBuild('float32', 'full.hnsw');
    expect(fullSize - (await serialBuild('float16', 'half-serial.hnsw'))).toBe(N * DIM * 2);
    const loaded = await HnswEngine.load(path, half);
    const q = queries.subarray(0, 20 * DIM);
    const [a, b] = await Promise.all([e.search(q, K, 64), loaded.search(q, K, 64)]);
    expect(b.map((r) => Array.from(r.labels))).toEqual(a.map((r) => Array.from(r.labels)));
    expect(loaded.getVector(7)).toEqual(e.getVector(7));
    await expect(HnswEngine.load(path, { ...half, precision: 'float32' })).rejects.toThrow(
      /holds vectors of 128 bytes, expected 256 \(dimension 64, float32\)/,
    );
  });

  it('rejects an unknown precision', () => {
    expect(() => new HnswEngine({ ...half, precision: 'int8' as never })).toThrow(
      /options.precision must be float32 or float16/,
    );
  });
});
