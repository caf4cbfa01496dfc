import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { metrics } from '../metrics/metrics.js';
import { knownAt } from '../model/asOf.js';
import type { MemoryAttributes, MemoryRecord } from '../model/MemoryRecord.js';
import { isEmptyFilter, type MemoryFilter } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import type { RecentCursor } from '../model/RecentCursor.js';
import { AttributeIndex } from './AttributeIndex.js';
import { checkSavedState } from './checkSavedState.js';
import { EfTuner, type EfCalibration } from './EfTuner.js';
import { HnswEngine, type GraphQuery, type KnnResult, type VectorPrecision } from './HnswEngine.js';
import { GRAPH_FILE, readState, writeState } from './indexFiles.js';
import { LabelMap, RevisionClock } from './LabelMap.js';
import { OutcomeVersions } from './OutcomeVersions.js';
import { PayloadColumn } from './PayloadColumn.js';
import { storedAs } from './storedAs.js';
import { TagRevisions } from './TagRevisions.js';
import {
  planQuery,
  type Plan,
  type PlannerView,
  type SearchPlan,
  type SearchQuery,
} from './QueryPlanner.js';
import { recentPage, type RecentPage } from './recentPage.js';
import { SelectionMemo } from './SelectionMemo.js';
import type { Extremes } from './GroupExtremes.js';
import type { OutcomesAsOf } from './rankScore.js';
import { rankedSearch, type IndexHit, type Neighbours, type RankingHost } from './rankedSearch.js';

export type { IndexHit } from './rankedSearch.js';

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
  /** A ranked search of k takes this many times k neighbours by distance (default 8)... */
  rankingHeadroom?: number;
  /** ...and scores at most this many times k others by brute force (default 32; see rankedSearch). */
  rankingMaxHeadroom?: number;
  /** Payloads up to this many bytes are held beside the attributes (heldRecord); 0 = none. */
  payloadMaxBytes?: number;
}

/** A memory the index holds, at the revision it has now. */
export interface HeldMemory {
  id: string;
  revision: number;
}

/**
 * The in-process index of one kind of memory: the HNSW graph (cosine), exact attribute columns,
 * and the id ↔ label maps. Mutations must be applied one at a time (the change follower does);
 * searches may run at any time.
 */
export class MemoryIndex {
  /** Plan of the most recent search. */
  lastPlan: SearchPlan = 'empty';
  /** Earlier outcomes of revised memories (as-of queries). */
  private readonly versions: OutcomeVersions;
  #rankingHost: RankingHost | undefined;
  /** The ef calibration `revision` last saw (a new one takes a new revision). */
  private calibrationSeen: EfCalibration | null;
  /** The revision taken when the index was made or its calibration changed (see revisionFor). */
  private baseRevision: number;
  private readonly tagRevisions: TagRevisions;
  /** The selections of recently planned filters (QueryPlanner). */
  private readonly selections = new SelectionMemo();

  private constructor(
    readonly schema: MemorySchema,
    private readonly engine: HnswEngine,
    private readonly options: IndexOptions,
    private readonly labels: LabelMap,
    private readonly attributes: AttributeIndex,
    private readonly payloads: PayloadColumn,
    private readonly tuner: EfTuner,
    /** The clock of this index's revisions (pass it to the index that replaces this one). */
    readonly clock: RevisionClock,
  ) {
    this.versions = new OutcomeVersions(schema, attributes, labels);
    labels.advance();
    this.baseRevision = labels.latest;
    this.calibrationSeen = tuner.calibration;
    this.tagRevisions = new TagRevisions(schema.tagFields);
  }

  static create(
    schema: MemorySchema,
    options: IndexOptions,
    clock = new RevisionClock(),
  ): MemoryIndex {
    const capacity = options.initialCapacity ?? 1024;
    const engine = new HnswEngine({ ...engineOptions(options), initialCapacity: capacity });
    const attributes = new AttributeIndex(schema, capacity);
    return new MemoryIndex(
      schema,
      engine,
      options,
      new LabelMap(clock),
      attributes,
      new PayloadColumn(options.payloadMaxBytes ?? 0),
      new EfTuner(),
      clock,
    );
  }

