import { metrics } from '../metrics/metrics.js';
import { isEmptyFilter, type MemoryFilter } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import type { AttributeIndex } from './AttributeIndex.js';
import type { EfTuner } from './EfTuner.js';
import type { Extremes } from './GroupExtremes.js';
import type { GraphQuery, HnswEngine, KnnResult } from './HnswEngine.js';
import type { IndexOptions } from './indexOptions.js';
import type { LabelMap } from './LabelMap.js';
import type { OutcomeVersions } from './OutcomeVersions.js';
import {
  planQuery,
  type Plan,
  type PlannerView,
  type SearchPlan,
  type SearchQuery,
} from './QueryPlanner.js';
import { rankedSearch, type IndexHit, type Neighbours, type RankingHost } from './rankedSearch.js';
import type { OutcomesAsOf } from './rankScore.js';
import { SelectionMemo } from './SelectionMemo.js';

/** The parts of a MemoryIndex its searches read (shared with it, never copied). */
export interface SearchParts {
  readonly schema: MemorySchema;
  readonly engine: HnswEngine;
  readonly options: IndexOptions;
  readonly labels: LabelMap;
  readonly attributes: AttributeIndex;
  readonly tuner: EfTuner;
  readonly versions: OutcomeVersions;
}

/**
 * A MemoryIndex's searches: each planned on its own (QueryPlanner), graph searches sent to the
 * engine together, exact ones beside them, labels mapped back to ids and re-checked against the
 * filter, ranked searches scored (rankedSearch).
 */
export class IndexSearch {
  /** Plan of the most recent search. */
  lastPlan: SearchPlan = 'empty';
  #rankingHost: RankingHost | undefined;
  /** The selections of recently planned filters (QueryPlanner). */
  private readonly selections = new SelectionMemo();

  constructor(private readonly parts: SearchParts) {}

  /** The default ef of unfiltered graph searches: calibrated, or IndexOptions.efRuntime. */
  get defaultEf(): number {
    return this.parts.tuner.calibration?.ef ?? this.parts.options.efRuntime;
  }

  /** See MemoryIndex.searchMany. */
  async searchMany(queries: readonly SearchQuery[]): Promise<IndexHit[][]> {
    this.parts.labels.searchStarted();
    try {
      const headroom = this.parts.options.rankingHeadroom ?? DEFAULT_HEADROOM;
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
      this.parts.labels.searchEnded();
    }
  }

