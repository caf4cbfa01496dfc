import { filterKey, isEmptyFilter, type MemoryFilter } from '../model/MemoryFilter.js';
import type { Ranking } from '../model/Ranking.js';
import type { AttributeIndex, CompiledFilter } from './AttributeIndex.js';
import { labelsOf } from './bitmaps.js';
import type { ColumnRange } from './HnswEngine.js';
import type { SelectionMemo } from './SelectionMemo.js';

/** One search asked of an index. */
export interface SearchQuery {
  vector: Float32Array;
  k: number;
  filter: MemoryFilter;
  /** 0 = the index's default. */
  efRuntime: number;
  exact: boolean;
  /**
   * As of this time, unix seconds (src/model/asOf.ts): `filter` is then already as of it, and
   * the index adds the memories only an earlier outcome version lets pass. Undefined: now.
   */
  asOf?: number;
  /** Rank by this score instead of distance (MemoryIndex.searchMany). */
  ranking?: Ranking;
}

/** How one search was planned (exposed for tests and metrics). */
export type SearchPlan = 'empty' | 'exact' | 'hnsw' | 'hnsw_filtered';

export interface FilteredPlan {
  kind: 'hnsw_filtered';
  ef: number;
  bitmap: Uint32Array | null;
  ranges: readonly ColumnRange[];
  /** Memories the filter passes (estimated for a wide range). */
  passing: number;
}

export type Plan =
  | { kind: 'empty' }
  | { kind: 'exact'; candidates: Uint32Array | null }
  | { kind: 'hnsw'; ef: number }
  | FilteredPlan;

/** What a plan is made from: the index as it stands. */
export interface PlannerView {
  readonly attributes: AttributeIndex;
  /** Live memories. */
  readonly size: number;
  /** The default ef of unfiltered graph searches (calibrated or configured). */
  readonly defaultEf: number;
  /** The configured default ef. */
  readonly efRuntime: number;
  /** Filtered candidate sets up to this size are searched exactly. */
  readonly exactLimit: number;
  /** Where the selections of recent filters are kept (none: each is selected again). */
  readonly selections?: SelectionMemo;
}

/**
 * Chooses how one query runs: nothing (a filter nothing passes), brute force over few candidates,
 * or the graph (with a bitmap of the labels a filter passes and/or range columns the engine
 * checks during the walk). `filteredScale` multiplies the default ef of filtered graph searches.
 */
export function planQuery(
  query: SearchQuery,
  view: PlannerView,
  filteredScale: number,
  extra: Uint32Array | null = null,
): Plan {
  const empty = isEmptyFilter(query.filter);
  const compiled = empty ? null : view.attributes.compile(query.filter);
  if (extra !== null && extra.length > 0 && !empty) {
    return planUnion(query, view, filteredScale, compiled, extra);
  }
  if (!empty && compiled === null) return { kind: 'empty' };
  const ef = Math.max(query.efRuntime > 0 ? query.efRuntime : view.defaultEf, query.k);
  const exactLimit = view.exactLimit;
  if (compiled === null) {
    if (query.exact || view.size <= exactLimit) return { kind: 'exact', candidates: null };
    return { kind: 'hnsw', ef };
  }
  // A wide range: the engine checks the range columns as it walks the graph, instead of a pass
  // over every label building a bitmap for each query; tag clauses still go as a bitmap.
  const tagBound = compiled.driver?.size ?? view.attributes.size;
  const estimate =
    !query.exact && compiled.rangeClauses.length > 0 && tagBound > WIDE_RANGE_FACTOR * exactLimit
      ? view.attributes.estimateMatches(compiled)
      : 0;
  if (estimate > 2 * exactLimit) {
    const ranges = view.attributes.rangeBounds(compiled);
    const wideEf = filteredEf(query, estimate, view, filteredScale);
    if (compiled.tagClauses.length === 0) {
      return { kind: 'hnsw_filtered', ef: wideEf, bitmap: null, ranges, passing: estimate };
    }
    const tags = view.attributes.select({ ...compiled, rangeClauses: [] }, 0);
    if (tags.count === 0) return { kind: 'empty' };
    return { kind: 'hnsw_filtered', ef: wideEf, bitmap: tags.bitmap, ranges, passing: estimate };
  }
  const selection =
    view.selections === undefined
      ? view.attributes.select(compiled, exactLimit)
      : view.selections.select(view.attributes, filterKey(query.filter), compiled, exactLimit);
  if (selection.count === 0) return { kind: 'empty' };
  // A label list is only made within the limit.
  if (query.exact || selection.count <= exactLimit || selection.bitmap === null) {
    const candidates = selection.labels ?? labelsOf(selection.bitmap, selection.count);
    return { kind: 'exact', candidates };
  }
  // The engine copies the bitmap at the call, so a dense value's own bitmap can go as is.
  return {
    kind: 'hnsw_filtered',
    ef: filteredEf(query, selection.count, view, filteredScale),
    bitmap: selection.bitmap,
    ranges: [],
    passing: selection.count,
  };
}

