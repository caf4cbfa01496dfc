import { metrics } from '../metrics/metrics.js';
import type { MemoryKind } from '../model/MemoryRecord.js';
import type { Ranking, ScoreTerm } from '../model/Ranking.js';
import type { AttributeIndex, CompiledFilter } from './AttributeIndex.js';
import { grow } from './bitmaps.js';
import type { Extremes } from './GroupExtremes.js';
import type { KnnResult } from './HnswEngine.js';
import type { LabelMap } from './LabelMap.js';
import type { SearchQuery } from './QueryPlanner.js';
import { compileRanking, type OutcomesAsOf, type Scorer } from './rankScore.js';
import { TopK } from './TopK.js';

/** One hit of an index search. */
export interface IndexHit {
  id: string;
  distance: number;
  /** The revision of the memory the index held when the search returned (see revisionOf). */
  revision: number;
  /** The ranking score (ranked searches only). */
  score?: number;
  /** The terms of the score (ranked searches that explain only). */
  explanation?: ScoreTerm[];
}

/** The distance neighbours of one search, and whether they are every memory its filter passes. */
export interface Neighbours {
  result: KnnResult;
  all: boolean;
  /** Labels only an earlier outcome version lets pass the filter (as-of searches), or null. */
  extra: Uint32Array | null;
}

/** What a ranked search reads of its index (MemoryIndex). */
export interface RankingHost {
  readonly kind: MemoryKind;
  readonly attributes: AttributeIndex;
  readonly labels: LabelMap;
  /** MNEMO_EXACT_SEARCH_MAX_CANDIDATES: the most memories scored by brute force. */
  readonly exactSearchMaxCandidates: number;
  /** MNEMO_RANKING_MAX_HEADROOM: the neighbours are widened to at most k times this. */
  readonly rankingMaxHeadroom: number;
  /** The distance neighbours of a search (planned as any search). */
  neighbours(query: SearchQuery): Promise<Neighbours>;
  /** Exact distances from the query to `candidates`, the k nearest. */
  exact(query: SearchQuery, candidates: Uint32Array): Promise<KnnResult>;
  /** The outcome fields as of `asOf` (undefined: the present), sharing `extremes`. */
  outcomesAsOf(asOf: number | undefined, extremes: Map<string, Extremes>): OutcomesAsOf | undefined;
}

/**
 * The k best by score (ties by distance, then id) of a ranked search whose distance neighbours
 * are `neighbours` (k × MNEMO_RANKING_HEADROOM of them); exact whenever those are the true
 * nearest (docs/how-it-works.md#ranking). A memory farther than every neighbour has at most the
 * farthest one's similarity, so only those whose attribute terms alone (no vector) reach
 * `threshold = kth score − w_similarity × similarity of the farthest` can still enter the top
 * k: they are found over every memory in the filter and scored by brute force. When more than
 * the brute-force limit (MNEMO_EXACT_SEARCH_MAX_CANDIDATES) reach it, the neighbours are first
 * widened to k × MNEMO_RANKING_MAX_HEADROOM (raising the threshold), and then the limit's worth
 * of the highest by their attribute terms are scored.
 */
