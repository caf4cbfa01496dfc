import type { MemoryAttributes, MemoryRecord } from '../model/MemoryRecord.js';
import type { MemoryFilter } from '../model/MemoryFilter.js';
import { isEmptyFilter } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { AttributeIndex, labelsOf, type AttributeSnapshot } from './AttributeIndex.js';
import {
  HnswEngine,
  type ColumnRange,
  type GraphQuery,
  type KnnResult,
  type VectorPrecision,
} from './HnswEngine.js';
import { chooseEf, PLATEAU_GAIN, type EfMeasurement } from './chooseEf.js';
import { TopK } from './TopK.js';
import { metrics } from '../metrics/metrics.js';

export interface IndexOptions {
  dim: number;
  m: number;
  efConstruction: number;
  /** ef used when a query sets none. */
  efRuntime: number;
  /** Filtered candidate sets up to this size are searched exactly (brute force). */
  exactSearchMaxCandidates: number;
  initialCapacity?: number;
  /** How the graph stores vectors (default float32). */
  vectorPrecision?: VectorPrecision;
}

export interface SearchQuery {
  vector: Float32Array;
  k: number;
  filter: MemoryFilter;
  /** 0 = the index's default. */
  efRuntime: number;
  exact: boolean;
}

export interface IndexHit {
  id: string;
  distance: number;
  /** The revision of the memory the index held when the search returned (see revisionOf). */
  revision: number;
}

/** Position after which a recency page continues. */
export interface RecentCursor {
  value: number;
  id: string;
}

export interface RecentPage {
  ids: string[];
  /** Cursor of the next page, null on the last page. */
  next: RecentCursor | null;
}

/** What a calibration of the default ef found (see MemoryIndex.calibrateEf). */
export interface EfCalibration {
  /** The default ef of unfiltered graph searches chosen. */
  readonly ef: number;
  /** Estimated recall@10 of unfiltered graph searches at that ef. */
  readonly recall: number;
  /** Live memories when it was measured. */
  readonly size: number;
  /**
   * Factor on the default ef of filtered graph searches, measured on the filtered searches served
   * (1 until enough of them were).
   */
  readonly filteredScale: number;
  /** Estimated recall@10 of filtered graph searches at that factor; null if not measured. */
  readonly filteredRecall: number | null;
}

/** How one search was planned (exposed for tests and metrics). */
export type SearchPlan = 'empty' | 'exact' | 'hnsw' | 'hnsw_filtered';

/**
 * The in-process index of one kind of memory: the HNSW graph (cosine), exact attribute columns,
 * and the id ↔ label maps. Mutations must be applied one at a time (the change follower does);
 * searches may run at any time.
 */
export class MemoryIndex {
  private readonly idToLabel = new Map<string, number>();
  private labelToId: (string | undefined)[] = [];
  private readonly freeLabels: number[] = [];
  private pendingFree: number[] = [];
  private nextLabel = 0;
  private inflight = 0;
  private attributes: AttributeIndex;
  /** Per label: the revision of its last change (unique in the process, see revisionOf). */
  private revisions: number[] = [];
  /** Per label: a fingerprint of the payload it holds (0 = not known). */
  private payloadPrints: number[] = [];
  /** Plan of the most recent search. */
  lastPlan: SearchPlan = 'empty';
  /** The last calibration of the default ef; null = not calibrated (IndexOptions.efRuntime). */
  private calibration: EfCalibration | null = null;
  private inherited = false;
  /** Vectors of the last RECENT_QUERIES searches (a ring), the queries of a calibration. */
  private readonly recentQueries: RecentQuery[] = [];
  private recentNext = 0;

  constructor(
    readonly schema: MemorySchema,
    private readonly engine: HnswEngine,
    private readonly options: IndexOptions,
  ) {
    this.attributes = new AttributeIndex(schema, options.initialCapacity ?? 1024);
  }

  static create(schema: MemorySchema, options: IndexOptions): MemoryIndex {
    const engine = new HnswEngine({
      dim: options.dim,
      m: options.m,
      efConstruction: options.efConstruction,
      initialCapacity: options.initialCapacity ?? 1024,
      precision: options.vectorPrecision ?? 'float32',
    });
    return new MemoryIndex(schema, engine, options);
  }

