import { availableParallelism } from 'node:os';
import {
  nativeAddon,
  type NativeBatch,
  type NativeFilter,
  type NativeIndex,
} from './nativeAddon.js';

/** Construction options of an {@link HnswEngine}. */
export interface HnswOptions {
  /** Vector dimension (e.g. 256). */
  dim: number;
  /** HNSW M: links per node on the upper layers (2·M on the base layer). Callers use 16. */
  m: number;
  /** Beam width while building the graph. Callers use 200. */
  efConstruction: number;
  /** Initial slot capacity; it grows automatically. */
  initialCapacity: number;
  /** Seed of the level generator (default 100). */
  seed?: number;
  /**
   * How vectors are stored: float32 (default), or float16, which halves their memory and the
   * memory read per distance, at about 1e-3 absolute error in distances.
   */
  precision?: VectorPrecision;
}

/** Storage of the vectors in the graph. */
export type VectorPrecision = 'float32' | 'float16';

/** Result of one query. */
export interface KnnResult {
  /** Labels, ascending by distance, at most k, never duplicated. */
  labels: Uint32Array;
  /** Cosine distances 1 − cos(a, b), in [0, 2], aligned with `labels`. */
  distances: Float32Array;
  /**
   * Vector distances computed for this query: by {@link HnswEngine.search}, every one of the graph
   * search (entry point and upper-layer descent included); by {@link HnswEngine.searchExact}, one
   * per live candidate.
   */
  computations: number;
}

/** Diagnostic counters of an {@link HnswEngine}. */
export interface HnswStats {
  /** Live (not removed) elements. */
  live: number;
  /** Slots ever allocated in the graph (live + removed awaiting reuse). */
  slots: number;
  /** Removed elements whose slots wait to be reused by later inserts. */
  deleted: number;
  /** Allocated slot capacity. */
  capacity: number;
  /**
   * Bytes of the graph's base layer advised for transparent huge pages (Linux, when it spans an
   * aligned 2 MiB page); whether the kernel maps them so depends on its THP setting.
   */
  hugePageBytes: number;
}

/** One query of {@link HnswEngine.searchEach}, with its own k, ef and filter. */
export interface GraphQuery {
  readonly vector: Float32Array;
  readonly k: number;
  readonly ef: number;
  /** Bitmap of the labels allowed, as for {@link HnswEngine.search}; null: any label. */
  readonly filter: Uint32Array | null;
  readonly ranges: readonly ColumnRange[];
}

/**
 * Labels whose value in `column` (indexed by label) lies in [low, high], strictly on an open
 * side. The engine reads the column while it searches and keeps it alive until then; values
 * written meanwhile may or may not be seen, so callers re-check the hits.
 */
export interface ColumnRange {
  readonly column: Float64Array;
  readonly low: number;
  readonly high: number;
  readonly lowOpen: boolean;
  readonly highOpen: boolean;
}

const DEFAULT_SEED = 100;
const MAX_UINT32 = 0xffff_ffff;
const THREADS = Math.max(1, availableParallelism());

function checkInteger(name: string, value: unknown, min: number, max = MAX_UINT32): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function checkOptions(options: HnswOptions): Required<HnswOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('HnswEngine options must be an object');
  }
  return {
    dim: checkInteger('options.dim', options.dim, 1, 65_536),
    m: checkInteger('options.m', options.m, 2, 2048),
    efConstruction: checkInteger('options.efConstruction', options.efConstruction, 1, 1 << 20),
    initialCapacity: checkInteger('options.initialCapacity', options.initialCapacity, 0),
    seed: checkInteger('options.seed', options.seed ?? DEFAULT_SEED, 0),
    precision: checkPrecision(options.precision ?? 'float32'),
  };
}

/**
 * The engine behind every index and the SIMD path its distance kernels run (chosen at load from
 * the CPU, or forced by MNEMO_SIMD), as GetInfo names it, e.g. "hnswlib 0.8.0 (native, avx2)"
 * (see native/vendor/hnswlib/VENDORED.md). Throws as {@link nativeAddon} does.
 */