  /** The distance neighbours of each search (a ranked one's k already widened). */
  private async neighboursOf(queries: readonly SearchQuery[]): Promise<Neighbours[]> {
    const results: Promise<KnnResult>[] = new Array<Promise<KnnResult>>(queries.length);
    const plans: Plan[] = [];
    const graph: GraphQuery[] = [];
    const graphOf: number[] = [];
    const view = this.plannerView;
    const extras = queries.map((query) => this.parts.versions.passing(query.filter, query.asOf));
    queries.forEach((query, i) => {
      const plan = planQuery(query, view, this.parts.tuner.filteredScale, extras[i] ?? null);
      this.parts.tuner.remember(query, plan.kind === 'hnsw_filtered');
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
      const batch = this.parts.engine.searchEach(graph);
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
   * What a query as of `asOf` reads of the outcome fields (undefined: the present, the columns):
   * a memory's value as known then — its column's when its outcome was known by then, else its
   * latest earlier version known by then, else none (pending). Reads the columns as they are:
   * use it within one synchronous stretch.
   */
  outcomesAsOf(
    asOf: number | undefined,
    extremes = new Map<string, Extremes>(),
  ): OutcomesAsOf | undefined {
    const outcome = this.parts.schema.outcome;
    if (asOf === undefined || outcome === null) return undefined;
    const time = this.parts.attributes.numericColumn(outcome.timeField);
    const known = this.parts.attributes.numericColumn(outcome.knownAtField);
    return {
      fields: outcome.fields,
      extremes,
      existed: (label) => (time[label] ?? 0) <= asOf,
      reader: (field) => {
        const column = this.parts.attributes.numericColumn(field);
        return (label) => {
          if ((known[label] ?? 0) <= asOf) return column[label] ?? 0;
          return this.parts.versions.numberAsOf(this.parts.labels.idOf(label) ?? '', field, asOf);
        };
      },
    };
  }

  /** How `query` would be searched now, its filtered ef scaled by `scale` (ef calibration). */
  plan(query: SearchQuery, scale: number): Plan {
    return planQuery(query, this.plannerView, scale);
  }

  private get plannerView(): PlannerView {
    return {
      attributes: this.parts.attributes,
      size: this.parts.labels.size,
      defaultEf: this.defaultEf,
      efRuntime: this.parts.options.efRuntime,
      exactLimit: this.parts.options.exactSearchMaxCandidates,
      selections: this.selections,
    };
  }

  /**
   * Maps labels to ids, dropping any that changed while the search ran or left the filter
   * (`extra`: labels passing through an earlier outcome version, OutcomeVersions.passing).
   */
  private toHits(result: KnnResult, filter: MemoryFilter, extra: Uint32Array | null): IndexHit[] {
    const unfiltered = isEmptyFilter(filter);
    // null for a filter nothing can pass (compile's answer): every hit is dropped then.
    const recheck = unfiltered ? null : this.parts.attributes.compile(filter);
    const passes = extra === null ? null : new Set(extra);
    const hits: IndexHit[] = [];
    const labels = result.labels;
    // An id is bound to one label at most (LabelMap), so a repeated id is a repeated label: a
    // few (the usual k) are checked by a scan of the labels before, cheaper than a Set.
    const seen = labels.length > SCAN_HITS_MAX ? new Set<number>() : null;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] ?? 0;
      const id = this.parts.labels.idOf(label);
      if (id === undefined || (seen === null ? labelBefore(labels, i) : seen.has(label))) continue;
      if (passes === null || !passes.has(label)) {
        if (recheck !== null ? !this.parts.attributes.matches(label, recheck) : !unfiltered) {
          continue;
        }
      }
      seen?.add(label);
      hits.push({
        id,
        distance: result.distances[i] ?? 0,
        revision: this.parts.labels.revisionAt(label),
      });
    }
    return hits;
  }

  /** What ranked searches read of this index (rankedSearch.ts), made once. */
  private get rankingHost(): RankingHost {
    const options = this.parts.options;
    return (this.#rankingHost ??= {
      kind: this.parts.schema.kind,
      attributes: this.parts.attributes,
      labels: this.parts.labels,
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

  /**
   * An exact search: on this thread when it is small and the only search under way (the hand-off
   * to a worker thread and back, waking both, would cost more than the search), else off it.
   */
  private async exact(
    query: SearchQuery,
    candidates: Uint32Array | null,
    alone: boolean,
  ): Promise<KnnResult> {
    const work = (candidates?.length ?? this.parts.labels.size) * this.parts.options.dim;
    const lone = alone && this.parts.labels.searching === 1;
    if (work <= EXACT_INLINE_MAX_WORK || (lone && work <= EXACT_NOW_MAX_WORK)) {
      return first(this.parts.engine.searchExactNow(query.vector, query.k, candidates));
    }
    return first(await this.parts.engine.searchExact(query.vector, query.k, candidates));
  }
}

/**
 * Most candidates × dimensions of an exact search done on the JS thread when it is the only one
 * (IndexSearch.exact): 2,048 candidates of 256 dimensions.
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

const EMPTY_RESULT: KnnResult = {
  labels: new Uint32Array(0),
  distances: new Float32Array(0),
  computations: 0,
};

function first(results: KnnResult[]): KnnResult {
  return results[0] ?? EMPTY_RESULT;
}

/** Most labels toHits checks for a repeated one by scanning them. */
const SCAN_HITS_MAX = 32;

/** Whether `labels[i]` occurs before `i`. */
function labelBefore(labels: Uint32Array, i: number): boolean {
  const label = labels[i];
  for (let j = 0; j < i; j++) if (labels[j] === label) return true;
  return false;
}