  get size(): number {
    return this.idToLabel.size;
  }

  /**
   * Writes the index into `dir` (the graph and a file of maps and columns). No mutation may run
   * meanwhile; searches may.
   */
  async save(dir: string): Promise<void> {
    await this.engine.save(join(dir, GRAPH_FILE));
    const state: SavedState = {
      version: SNAPSHOT_VERSION,
      kind: this.schema.kind,
      dim: this.options.dim,
      precision: this.engine.precision,
      labelToId: this.labelToId,
      freeLabels: [...this.freeLabels, ...this.pendingFree],
      nextLabel: this.nextLabel,
      payloadPrints: this.payloadPrints,
      attributes: this.attributes.toSnapshot(),
      efCalibration: this.calibration,
    };
    await writeFile(join(dir, STATE_FILE), serialize(state));
  }

  /** Reads an index written by `save`; throws when it does not fit the schema or options. */
  static async load(
    dir: string,
    schema: MemorySchema,
    options: IndexOptions,
  ): Promise<MemoryIndex> {
    const state = deserialize(await readFile(join(dir, STATE_FILE))) as SavedState;
    const precision = options.vectorPrecision ?? 'float32';
    if (
      state.version !== SNAPSHOT_VERSION ||
      state.kind !== schema.kind ||
      state.dim !== options.dim ||
      (state.precision ?? 'float32') !== precision
    ) {
      throw new Error(
        `snapshot in ${dir} does not fit (${state.kind}, dim ${state.dim}, ${state.precision ?? 'float32'})`,
      );
    }
    const engine = await HnswEngine.load(join(dir, GRAPH_FILE), {
      dim: options.dim,
      m: options.m,
      efConstruction: options.efConstruction,
      initialCapacity: Math.max(options.initialCapacity ?? 1024, state.nextLabel),
      precision,
    });
    const index = new MemoryIndex(schema, engine, options);
    index.attributes = AttributeIndex.fromSnapshot(schema, state.attributes);
    index.labelToId = state.labelToId;
    state.labelToId.forEach((id, label) => {
      if (id !== undefined) index.idToLabel.set(id, label);
    });
    index.freeLabels.push(...state.freeLabels);
    index.nextLabel = state.nextLabel;
    index.payloadPrints = state.payloadPrints;
    index.calibration = state.efCalibration ?? null;
    state.labelToId.forEach((id, label) => {
      if (id !== undefined) index.revisions[label] = ++revisionClock;
    });
    return index;
  }

  /** The default ef of unfiltered graph searches: calibrated, or IndexOptions.efRuntime. */
  get defaultEf(): number {
    return this.calibration?.ef ?? this.options.efRuntime;
  }

  get efCalibration(): EfCalibration | null {
    return this.calibration;
  }

  /** Recent searches that went through the graph with a filter (what calibrates filtered ef). */
  get recentFilteredSearches(): number {
    return this.recentQueries.reduce((n, q) => n + (q.graphFiltered ? 1 : 0), 0);
  }

  /**
   * Takes over another index's calibration, and the searches it served as the queries of this
   * one's own (a rebuilt index: its graph is not the same, and answers differently at one ef).
   */
  inheritCalibration(from: MemoryIndex): void {
    if (this.calibration !== null) return;
    this.calibration = from.calibration;
    this.inherited = from.calibration !== null;
    if (this.recentQueries.length === 0) {
      this.recentQueries.push(...from.recentQueries);
      this.recentNext = from.recentNext;
    }
  }

  /** Whether the calibration was taken over from a replaced index rather than measured here. */
  get calibrationInherited(): boolean {
    return this.inherited;
  }