export function indexEngine(): string {
  return `hnswlib 0.8.0 (native, ${nativeAddon().simd()})`;
}

function checkPrecision(precision: unknown): VectorPrecision {
  if (precision !== 'float32' && precision !== 'float16') {
    throw new TypeError(`options.precision must be float32 or float16, got ${String(precision)}`);
  }
  return precision;
}

function checkLabels(name: string, labels: unknown): Uint32Array {
  if (!(labels instanceof Uint32Array)) {
    throw new TypeError(`${name} must be a Uint32Array of integer labels in [0, 2^32)`);
  }
  return labels;
}

function checkRanges(name: string, ranges: readonly ColumnRange[]): void {
  for (const range of ranges) {
    if (!(range.column instanceof Float64Array)) {
      throw new TypeError(`${name}[].column must be a Float64Array`);
    }
  }
}

function nativeFilter(bitmap: Uint32Array | null, ranges: readonly ColumnRange[]): NativeFilter {
  return { bitmap, ranges: ranges.length === 0 ? null : ranges };
}

function checkFloats(name: string, values: unknown): Float32Array {
  if (!(values instanceof Float32Array)) {
    throw new TypeError(`${name} must be a Float32Array`);
  }
  return values;
}

function splitBatch(batch: NativeBatch): KnnResult[] {
  const { labels, distances, offsets, computations } = batch;
  const out: KnnResult[] = new Array<KnnResult>(offsets.length - 1);
  for (let q = 0; q < out.length; q++) {
    const start = offsets[q] ?? 0;
    const end = offsets[q + 1] ?? start;
    out[q] = {
      labels: labels.subarray(start, end),
      distances: distances.subarray(start, end),
      computations: computations[q] ?? 0,
    };
  }
  return out;
}

/**
 * Approximate nearest-neighbour engine: hnswlib's HNSW graph over L2-normalised vectors with
 * inner-product distance, i.e. cosine distance 1 − cos. Searches may run concurrently with each
 * other and with an add batch in flight; heavy work runs off the JS thread.
 */
export class HnswEngine {
  /** Vector dimension. */
  readonly dim: number;
  readonly precision: VectorPrecision;
  readonly #native: NativeIndex;

  /**
   * Creates an empty index (throws TypeError on invalid options), or wraps `loaded`, an index that
   * {@link HnswEngine.load} read and that `options` describe.
   */
  constructor(options: HnswOptions, loaded?: NativeIndex) {
    const o = checkOptions(options);
    this.dim = o.dim;
    this.precision = o.precision;
    this.#native =
      loaded ??
      new (nativeAddon().HnswIndex)(
        o.dim,
        o.m,
        o.efConstruction,
        o.initialCapacity,
        o.seed,
        o.precision === 'float16',
      );
  }

  /** Live (not removed) elements. */
  get size(): number {
    return this.#native.size;
  }

  /**
   * Insert vectors (row-major, labels.length*dim floats, not necessarily normalised: the engine
   * normalises a copy). A label that is live gets its vector replaced; a label that was removed
   * earlier may be added again (into its old slot unless that was reused meanwhile); a new label
   * takes the slot of some removed label if one is free, so memory stays bounded under churn. If
   * a label occurs twice in one batch the last row wins. Runs off the JS thread (libuv pool); a
   * large batch is split over os.availableParallelism() threads. Capacity grows as needed.
   * Rejects with a TypeError, before inserting anything, if a vector is zero or has non-finite
   * components.
   */
  async add(labels: Uint32Array, vectors: Float32Array): Promise<void> {
    checkLabels('labels', labels);
    checkFloats('vectors', vectors);
    if (vectors.length !== labels.length * this.dim) {
      throw new TypeError(
        `vectors.length (${vectors.length}) must equal labels.length (${labels.length}) * dim (${this.dim})`,
      );
    }
    if (labels.length === 0) return;
    await this.#native.add(labels, vectors, THREADS);
  }