/**
 * The labels a filter selects together with `extra` labels it does not (memories an as-of query
 * passes through an earlier outcome version: see OutcomeVersions.passing), as one bitmap:
 * searched by brute force within the exact limit, else in the graph.
 */
function planUnion(
  query: SearchQuery,
  view: PlannerView,
  scale: number,
  compiled: CompiledFilter | null,
  extra: Uint32Array,
): Plan {
  const selected = compiled === null ? null : view.attributes.select(compiled, 0);
  let end = view.attributes.labelEnd;
  for (const label of extra) end = Math.max(end, label + 1);
  const bitmap = new Uint32Array((end + 31) >>> 5);
  if (selected !== null) bitmap.set(selected.bitmap.subarray(0, bitmap.length));
  let count = selected?.count ?? 0;
  for (const label of extra) {
    const bit = 1 << (label & 31);
    if (((bitmap[label >>> 5] ?? 0) & bit) !== 0) continue;
    bitmap[label >>> 5] = (bitmap[label >>> 5] ?? 0) | bit;
    count++;
  }
  if (query.exact || count <= view.exactLimit) {
    return { kind: 'exact', candidates: labelsOf(bitmap, count) };
  }
  const ef = filteredEf(query, count, view, scale);
  return { kind: 'hnsw_filtered', ef, bitmap, ranges: [], passing: count };
}

/**
 * ef of a filtered graph search. A query's own ef_runtime is used as given. The default is
 * meant for unfiltered searches: a filtered walk keeps exploring past the elements it may not
 * return until ef admitted ones are found, about 1/share times as many elements for the same
 * ef, so the configured default shrinks with the square root of the share that passes (never
 * below FILTERED_EF_FLOOR or k). A calibrated default above the configured one (a large index)
 * counts in proportion to the share, so a filter passing nearly everything gets nearly the
 * unfiltered default (docs/how-it-works.md has the measurements behind this rule).
 */
function filteredEf(query: SearchQuery, passing: number, view: PlannerView, scale: number): number {
  if (query.efRuntime > 0) return Math.max(query.efRuntime, query.k);
  const share = Math.min(1, passing / Math.max(1, view.size));
  const scaled = Math.ceil(view.efRuntime * Math.sqrt(share));
  const calibrated = Math.ceil(view.defaultEf * share);
  const ef = Math.max(FILTERED_EF_FLOOR, scaled, calibrated);
  const capped = Math.min(Math.max(view.efRuntime, view.defaultEf), ef);
  return scaledEf(capped, scale, query.k);
}

/** The filtered default ef `base` under a calibrated factor, never below k. */
export function scaledEf(base: number, scale: number, k: number): number {
  return Math.max(k, Math.ceil(scale * base));
}

/**
 * Range filters whose tags leave more than this many times the exact-search limit, and that
 * are estimated to pass more than twice it, are checked by the engine during the graph walk.
 */
const WIDE_RANGE_FACTOR = 4;

/** The smallest default ef of a filtered graph search (see filteredEf). */
const FILTERED_EF_FLOOR = 16;