  /**
   * Measures recall@10 of unfiltered graph searches against exact search and makes the smallest
   * ef reaching `targetRecall` the default of queries that set none (or, where recall levels off
   * below the target, the ef before the plateau: see chooseEf). The queries are `samples` of
   * the vectors of the last RECENT_QUERIES searches served, i.e. what clients ask (stored vectors
   * would not do: each is found through its own links, an optimistic estimate, and points made up
   * near them miss how real queries sit in the data). From IndexOptions.efRuntime, ef halves
   * while (down to k), or doubles until (at most EF_CALIBRATION_MAX), the mean recall less
   * RECALL_MARGIN_SE standard errors of that mean reaches the target, then two bisection steps
   * narrow it (chooseEf). Exact searches go one at a time, so live searches keep the engine's
   * threads. Null, changing nothing, while unfiltered searches are exact, before `samples`
   * searches were served, or once `signal` is aborted.
   */
  async calibrateEf(
    targetRecall: number,
    samples: number,
    signal?: AbortSignal,
    random: () => number = Math.random,
  ): Promise<EfCalibration | null> {
    const k = CALIBRATION_K;
    const size = this.size;
    if (size <= this.options.exactSearchMaxCandidates || size <= 2 * k) return null;
    if (this.recentQueries.length < samples) return null;
    const vectors = pick(this.recentQueries, samples, random).map((q) => q.vector);
    const queries: { vector: Float32Array; truth: Set<number> }[] = [];
    for (const vector of vectors) {
      if (signal?.aborted) return null;
      const [exact] = await this.engine.searchExact(vector, k, null);
      const truth = new Set(exact?.labels ?? []);
      if (truth.size > 0) queries.push({ vector, truth });
    }
    if (queries.length === 0) return null;
    // Mean recall@k over the queries (the same at every ef: differences are paired), and whether
    // it reaches the target even RECALL_MARGIN_SE standard errors of that mean lower, so that the
    // ef chosen is not one that a lucky sample passed.
    const measure = async (ef: number): Promise<EfMeasurement> => {
      const perQuery: number[] = [];
      for (const query of queries) {
        const [result] = await this.engine.search(query.vector, k, ef);
        perQuery.push(recallOf(result, query.truth));
      }
      return { recall: meanOf(perQuery).mean, reaches: reaches(perQuery, targetRecall) };
    };
    const chosen = await chooseEf(measure, this.options.efRuntime, k, EF_CALIBRATION_MAX, signal);
    if (chosen === null) return null;
    const { ef } = chosen;
    const recall = chosen.measured.recall;
    // The filtered default is measured with the new unfiltered one in place (it enters it).
    const previous = this.calibration;
    this.calibration = {
      ef,
      recall,
      size,
      filteredScale: previous?.filteredScale ?? 1,
      filteredRecall: previous?.filteredRecall ?? null,
    };
    const filtered = await this.calibrateFilteredScale(targetRecall, samples, signal, random);
    if (signal?.aborted) {
      this.calibration = previous;
      return null;
    }
    if (filtered !== null) {
      this.calibration = {
        ...this.calibration,
        filteredScale: filtered.scale,
        filteredRecall: filtered.recall,
      };
    }
    this.inherited = false;
    return this.calibration;
  }