  /**
   * Writes the index into `dir` (the graph and a file of maps and columns). No mutation may run
   * meanwhile; searches may.
   */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await this.engine.save(join(dir, GRAPH_FILE));
    await writeState(dir, {
      kind: this.schema.kind,
      dim: this.options.dim,
      precision: this.engine.precision,
      ...this.labels.toSaved(),
      attributes: this.attributes.toSnapshot(),
      payloads: this.payloads.toSnapshot(),
      efCalibration: this.tuner.calibration,
      versions: this.versions.entries(),
    });
  }

  /**
   * Reads an index written by `save`, every memory at a fresh revision of `clock`; throws when
   * it does not fit the schema or options, or when its files are corrupted or disagree with each
   * other (see HnswEngine.load and checkSavedState).
   */
  static async load(
    dir: string,
    schema: MemorySchema,
    options: IndexOptions,
    clock = new RevisionClock(),
  ): Promise<MemoryIndex> {
    const precision = options.vectorPrecision ?? 'float32';
    const state = await readState(dir, { kind: schema.kind, dim: options.dim, precision });
    const engine = await HnswEngine.load(
      join(dir, GRAPH_FILE),
      {
        ...engineOptions(options),
        initialCapacity: Math.max(options.initialCapacity ?? 1024, state.nextLabel),
      },
      state.nextLabel,
    );
    checkSavedState(state, engine.liveLabels(), schema);
    const index = new MemoryIndex(
      schema,
      engine,
      options,
      LabelMap.fromSaved(state, clock),
      AttributeIndex.fromSnapshot(schema, state.attributes),
      PayloadColumn.fromSnapshot(state.payloads, options.payloadMaxBytes ?? 0),
      new EfTuner(state.efCalibration),
      clock,
    );
    for (const [id, versions] of state.versions ?? []) index.versions.note(id, versions);
    return index;
  }

  get size(): number {
    return this.labels.size;
  }

  /**
   * The revision of the whole index: equal at two moments only if no search could answer
   * differently between them — it changes with every change the index applies (upsert, attribute
   * or payload change, removal, repair), with every change of its ef calibration, and is never
   * the revision of another index sharing its clock (a rebuilt or loaded one starts at its own).
   */
  get revision(): number {
    const calibration = this.tuner.calibration;
    if (calibration !== this.calibrationSeen) {
      this.calibrationSeen = calibration;
      this.labels.advance();
      this.baseRevision = this.labels.latest;
    }
    return this.labels.latest;
  }

  /**
   * The revision of what a search with this filter can find: `revision` for a filter naming no
   * tag field; otherwise one that moves only with changes to memories holding, before or after
   * the change, one of the filter's values of every tag field it names (and with a new
   * calibration), so that writes of other agents leave it be. Such a write can still change which
   * of the matching memories a graph search finds (it changes the graph), within the search's
   * recall; exact searches are unaffected.
   */
  revisionFor(filter: MemoryFilter): number {
    const whole = this.revision;
    const tags = this.tagRevisions.of(filter);
    return tags === null ? whole : Math.max(this.baseRevision, tags);
  }

  /** The default ef of unfiltered graph searches: calibrated, or IndexOptions.efRuntime. */
  get defaultEf(): number {
    return this.tuner.calibration?.ef ?? this.options.efRuntime;
  }

  get efCalibration(): EfCalibration | null {
    return this.tuner.calibration;
  }

  /** Recent searches that went through the graph with a filter (what calibrates filtered ef). */
  get recentFilteredSearches(): number {
    return this.tuner.recentFilteredSearches;
  }

  /** Takes over a replaced index's calibration and served searches (see EfTuner.inherit). */
  inheritCalibration(from: MemoryIndex): void {
    this.tuner.inherit(from.tuner);
  }

  /** Whether the calibration was taken over from a replaced index rather than measured here. */
  get calibrationInherited(): boolean {
    return this.tuner.isInherited;
  }

  /** Calibrates the default ef on the searches served (see EfTuner.calibrate). */
  calibrateEf(
    targetRecall: number,
    samples: number,
    signal?: AbortSignal,
    random: () => number = Math.random,
  ): Promise<EfCalibration | null> {
    const subject = {
      engine: this.engine,
      size: this.size,
      efRuntime: this.options.efRuntime,
      exactLimit: this.options.exactSearchMaxCandidates,
      plan: (query: SearchQuery, scale: number) => planQuery(query, this.plannerView, scale),
    };
    return this.tuner.calibrate(subject, targetRecall, samples, signal, random);
  }

  /**
   * Whether the graph stores `vector` for memory `id`: its direction, within float16 rounding
   * where the graph stores that (see storedAs); false for a memory the index does not hold.
   */
  storesVector(id: string, vector: Float32Array): boolean {
    const label = this.labels.labelOf(id);
    return label !== undefined && this.sameVector(label, vector);
  }

  /** The ids of every memory the index holds. */
  ids(): string[] {
    return this.labels.ids();
  }

  has(id: string): boolean {
    return this.labels.labelOf(id) !== undefined;
  }

  /**
   * Whether a stored copy of a memory is as new as the index: true for a memory the index does
   * not hold, false for a missing copy of one it holds or a copy whose attributes differ, or whose
   * payload differs (by fingerprint) from the one the index applied.
   */
  isCurrent(id: string, stored: (MemoryAttributes & { payload?: Buffer }) | null): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined) return true;
    if (stored === null || !this.attributes.sameAs(label, stored)) return false;
    return this.labels.samePayload(label, stored.payload);
  }

  /**
   * A memory as Redis holds it (without its vector), built from what the index holds, when the
   * index holds it at `revision` with its whole record: every attribute and a payload small
   * enough to be held (IndexOptions.payloadMaxBytes); otherwise undefined. The record is the
   * caller's own. What it answers is the index's view: a memory changed behind mnemo's back
   * (not through the change stream) is answered as the index last saw it.
   */
  heldRecord(id: string, revision: number): MemoryRecord | undefined {
    const label = this.labels.labelOf(id);
    if (label === undefined || this.labels.revisionAt(label) !== revision) return undefined;
    const payload = this.payloads.get(label);
    if (payload === undefined) return undefined;
    const { tags, numbers } = this.attributes.attributesOf(label);
    const record: MemoryRecord = { id, vector: new Float32Array(0), tags, numbers, payload };
    const versions = this.versions.of(id);
    if (versions !== undefined) record.versions = versions;
    return record;
  }

  /** Inserts or replaces memories (the last one wins where an id repeats). */
  async upsert(records: readonly MemoryRecord[]): Promise<void> {
    const latest = new Map<string, MemoryRecord>();
    for (const record of records) latest.set(record.id, record);
    const fresh: MemoryRecord[] = [];
    for (const record of latest.values()) {
      this.versions.note(record.id, record.versions);
      const label = this.labels.labelOf(record.id);
      if (label !== undefined && this.sameVector(label, record.vector)) {
        this.apply(label, record);
        continue;
      }
      if (label !== undefined) this.removeLabel(record.id, label);
      fresh.push(record);
    }
    if (fresh.length === 0) return;
    const labels = new Uint32Array(fresh.length);
    const vectors = new Float32Array(fresh.length * this.options.dim);
    fresh.forEach((record, i) => {
      labels[i] = this.labels.allocate();
      vectors.set(record.vector, i * this.options.dim);
    });
    await this.engine.add(labels, vectors);
    fresh.forEach((record, i) => {
      const label = labels[i] ?? 0;
      this.labels.bind(record.id, label);
      this.apply(label, record);
    });
  }

  /**
   * Replaces the attributes (and the payload, when given) of a memory whose vector is unchanged;
   * false if it is unknown.
   */
  setAttributes(id: string, attributes: MemoryAttributes & { payload?: Buffer }): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined) return false;
    this.versions.note(id, attributes.versions);
    this.apply(label, attributes);
    return true;
  }

  /**
   * Whether a write of `record` may change the earlier outcomes Redis keeps of it (which the
   * record as sent does not carry, so it must be read back): it replaces a memory the index holds
   * with earlier outcomes, or with an outcome known before the record's.
   */
  mayReviseOutcome(record: MemoryRecord): boolean {
    const outcome = this.schema.outcome;
    const label = this.labels.labelOf(record.id);
    if (outcome === null || label === undefined) return false;
    if (this.versions.has(record.id)) return true;
    return knownAt(outcome, record) > this.attributes.numeric(outcome.knownAtField, label);
  }

  /**
   * The revision of a memory: a number that changes with every change the index applies to it
   * and is never reused by the indexes sharing its clock; -1 for a memory it does not hold.
   */
  revisionOf(id: string): number {
    const label = this.labels.labelOf(id);
    return label === undefined ? -1 : this.labels.revisionAt(label);
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const label = this.labels.labelOf(id);
      if (label !== undefined) this.removeLabel(id, label);
    }
  }

  /**
   * Removes a memory only if the index has applied no change to it since it had `revision`
   * (see revisionOf); true if it was removed. What repairs a divergence from Redis uses, so that
   * a repair decided on an older view never undoes a newer change.
   */
  removeAt(id: string, revision: number): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined || this.labels.revisionAt(label) !== revision) return false;
    this.removeLabel(id, label);
    return true;
  }

  /** One past the highest label in use so far: what a walk with heldFrom covers. */
  get labelSpan(): number {
    return this.labels.end;
  }

  /**
   * The memories at labels [from, from + count), with their revisions, and the label to go on
   * from (null past the last): a walk over every memory in bounded steps. Changes made between
   * steps do not disturb it; a memory added meanwhile may be missed until the next walk.
   */
  heldFrom(from: number, count: number): { held: HeldMemory[]; next: number | null } {
    const end = Math.min(from + count, this.labels.end);
    const held: HeldMemory[] = [];
    for (let label = from; label < end; label++) {
      const id = this.labels.idOf(label);
      if (id !== undefined) held.push({ id, revision: this.labels.revisionAt(label) });
    }
    return { held, next: end >= this.labels.end ? null : end };
  }

  /** Ids of every memory matching the filter. */
  matchingIds(filter: MemoryFilter): string[] {
    const compiled = this.attributes.compile(filter);
    if (compiled === null) return [];
    const ids: string[] = [];
    this.attributes.forEachMatch(compiled, (label) => {
      const id = this.labels.idOf(label);
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
   * go to the engine together (one call per core), exact ones each beside them. A ranked search
   * returns the k best by score, by score descending (see rankedSearch).
   */
  async searchMany(queries: readonly SearchQuery[]): Promise<IndexHit[][]> {
    this.labels.searchStarted();
    try {
      const headroom = this.options.rankingHeadroom ?? DEFAULT_HEADROOM;
      const found = await this.neighboursOf(queries.map((q) => widen(q, headroom)));
      return await Promise.all(
        found.map((neighbours, i) => {
          const query = queries[i] as SearchQuery;
          if (query.ranking === undefined) {
            return Promise.resolve(this.toHits(neighbours.result, query.filter, neighbours.extra));
          }
          return rankedSearch(this.rankingHost, neighbours, query, query.ranking);
        }),
      );
    } finally {
      this.labels.searchEnded();
    }
  }

  /** The distance neighbours of each search (a ranked one's k already widened). */
  private async neighboursOf(queries: readonly SearchQuery[]): Promise<Neighbours[]> {
    const results: Promise<KnnResult>[] = new Array<Promise<KnnResult>>(queries.length);
    const plans: Plan[] = [];
    const graph: GraphQuery[] = [];
    const graphOf: number[] = [];
    const view = this.plannerView;
    const extras = queries.map((query) => this.versions.passing(query.filter, query.asOf));
    queries.forEach((query, i) => {
      const plan = planQuery(query, view, this.tuner.filteredScale, extras[i] ?? null);
      this.tuner.remember(query, plan.kind === 'hnsw_filtered');
      plans.push(plan);
      metrics.searchPlans.inc({ plan: plan.kind });
      if (plan.kind === 'empty') results[i] = Promise.resolve(EMPTY_RESULT);
      else if (plan.kind === 'exact') {
        results[i] = this.exact(query, plan.candidates, queries.length === 1);
      } else {
        const filtered = plan.kind === 'hnsw_filtered';
        const { vector, k } = query;
        const filter = filtered ? plan.bitmap : null;
        graph.push({ vector, k, ef: plan.ef, filter, ranges: filtered ? plan.ranges : [] });
        graphOf.push(i);
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
    return found.map((result, i) => {
      const plan = plans[i]?.kind ?? 'empty';
      if (plan !== 'empty') metrics.distanceComputations.inc({ plan }, result.computations);
      // Fewer neighbours than asked: the filter passes no more (the engine returns all it finds).
      return {
        result,
        all: result.labels.length < (queries[i] as SearchQuery).k,
        extra: extras[i] ?? null,
      };
    });
  }

  /**
   * A page of memories matching the filter, by `field` descending, ties by id ascending. As of
   * `asOf`, when `field` is an outcome field, memories whose outcome was not known then come
   * last (as -Infinity): they are never ranked by an outcome they did not have yet; a memory
   * revised since is ranked by the outcome it had then.
   */
  recent(
    filter: MemoryFilter,
    field: string,
    limit: number,
    after: RecentCursor | null,
    asOf?: number,
  ): RecentPage {
    const extra = this.versions.passing(filter, asOf);
    const outcomes = this.outcomesAsOf(asOf);
    const known = outcomes?.fields.includes(field) === true ? outcomes.reader(field) : null;
    const valueOf = known === null ? null : (label: number): number => known(label) ?? -Infinity;
    const page = { filter, field, limit, after, valueOf, extra: extra ?? [] };
    return recentPage(this.attributes, this.labels, page);
  }

  /**
   * What a query as of `asOf` reads of the outcome fields (undefined: the present, the columns):
   * a memory's value as known then — its column's when its outcome was known by then, else its
   * latest earlier version known by then, else none (pending). Reads the columns as they are:
   * use it within one synchronous stretch.
   */
  private outcomesAsOf(
    asOf: number | undefined,
    extremes = new Map<string, Extremes>(),
  ): OutcomesAsOf | undefined {
    const outcome = this.schema.outcome;
    if (asOf === undefined || outcome === null) return undefined;
    const time = this.attributes.numericColumn(outcome.timeField);
    const known = this.attributes.numericColumn(outcome.knownAtField);
    return {
      fields: outcome.fields,
      extremes,
      existed: (label) => (time[label] ?? 0) <= asOf,
      reader: (field) => {
        const column = this.attributes.numericColumn(field);
        return (label) => {
          if ((known[label] ?? 0) <= asOf) return column[label] ?? 0;
          return this.versions.numberAsOf(this.labels.idOf(label) ?? '', field, asOf);
        };
      },
    };
  }

  /** At least the highest value a numeric field holds (see AttributeIndex.highestEver). */
  highestEver(field: string): number {
    return this.attributes.highestEver(field);
  }

  private get plannerView(): PlannerView {
    return {
      attributes: this.attributes,
      size: this.size,
      defaultEf: this.defaultEf,
      efRuntime: this.options.efRuntime,
      exactLimit: this.options.exactSearchMaxCandidates,
      selections: this.selections,
    };
  }

  /**
   * Maps labels to ids, dropping any that changed while the search ran or left the filter
   * (`extra`: labels passing through an earlier outcome version, OutcomeVersions.passing).
   */
  private toHits(result: KnnResult, filter: MemoryFilter, extra: Uint32Array | null): IndexHit[] {
    const recheck = isEmptyFilter(filter) ? null : this.attributes.compile(filter);
    const passes = extra === null ? null : new Set(extra);
    const hits: IndexHit[] = [];
    // A few hits (the usual k) are checked for a repeated id by a scan, cheaper than a Set.
    const seen = result.labels.length > SCAN_HITS_MAX ? new Set<string>() : null;
    for (let i = 0; i < result.labels.length; i++) {
      const label = result.labels[i] ?? 0;
      const id = this.labels.idOf(label);
      if (id === undefined || (seen === null ? hitsHold(hits, id) : seen.has(id))) continue;
      if (passes === null || !passes.has(label)) {
        if (recheck !== null && !this.attributes.matches(label, recheck)) continue;
        if (recheck === null && !isEmptyFilter(filter)) continue;
      }
      seen?.add(id);
      hits.push({
        id,
        distance: result.distances[i] ?? 0,
        revision: this.labels.revisionAt(label),
      });
    }
    return hits;
  }

  private sameVector(label: number, vector: Float32Array): boolean {
    return storedAs(this.engine.getVector(label), vector, this.engine.precision);
  }

  /** Sets a label's attributes, giving it and its old and new tag values a new revision. */
  private apply(label: number, attributes: MemoryAttributes & { payload?: Buffer }): void {
    const before = this.attributes.tagsOf(label);
    this.attributes.set(label, attributes);
    this.labels.changed(label, attributes.payload);
    // The payload is held only with every field known (the columns read 0 or '' for a missing
    // one, which is not what Redis would answer); an attribute-only change keeps it.
    if (!hasEveryField(this.schema, attributes)) this.payloads.forget(label);
    else if (attributes.payload !== undefined) this.payloads.set(label, attributes.payload);
    this.tagRevisions.changed(before, attributes.tags, this.labels.latest);
  }

  private removeLabel(id: string, label: number): void {
    this.versions.note(id, undefined);
    const before = this.attributes.tagsOf(label);
    this.labels.release(id, label);
    this.payloads.forget(label);
    this.tagRevisions.changed(before, null, this.labels.latest);
    this.attributes.remove(label);
    this.engine.remove(Uint32Array.of(label));
  }

  /**
   * An exact search: on this thread when it is small and the only search under way (the hand-off
   * to a worker thread and back, waking both, would cost more than the search), else off it.
   */
  /** What ranked searches read of this index (rankedSearch.ts), made once. */
  private get rankingHost(): RankingHost {
    const options = this.options;
    return (this.#rankingHost ??= {
      kind: this.schema.kind,
      attributes: this.attributes,
      labels: this.labels,
      exactSearchMaxCandidates: options.exactSearchMaxCandidates,
      rankingMaxHeadroom: options.rankingMaxHeadroom ?? DEFAULT_MAX,
      neighbours: async (query) => {
        const [found] = await this.neighboursOf([query]);
        if (found === undefined) throw new Error('neighboursOf answers every query');
        return found;
      },
      exact: (query, candidates) => this.exact(query, candidates, true),
      outcomesAsOf: (asOf, extremes) => this.outcomesAsOf(asOf, extremes),
    });
  }

  private async exact(
    query: SearchQuery,
    candidates: Uint32Array | null,
    alone: boolean,
  ): Promise<KnnResult> {
    const work = (candidates?.length ?? this.size) * this.options.dim;
    const lone = alone && this.labels.searching === 1;
    if (work <= EXACT_INLINE_MAX_WORK || (lone && work <= EXACT_NOW_MAX_WORK)) {
      return first(this.engine.searchExactNow(query.vector, query.k, candidates));
    }
    return first(await this.engine.searchExact(query.vector, query.k, candidates));
  }
}

function engineOptions(options: IndexOptions) {
  return {
    dim: options.dim,
    m: options.m,
    efConstruction: options.efConstruction,
    precision: options.vectorPrecision ?? 'float32',
  } as const;
}

/**
 * Most candidates × dimensions of an exact search done on the JS thread when it is the only one
 * (MemoryIndex.exact): 2,048 candidates of 256 dimensions.
 */
const EXACT_NOW_MAX_WORK = 1 << 19;

/**
 * Most candidates × dimensions of an exact search always done on the JS thread, whatever else
 * runs (128 candidates of 256 dimensions, 20–30 µs): about what handing it to a pool thread and
 * taking its answer back costs that thread anyway, besides waking the pool thread.
 */
const EXACT_INLINE_MAX_WORK = 1 << 15;

/** Defaults of IndexOptions.rankingHeadroom and rankingMaxHeadroom. */
const DEFAULT_HEADROOM = 8;
const DEFAULT_MAX = 32;

/** A ranked search asking for `headroom` times its k candidates (unranked ones as they are). */
function widen(query: SearchQuery, headroom: number): SearchQuery {
  return query.ranking === undefined ? query : { ...query, k: query.k * headroom };
}

/** Score descending, then distance ascending, then id ascending. */

const EMPTY_RESULT: KnnResult = {
  labels: new Uint32Array(0),
  distances: new Float32Array(0),
  computations: 0,
};

function first(results: KnnResult[]): KnnResult {
  return results[0] ?? EMPTY_RESULT;
}

/** Most hits toHits checks for a repeated id by scanning them. */
const SCAN_HITS_MAX = 32;

function hitsHold(hits: readonly IndexHit[], id: string): boolean {
  for (let i = 0; i < hits.length; i++) if ((hits[i] as IndexHit).id === id) return true;
  return false;
}

/** Whether a memory's attributes give every tag and numeric field of its schema. */
function hasEveryField(schema: MemorySchema, attributes: MemoryAttributes): boolean {
  for (const field of schema.tagFields) if (attributes.tags[field] === undefined) return false;
  for (const field of schema.numericFields)
    if (attributes.numbers[field] === undefined) return false;
  return true;
}