  /** Remove labels (unknown or already removed labels are ignored). Synchronous. */
  remove(labels: Uint32Array): void {
    checkLabels('labels', labels);
    this.#native.remove(labels);
  }

  /**
   * Approximate KNN for nq queries (row-major), each with its own result. ef = max(ef, k) is per
   * call, so concurrent searches with different ef do not interfere. filter: optional bitmap over
   * labels (bit i&31 of word i>>>5 set = label i allowed; labels beyond the bitmap are not
   * allowed). ranges: labels must also lie in every range (checked as the graph is walked, so a
   * wide range costs no pass over the labels). Removed labels are never returned. Runs off the
   * JS thread; a batch of queries is split over the cores. Rejects with a TypeError if a query is
   * zero or non-finite.
   */
  async search(
    queries: Float32Array,
    k: number,
    ef: number,
    filter?: Uint32Array | null,
    ranges: readonly ColumnRange[] = [],
  ): Promise<KnnResult[]> {
    this.#checkQueries(queries);
    checkInteger('k', k, 1);
    checkInteger('ef', ef, 0);
    if (filter !== undefined && filter !== null && !(filter instanceof Uint32Array)) {
      throw new TypeError('filter must be a Uint32Array bitmap, null or undefined');
    }
    checkRanges('ranges', ranges);
    if (queries.length === 0) return [];
    const nq = queries.length / this.dim;
    const filtered = (filter ?? null) !== null || ranges.length > 0;
    const filters = filtered ? [nativeFilter(filter ?? null, ranges)] : [];
    return splitBatch(
      await this.#native.searchEach(
        queries,
        new Uint32Array(nq).fill(k),
        new Uint32Array(nq).fill(ef),
        filters,
        new Uint32Array(nq).fill(filtered ? 1 : 0),
        THREADS,
      ),
    );
  }

  /**
   * Approximate KNN for queries that each have their own k, ef and filter (as {@link search}
   * does for one), in as few native calls as there are cores, each on one libuv pool thread:
   * a search call per query costs a thread hand-off and a completion of its own. A bitmap
   * shared by several queries (the same array) is copied once.
   */
  async searchEach(queries: readonly GraphQuery[]): Promise<KnnResult[]> {
    const dim = this.dim;
    for (const query of queries) {
      if (!(query.vector instanceof Float32Array) || query.vector.length !== dim) {
        throw new TypeError(`queries[].vector must be a Float32Array of ${dim} values`);
      }
      checkInteger('queries[].k', query.k, 1);
      checkInteger('queries[].ef', query.ef, 0);
      if (query.filter !== null && !(query.filter instanceof Uint32Array)) {
        throw new TypeError('queries[].filter must be a Uint32Array bitmap or null');
      }
      checkRanges('queries[].ranges', query.ranges);
    }
    const calls = Math.min(THREADS, queries.length);
    const parts: Promise<KnnResult[]>[] = [];
    for (let c = 0; c < calls; c++) {
      const from = Math.floor((c * queries.length) / calls);
      const to = Math.floor(((c + 1) * queries.length) / calls);
      parts.push(this.#searchPart(queries.slice(from, to)));
    }
    return (await Promise.all(parts)).flat();
  }

  async #searchPart(queries: readonly GraphQuery[]): Promise<KnnResult[]> {
    const dim = this.dim;
    const vectors = new Float32Array(queries.length * dim);
    const ks = new Uint32Array(queries.length);
    const efs = new Uint32Array(queries.length);
    const filterOf = new Uint32Array(queries.length);
    const filters: NativeFilter[] = [];
    const bitmaps = new Map<Uint32Array, number>();
    queries.forEach((query, q) => {
      vectors.set(query.vector, q * dim);
      ks[q] = query.k;
      efs[q] = query.ef;
      if (query.filter === null && query.ranges.length === 0) return;
      const shared = query.ranges.length === 0 && query.filter !== null;
      const known = shared ? bitmaps.get(query.filter) : undefined;
      if (known !== undefined) {
        filterOf[q] = known;
        return;
      }
      filters.push(nativeFilter(query.filter, query.ranges));
      filterOf[q] = filters.length;
      if (shared) bitmaps.set(query.filter, filters.length);
    });
    return splitBatch(await this.#native.searchEach(vectors, ks, efs, filters, filterOf, 1));
  }

  /**
   * Exact brute-force KNN for nq queries over the given candidate labels (null = every live
   * element); unknown or removed candidates are skipped. Uses hnswlib's SIMD distance on the
   * vectors stored in the graph. Runs off the JS thread.
   */
  async searchExact(
    queries: Float32Array,
    k: number,
    candidates: Uint32Array | null,
  ): Promise<KnnResult[]> {
    this.#checkQueries(queries);
    checkInteger('k', k, 1);
    if (candidates !== null) checkLabels('candidates', candidates);
    if (queries.length === 0) return [];
    return splitBatch(await this.#native.searchExact(queries, k, candidates, THREADS));
  }

  /**
   * {@link HnswEngine.searchExact} on the calling thread, blocking it meanwhile: for a search
   * that costs less than the hand-off to a worker thread and back, e.g. a lone search over a small
   * candidate set.
   */
  searchExactNow(queries: Float32Array, k: number, candidates: Uint32Array | null): KnnResult[] {
    this.#checkQueries(queries);
    checkInteger('k', k, 1);
    if (candidates !== null) checkLabels('candidates', candidates);
    if (queries.length === 0) return [];
    return splitBatch(this.#native.searchExactNow(queries, k, candidates));
  }

  /** The stored (normalised; with float16, rounded to it) vector of a live label, or null. */
  getVector(label: number): Float32Array | null {
    checkInteger('label', label, 0);
    return this.#native.getVector(label);
  }

  /** The labels of the live (not removed) elements, each once, in no particular order. */
  liveLabels(): Uint32Array {
    return this.#native.liveLabels();
  }

  /**
   * Diagnostic counters (live elements, allocated slots, removed slots awaiting reuse, capacity).
   */
  stats(): HnswStats {
    return this.#native.stats();
  }

  /**
   * Persist the graph (hnswlib saveIndex format) off the JS thread. Writes `path + ".tmp"` and
   * renames it over `path`. Inserts pause while the file is written; searches continue.
   */
  async save(path: string): Promise<void> {
    if (typeof path !== 'string' || path.length === 0) {
      throw new TypeError('path must be a non-empty string');
    }
    await this.#native.save(path);
  }

  /**
   * Restore a graph written by {@link HnswEngine.save} (off the JS thread). options.dim and
   * options.precision must match the file; M and efConstruction come from the file; capacity is
   * initialCapacity, or the saved capacity if initialCapacity is below the stored slot count.
   * Removed elements stay removed and their slots are reused by later inserts. Rejects (never
   * crashes) when the file or its graph is corrupted: sizes or counts that do not fit the file,
   * links out of range, labels repeated or at or above `labelLimit` (default 2^32), vectors not
   * finite.
   */
  static async load(path: string, options: HnswOptions, labelLimit?: number): Promise<HnswEngine> {
    if (typeof path !== 'string' || path.length === 0) {
      throw new TypeError('path must be a non-empty string');
    }
    const o = checkOptions(options);
    const loaded = await nativeAddon().load(
      path,
      o.dim,
      o.initialCapacity,
      o.seed,
      o.precision === 'float16',
      labelLimit,
    );
    return new HnswEngine(o, loaded);
  }

  #checkQueries(queries: unknown): void {
    const q = checkFloats('queries', queries);
    if (q.length % this.dim !== 0) {
      throw new TypeError(
        `queries.length (${q.length}) is not a multiple of dim (${this.dim}): expected nq * dim floats`,
      );
    }
  }
}