  /**
   * The factor on the default ef of filtered graph searches: the smallest of FILTERED_SCALES at
   * which the recent filtered searches that go through the graph, replayed with their own filters,
   * reach `targetRecall` less RECALL_MARGIN_SE standard errors, all together and in every band
   * of shares (SHARE_BOUNDS) that holds MIN_BAND_QUERIES of them (or, if none does, the smallest
   * within PLATEAU_GAIN of the best). Null while fewer than a quarter of `samples` such searches
   * are known.
   */
  private async calibrateFilteredScale(
    targetRecall: number,
    samples: number,
    signal: AbortSignal | undefined,
    random: () => number,
  ): Promise<{ scale: number; recall: number } | null> {
    const k = CALIBRATION_K;
    const recent = this.recentQueries.filter((q) => q.graphFiltered);
    // Each query is planned once, unscaled: a factor changes only its ef (as in filteredEf; the
    // unscaled ef is at least k here, the default having just been calibrated to at least k).
    const queries: { vector: Float32Array; plan: FilteredPlan; truth: Set<number> }[] = [];
    for (const { vector, filter } of pick(recent, samples, random)) {
      if (signal?.aborted) return null;
      const query: SearchQuery = { vector, filter, k, efRuntime: 0, exact: false };
      const plan = this.plan(query, 1);
      if (plan.kind !== 'hnsw_filtered') continue;
      const truthPlan = this.plan({ ...query, exact: true });
      if (truthPlan.kind !== 'exact') continue;
      const [exact] = await this.engine.searchExact(vector, k, truthPlan.candidates);
      const truth = new Set(exact?.labels ?? []);
      if (truth.size > 0) queries.push({ vector, plan, truth });
    }
    if (queries.length < samples / 4) return null;
    const measured: { scale: number; recall: number }[] = [];
    for (const scale of FILTERED_SCALES) {
      if (signal?.aborted) return null;
      const perQuery: number[] = [];
      const byShare: number[][] = SHARE_BOUNDS.map(() => []);
      for (const { vector, plan, truth } of queries) {
        const ef = scaledEf(plan.ef, scale, k);
        const [result] = await this.engine.search(vector, k, ef, plan.bitmap, plan.ranges);
        const recall = recallOf(result, truth);
        perQuery.push(recall);
        const share = plan.passing / Math.max(1, this.size);
        byShare[SHARE_BOUNDS.findIndex((bound) => share < bound)]?.push(recall);
      }
      const { mean } = meanOf(perQuery);
      measured.push({ scale, recall: mean });
      // The mix, and each band of shares well represented in it, must reach the target: one
      // factor serves them all, so a band of narrow filters does not hide behind wide ones.
      const bands = byShare.filter((band) => band.length >= MIN_BAND_QUERIES);
      if ([perQuery, ...bands].every((band) => reaches(band, targetRecall))) {
        return { scale, recall: mean };
      }
    }
    const best = Math.max(...measured.map((m) => m.recall));
    return measured.find((m) => m.recall >= best - PLATEAU_GAIN) ?? null;
  }

  has(id: string): boolean {
    return this.idToLabel.has(id);
  }

  /**
   * Whether a stored copy of a memory is as new as the index: true for a memory the index does
   * not hold, false for a missing copy of one it holds or a copy whose attributes differ, or whose
   * payload differs (by fingerprint) from the one the index applied.
   */
  isCurrent(id: string, stored: (MemoryAttributes & { payload?: Buffer }) | null): boolean {
    const label = this.idToLabel.get(id);
    if (label === undefined) return true;
    if (stored === null || !this.attributes.sameAs(label, stored)) return false;
    const print = this.payloadPrints[label] ?? 0;
    return print === 0 || stored.payload === undefined || payloadPrint(stored.payload) === print;
  }

  /** Inserts or replaces memories (the last one wins where an id repeats). */
  async upsert(records: readonly MemoryRecord[]): Promise<void> {
    const latest = new Map<string, MemoryRecord>();
    for (const record of records) latest.set(record.id, record);
    const fresh: MemoryRecord[] = [];
    for (const record of latest.values()) {
      const label = this.idToLabel.get(record.id);
      if (label !== undefined && this.sameVector(label, record.vector)) {
        this.attributes.set(label, record);
        this.changed(label, record.payload);
        continue;
      }
      if (label !== undefined) this.removeLabel(record.id, label);
      fresh.push(record);
    }
    if (fresh.length === 0) return;
    const labels = new Uint32Array(fresh.length);
    const vectors = new Float32Array(fresh.length * this.options.dim);
    fresh.forEach((record, i) => {
      labels[i] = this.allocateLabel();
      vectors.set(record.vector, i * this.options.dim);
    });
    await this.engine.add(labels, vectors);
    fresh.forEach((record, i) => {
      const label = labels[i] ?? 0;
      this.idToLabel.set(record.id, label);
      this.labelToId[label] = record.id;
      this.attributes.set(label, record);
      this.changed(label, record.payload);
    });
  }

  /**
   * Replaces the attributes (and the payload, when given) of a memory whose vector is unchanged;
   * false if it is unknown.
   */
  setAttributes(id: string, attributes: MemoryAttributes & { payload?: Buffer }): boolean {
    const label = this.idToLabel.get(id);
    if (label === undefined) return false;
    this.attributes.set(label, attributes);
    this.changed(label, attributes.payload);
    return true;
  }