export async function rankedSearch(
  host: RankingHost,
  neighbours: Neighbours,
  query: SearchQuery,
  ranking: Ranking,
): Promise<IndexHit[]> {
  metrics.rankedSearches.inc({ kind: host.kind });
  const filter = host.attributes.compile(query.filter);
  if (filter === null) return [];
  // The k best so far; the memories scored (or refused by the filter), never scored again.
  const kept = new TopK<IndexHit>(query.k, (a, b) => byScore(a, b) < 0);
  const labelOf = new Map<string, number>();
  const seen = new Set<number>();
  // As of a past time, the groups' outcome ranges: one pass per group for the whole search.
  const asOfExtremes = new Map<string, Extremes>();
  // A scorer reads the attribute columns, which a write may replace while this awaits: one is
  // compiled per synchronous stretch, and used for all of it.
  const compile = (): Scorer =>
    compileRanking(host.attributes, ranking, host.outcomesAsOf(query.asOf, asOfExtremes));
  // As of a past time, some pass the filter only by an earlier outcome (OutcomeVersions).
  const extra = new Set(neighbours.extra ?? []);
  const passes = (label: number): boolean =>
    host.attributes.matches(label, filter) || extra.has(label);
  // `fresh`: the labels are known to pass the filter and not to have been seen (reachers).
  const take = (found: KnnResult, scorer: Scorer, fresh = false): void => {
    const { labels, distances } = found;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] ?? 0;
      if (!fresh) {
        if (seen.has(label)) continue;
        seen.add(label);
        if (!passes(label)) continue;
      }
      const distance = distances[i] ?? 0;
      const score = scorer.scoreOf(label, distance);
      // Below the kth cannot enter (a tie may: it is decided by distance, then id).
      if (kept.size === query.k && score < (kept.worst()?.score ?? -Infinity)) continue;
      const id = host.labels.idOf(label);
      if (id === undefined) continue;
      kept.push({ id, distance, revision: host.labels.revisionAt(label), score });
      labelOf.set(id, label);
    }
  };
  // The top k, explained when asked (only they are: the others' terms are never sent).
  const best = (): IndexHit[] => {
    const hits = kept.sorted();
    if (!ranking.explain) return hits;
    const scorer = compile();
    return hits.map((hit) => ({
      ...hit,
      explanation: scorer.explain(labelOf.get(hit.id) ?? 0, hit.distance),
    }));
  };
  const budget = Math.max(query.k, host.exactSearchMaxCandidates);
  const widest = query.k * host.rankingMaxHeadroom;
  let current = neighbours;
  for (;;) {
    const scorer = compile();
    take(current.result, scorer);
    if (current.all) return best();
    let farthest = 0;
    for (const d of current.result.distances) farthest = Math.max(farthest, d);
    const kth = kept.size === query.k ? (kept.worst()?.score ?? -Infinity) : -Infinity;
    const threshold = kth - ranking.similarityWeight * (1 - farthest / 2);
    if (threshold > scorer.maxAttributeScore) return best();
    // Too many to score: wider neighbours raise the threshold (no need to count them all).
    const canWiden = current.result.labels.length < widest;
    const stopAbove = canWiden ? budget : Infinity;
    const reach = reachers(
      host.attributes,
      filter,
      extra,
      scorer,
      threshold,
      seen,
      budget,
      stopAbove,
    );
    if (reach.total > budget && canWiden) {
      current = await host.neighbours({ ...query, k: widest });
      continue;
    }
    if (reach.labels.length > 0) {
      metrics.rankingScored.inc({ kind: host.kind }, reach.labels.length);
      const exact = await host.exact({ ...query, k: reach.labels.length }, reach.labels);
      take(exact, compile(), true);
    }
    return best();
  }
}

/**
 * The labels in the filter (or `extra`), other than `except`, whose attribute terms reach
 * `threshold`: how many, and at most `max` of them, the highest first. With `stopAbove`, the
 * pass stops as soon as more than that many reach it (`total` is then only known to exceed it).
 */
function reachers(
  attributes: AttributeIndex,
  filter: CompiledFilter,
  extra: ReadonlySet<number>,
  scorer: Scorer,
  threshold: number,
  except: ReadonlySet<number>,
  max: number,
  stopAbove = Infinity,
): { total: number; labels: Uint32Array } {
  // Typed columns, not an object per memory: a ranking over every memory may collect many.
  let labels = new Uint32Array(256);
  let scores = new Float64Array(256);
  let count = 0;
  // Summed in another order than score() sums them: a margin far above rounding keeps every
  // memory that can reach it (a few more are scored, none is missed).
  const atLeast = threshold - 1e-9;
  const visit = (label: number): boolean => {
    const score = scorer.attributeScore(label, atLeast);
    if (score >= atLeast && !except.has(label)) {
      if (count === labels.length) {
        labels = grow(labels, count * 2);
        scores = grow(scores, count * 2);
      }
      labels[count] = label;
      scores[count++] = score;
    }
    return count <= stopAbove;
  };
  attributes.forEachMatch(filter, visit);
  for (const label of extra) {
    if (count > stopAbove) break;
    if (!attributes.matches(label, filter)) visit(label);
  }
  if (count <= max) return { total: count, labels: labels.slice(0, count) };
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || (labels[a] ?? 0) - (labels[b] ?? 0),
  );
  return {
    total: count,
    labels: Uint32Array.from(order.subarray(0, max), (i) => labels[i] ?? 0),
  };
}

/** Best first: score descending, then distance, then id. */
function byScore(a: IndexHit, b: IndexHit): number {
  return (
    (b.score ?? 0) - (a.score ?? 0) ||
    a.distance - b.distance ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