  /**
   * The revision of a memory: a number that changes with every change the index applies to it
   * and is never reused in the process (across rebuilds too); -1 for a memory it does not hold.
   */
  revisionOf(id: string): number {
    const label = this.idToLabel.get(id);
    return label === undefined ? -1 : (this.revisions[label] ?? -1);
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const label = this.idToLabel.get(id);
      if (label !== undefined) this.removeLabel(id, label);
    }
  }

  /** Ids of every memory matching the filter. */
  matchingIds(filter: MemoryFilter): string[] {
    const compiled = this.attributes.compile(filter);
    if (compiled === null) return [];
    const ids: string[] = [];
    this.attributes.forEachMatch(compiled, (label) => {
      const id = this.labelToId[label];
      if (id !== undefined) ids.push(id);
    });
    return ids;
  }

  /** The k nearest memories within the filter, by ascending cosine distance. */
  async search(query: SearchQuery): Promise<IndexHit[]> {
    return (await this.searchMany([query]))[0] ?? [];
  }

  /**
   * Several searches at once: each is planned on its own; the graph searches, filtered or not,
   * go to the engine together (one call per core), exact ones each beside them.
   */
  async searchMany(queries: readonly SearchQuery[]): Promise<IndexHit[][]> {
    this.inflight++;
    try {
      const results: Promise<KnnResult>[] = new Array<Promise<KnnResult>>(queries.length);
      const plans: Plan[] = [];
      // Graph searches go to the engine together, in one call per core; exact ones each alone.
      const graph: GraphQuery[] = [];
      const graphOf: number[] = [];
      queries.forEach((query, i) => {
        const plan = this.plan(query);
        this.remember(query, plan.kind === 'hnsw_filtered');
        plans.push(plan);
        metrics.searchPlans.inc({ plan: plan.kind });
        switch (plan.kind) {
          case 'empty':
            results[i] = Promise.resolve(EMPTY_RESULT);
            break;
          case 'exact':
            results[i] = this.exact(query, plan.candidates, queries.length === 1);
            break;
          case 'hnsw_filtered':
            graph.push({
              vector: query.vector,
              k: query.k,
              ef: plan.ef,
              filter: plan.bitmap,
              ranges: plan.ranges,
            });
            graphOf.push(i);
            break;
          case 'hnsw':
            graph.push({ vector: query.vector, k: query.k, ef: plan.ef, filter: null, ranges: [] });
            graphOf.push(i);
            break;
        }
      });
      if (graph.length > 0) {
        const batch = this.engine.searchEach(graph);
        graphOf.forEach((i, j) => {
          results[i] = batch.then((all) => all[j] ?? EMPTY_RESULT);
        });
      }
      const found = await Promise.all(results);
      this.lastPlan = plans[plans.length - 1]?.kind ?? 'empty';
      found.forEach((result, i) => {
        const plan = plans[i]?.kind ?? 'empty';
        if (plan !== 'empty') metrics.distanceComputations.inc({ plan }, result.computations);
      });
      return found.map((result, i) => this.toHits(result, (queries[i] as SearchQuery).filter));
    } finally {
      this.release();
    }
  }

  /** A page of memories matching the filter, by `field` descending, ties by id ascending. */
  recent(
    filter: MemoryFilter,
    field: string,
    limit: number,
    after: RecentCursor | null,
  ): RecentPage {
    const compiled = this.attributes.compile(filter);
    if (compiled === null) return { ids: [], next: null };
    interface Item {
      value: number;
      id: string;
    }
    const before = (a: Item, b: Item): boolean =>
      a.value > b.value || (a.value === b.value && a.id < b.id);
    const top = new TopK<Item>(limit + 1, before);
    this.attributes.forEachMatch(compiled, (label) => {
      const id = this.labelToId[label];
      if (id === undefined) return;
      const item = { value: this.attributes.numeric(field, label), id };
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

  /** Chooses how one query runs: brute force over few candidates, the graph otherwise. */
  private plan(query: SearchQuery, filteredScale = this.filteredScale): Plan {
    const empty = isEmptyFilter(query.filter);
    const compiled = empty ? null : this.attributes.compile(query.filter);
    if (!empty && compiled === null) return { kind: 'empty' };
    const ef = Math.max(query.efRuntime > 0 ? query.efRuntime : this.defaultEf, query.k);
    const exactLimit = this.options.exactSearchMaxCandidates;
    if (compiled === null) {
      if (query.exact || this.size <= exactLimit) return { kind: 'exact', candidates: null };
      return { kind: 'hnsw', ef };
    }
    // A wide range: the engine checks the range columns as it walks the graph, instead of a pass
    // over every label building a bitmap for each query; tag clauses still go as a bitmap.
    const tagBound = compiled.driver?.size ?? this.attributes.size;
    const estimate =
      !query.exact && compiled.rangeClauses.length > 0 && tagBound > WIDE_RANGE_FACTOR * exactLimit
        ? this.attributes.estimateMatches(compiled)
        : 0;
    if (estimate > 2 * exactLimit) {
      const ranges = this.attributes.rangeBounds(compiled);
      const wideEf = this.filteredEf(query, estimate, filteredScale);
      if (compiled.tagClauses.length === 0) {
        return { kind: 'hnsw_filtered', ef: wideEf, bitmap: null, ranges, passing: estimate };
      }
      const tags = this.attributes.select({ ...compiled, rangeClauses: [] }, 0);
      if (tags.count === 0) return { kind: 'empty' };
      return { kind: 'hnsw_filtered', ef: wideEf, bitmap: tags.bitmap, ranges, passing: estimate };
    }
    const selection = this.attributes.select(compiled, exactLimit);
    if (selection.count === 0) return { kind: 'empty' };
    // A label list is only made within the limit.
    if (query.exact || selection.count <= exactLimit || selection.bitmap === null) {
      const candidates = selection.labels ?? labelsOf(selection.bitmap, selection.count);
      return { kind: 'exact', candidates };
    }
    // The engine copies the bitmap at the call, so a dense value's own bitmap can go as is.
    return {
      kind: 'hnsw_filtered',
      ef: this.filteredEf(query, selection.count, filteredScale),
      bitmap: selection.bitmap,
      ranges: [],
      passing: selection.count,
    };
  }

  /**
   * ef of a filtered graph search. A query's own ef_runtime is used as given. The default is
   * meant for unfiltered searches: a filtered walk keeps exploring past the elements it may not
   * return until ef admitted ones are found, about 1/share times as many elements for the same
   * ef, so the configured default shrinks with the square root of the share that passes (never
   * below FILTERED_EF_FLOOR or k). A calibrated default above the configured one (a large index)
   * counts in proportion to the share, so a filter passing nearly everything gets nearly the
   * unfiltered default. Measured on clustered data at 100k: recall@10 ≥ 0.98 at every share from
   * 1% to 100% at the sizes this gives (`npm run bench -- recall`).
   */
  private filteredEf(query: SearchQuery, passing: number, scale: number): number {
    if (query.efRuntime > 0) return Math.max(query.efRuntime, query.k);
    const share = Math.min(1, passing / Math.max(1, this.size));
    const scaled = Math.ceil(this.options.efRuntime * Math.sqrt(share));
    const calibrated = Math.ceil(this.defaultEf * share);
    const ef = Math.max(FILTERED_EF_FLOOR, scaled, calibrated);
    const capped = Math.min(Math.max(this.options.efRuntime, this.defaultEf), ef);
    return scaledEf(capped, scale, query.k);
  }

  private get filteredScale(): number {
    return this.calibration?.filteredScale ?? 1;
  }

  /** Maps labels to ids, dropping any that changed while the search ran or left the filter. */
  private toHits(result: KnnResult, filter: MemoryFilter): IndexHit[] {
    const recheck = isEmptyFilter(filter) ? null : this.attributes.compile(filter);
    const hits: IndexHit[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < result.labels.length; i++) {
      const label = result.labels[i] ?? 0;
      const id = this.labelToId[label];
      if (id === undefined || seen.has(id)) continue;
      if (recheck !== null && !this.attributes.matches(label, recheck)) continue;
      if (recheck === null && !isEmptyFilter(filter)) continue;
      seen.add(id);
      hits.push({ id, distance: result.distances[i] ?? 0, revision: this.revisions[label] ?? -1 });
    }
    return hits;
  }

  private sameVector(label: number, vector: Float32Array): boolean {
    const stored = this.engine.getVector(label);
    if (stored === null || stored.length !== vector.length) return false;
    let norm = 0;
    for (const x of vector) norm += x * x;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const half = this.engine.precision === 'float16';
    for (let i = 0; i < vector.length; i++) {
      const expected = (vector[i] ?? 0) * scale;
      // float16 keeps 11 significant bits: a stored value is within half a unit of them.
      const tolerance = half ? Math.max(Math.abs(expected) * HALF_ROUNDING, HALF_SUBNORMAL) : 0;
      if (Math.abs(expected - (stored[i] ?? 0)) > tolerance + 1e-6) return false;
    }
    return true;
  }

  private allocateLabel(): number {
    return this.freeLabels.pop() ?? this.nextLabel++;
  }

  private changed(label: number, payload: Buffer | undefined): void {
    this.revisions[label] = ++revisionClock;
    if (payload !== undefined) this.payloadPrints[label] = payloadPrint(payload);
  }

  private removeLabel(id: string, label: number): void {
    this.idToLabel.delete(id);
    this.labelToId[label] = undefined;
    this.revisions[label] = ++revisionClock;
    this.payloadPrints[label] = 0;
    this.attributes.remove(label);
    this.engine.remove(Uint32Array.of(label));
    // A search in flight may still hold this label: reuse it only once none is.
    if (this.inflight === 0) this.freeLabels.push(label);
    else this.pendingFree.push(label);
  }

  /**
   * An exact search: on this thread when it is small and the only search under way (the hand-off
   * to a worker thread and back, waking both, would cost more than the search), else off it.
   */
  private async exact(
    query: SearchQuery,
    candidates: Uint32Array | null,
    alone: boolean,
  ): Promise<KnnResult> {
    const work = (candidates?.length ?? this.size) * this.options.dim;
    if (alone && this.inflight === 1 && work <= EXACT_NOW_MAX_WORK) {
      return first(this.engine.searchExactNow(query.vector, query.k, candidates));
    }
    return first(await this.engine.searchExact(query.vector, query.k, candidates));
  }

  private remember(query: SearchQuery, graphFiltered: boolean): void {
    const recent = { vector: query.vector, filter: query.filter, graphFiltered };
    if (this.recentQueries.length < RECENT_QUERIES) this.recentQueries.push(recent);
    else this.recentQueries[this.recentNext] = recent;
    this.recentNext = (this.recentNext + 1) % RECENT_QUERIES;
  }

  private release(): void {
    this.inflight--;
    if (this.inflight === 0 && this.pendingFree.length > 0) {
      for (const label of this.pendingFree) this.freeLabels.push(label);
      this.pendingFree = [];
    }
  }
}

const SNAPSHOT_VERSION = 2;

/** Revisions of every index of the process, so that a revision is never seen twice. */
let revisionClock = 0;

/** FNV-1a over the payload's bytes, never 0 (0 = unknown). */
function payloadPrint(payload: Buffer): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < payload.length; i++) {
    hash = Math.imul(hash ^ (payload[i] ?? 0), 0x01000193);
  }
  return (hash | 1) >>> 0;
}
const GRAPH_FILE = 'graph.hnsw';
const STATE_FILE = 'state.v8';

interface SavedState {
  version: number;
  kind: string;
  dim: number;
  labelToId: (string | undefined)[];
  freeLabels: number[];
  nextLabel: number;
  payloadPrints: number[];
  attributes: AttributeSnapshot;
  /** Absent in snapshots written before calibration existed. */
  efCalibration?: EfCalibration | null;
  /** Absent in snapshots written before float16 existed (float32). */
  precision?: VectorPrecision;
}

interface FilteredPlan {
  kind: 'hnsw_filtered';
  ef: number;
  bitmap: Uint32Array | null;
  ranges: readonly ColumnRange[];
  /** Memories the filter passes (estimated for a wide range). */
  passing: number;
}

type Plan =
  | { kind: 'empty' }
  | { kind: 'exact'; candidates: Uint32Array | null }
  | { kind: 'hnsw'; ef: number }
  | FilteredPlan;

/**
 * Range filters whose tags leave more than this many times the exact-search limit, and that
 * are estimated to pass more than twice it, are checked by the engine during the graph walk.
 */
const WIDE_RANGE_FACTOR = 4;

/** Largest relative rounding error of a float16 (normal) value: half a unit in the last place. */
const HALF_ROUNDING = 2 ** -11;
/** Largest absolute rounding error of a float16 subnormal value. */
const HALF_SUBNORMAL = 2 ** -25;

/** Neighbours per query of an ef calibration (recall@10). */
const CALIBRATION_K = 10;

/**
 * Standard errors of the mean a calibration's recall must clear the target by. Per-query recall
 * is heavy-tailed and the chosen ef is the first of several tried to pass: with one (on 128
 * queries), the estimate at 1M memories ran 0.013 above the recall of 500 other queries at the
 * same ef. The margin shrinks with more queries (MNEMO_EF_CALIBRATION_SAMPLES): on 256, a 10%
 * filter at 1M once needed 4× the ef that 500 other queries showed to be enough.
 */
const RECALL_MARGIN_SE = 2;

/** Upper bounds of the bands of filter shares a filtered calibration checks on their own. */
const SHARE_BOUNDS = [0.03, 0.3, Infinity];

/** Queries a band needs to be checked on its own. */
const MIN_BAND_QUERIES = 16;

/** Factors on the filtered default ef a calibration tries, smallest first. */
const FILTERED_SCALES = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];

/** Searches whose vectors are kept as the queries of the next ef calibration. */
const RECENT_QUERIES = 1024;

/** The largest default ef a calibration may choose. */
export const EF_CALIBRATION_MAX = 1024;

/**
 * Most candidates × dimensions of an exact search done on the JS thread when it is the only one
 * (MemoryIndex.exact): 2,048 candidates of 256 dimensions, about 50 µs here.
 */
const EXACT_NOW_MAX_WORK = 1 << 19;

/** The smallest default ef of a filtered graph search (see MemoryIndex.filteredEf). */
const FILTERED_EF_FLOOR = 16;

const EMPTY_RESULT: KnnResult = {
  labels: new Uint32Array(0),
  distances: new Float32Array(0),
  computations: 0,
};

/** A search served, as kept for calibrations. */
interface RecentQuery {
  vector: Float32Array;
  filter: MemoryFilter;
  /** Planned as a filtered graph search when it was served. */
  graphFiltered: boolean;
}

/** The filtered default ef `base` under a calibrated factor, never below k. */
function scaledEf(base: number, scale: number, k: number): number {
  return Math.max(k, Math.ceil(scale * base));
}

/** Share of `truth` among a result's labels. */
function recallOf(result: KnnResult | undefined, truth: ReadonlySet<number>): number {
  let found = 0;
  for (const label of result?.labels ?? []) if (truth.has(label)) found++;
  return found / truth.size;
}

/** Whether recalls reach the target even RECALL_MARGIN_SE standard errors of their mean lower. */
function reaches(recalls: readonly number[], target: number): boolean {
  const { mean, standardError } = meanOf(recalls);
  return mean - RECALL_MARGIN_SE * standardError >= target;
}

/** Mean of per-query recalls and the standard error of that mean. */
function meanOf(values: readonly number[]): { mean: number; standardError: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, standardError: 0 };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, standardError: Math.sqrt(variance / n) };
}

/** `count` distinct items of `items` at random (all of them if there are fewer). */
function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}

function first(results: KnnResult[]): KnnResult {
  return results[0] ?? EMPTY_RESULT;
}
