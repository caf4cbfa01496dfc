import type { MemoryFilter } from '../model/MemoryFilter.js';
import { chooseEf, meanOf, PLATEAU_GAIN, type EfMeasurement } from './chooseEf.js';
import type { HnswEngine, KnnResult } from './HnswEngine.js';
import { scaledEf, type FilteredPlan, type Plan, type SearchQuery } from './QueryPlanner.js';

/** What a calibration of the default ef found (see EfTuner.calibrate). */
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

/** The index a calibration measures. */
export interface CalibrationSubject {
  readonly engine: Pick<HnswEngine, 'search' | 'searchExact'>;
  /** Live memories. */
  readonly size: number;
  /** The configured default ef, where the search for the calibrated one starts. */
  readonly efRuntime: number;
  /** Unfiltered searches of indexes up to this size are exact: nothing to calibrate. */
  readonly exactLimit: number;
  plan(query: SearchQuery, filteredScale: number): Plan;
}

/** The largest default ef a calibration may choose. */
export const EF_CALIBRATION_MAX = 1024;

/**
 * The calibrated default ef of one index, and the searches it served (the queries of its next
 * calibration: stored vectors would not do, each is found through its own links, and points made
 * up near them miss how real queries sit in the data).
 */
export class EfTuner {
  private current: EfCalibration | null = null;
  private inherited = false;
  /** The last RECENT_QUERIES searches (a ring). */
  private readonly recent: RecentQuery[] = [];
  private recentNext = 0;

  constructor(saved: EfCalibration | null = null) {
    this.current = saved;
  }

  get calibration(): EfCalibration | null {
    return this.current;
  }

  /** Whether the calibration was taken over from a replaced index rather than measured here. */
  get isInherited(): boolean {
    return this.inherited;
  }

  get filteredScale(): number {
    return this.current?.filteredScale ?? 1;
  }

  /** Recent searches that went through the graph with a filter (what calibrates filtered ef). */
  get recentFilteredSearches(): number {
    return this.recent.reduce((n, q) => n + (q.graphFiltered ? 1 : 0), 0);
  }

  /** Keeps a served search as a query of the next calibration. */
  remember(query: SearchQuery, graphFiltered: boolean): void {
    const entry = { vector: query.vector, filter: query.filter, graphFiltered };
    if (this.recent.length < RECENT_QUERIES) this.recent.push(entry);
    else this.recent[this.recentNext] = entry;
    this.recentNext = (this.recentNext + 1) % RECENT_QUERIES;
  }

  /**
   * Takes over another index's calibration, and the searches it served as the queries of this
   * one's own (a rebuilt index: its graph is not the same, and answers differently at one ef).
   */
  inherit(from: EfTuner): void {
    if (this.current !== null) return;
    this.current = from.current;
    this.inherited = from.current !== null;
    if (this.recent.length === 0) {
      this.recent.push(...from.recent);
      this.recentNext = from.recentNext;
    }
  }

  /**
   * Measures recall@10 of unfiltered graph searches against exact search on `samples` of the
   * recent searches, and makes the smallest ef reaching `targetRecall` less RECALL_MARGIN_SE
   * standard errors the default (from the configured ef it halves, down to k, or doubles, up to
   * EF_CALIBRATION_MAX, then bisects: chooseEf). Then the filtered default's factor is measured
   * (calibrateFilteredScale). Exact searches go one at a time, so live searches keep the
   * engine's threads. Null, changing nothing, while unfiltered searches are exact, before
   * `samples` searches were served, or once `signal` is aborted.
   */
  async calibrate(
    subject: CalibrationSubject,
    targetRecall: number,
    samples: number,
    signal?: AbortSignal,
    random: () => number = Math.random,
  ): Promise<EfCalibration | null> {
    const k = CALIBRATION_K;
    const { size, engine } = subject;
    if (size <= subject.exactLimit || size <= 2 * k) return null;
    if (this.recent.length < samples) return null;
    const queries: { vector: Float32Array; truth: Set<number> }[] = [];
    for (const { vector } of pick(this.recent, samples, random)) {
      if (signal?.aborted) return null;
      const [exact] = await engine.searchExact(vector, k, null);
      const truth = new Set(exact?.labels ?? []);
      if (truth.size > 0) queries.push({ vector, truth });
    }
    if (queries.length === 0) return null;
    // Mean recall@k over the queries (the same at every ef: differences are paired).
    const measure = async (ef: number): Promise<EfMeasurement> => {
      const perQuery: number[] = [];
      for (const query of queries) {
        const [result] = await engine.search(query.vector, k, ef);
        perQuery.push(recallOf(result, query.truth));
      }
      return { recall: meanOf(perQuery).mean, reaches: reaches(perQuery, targetRecall), perQuery };
    };
    const chosen = await chooseEf(measure, subject.efRuntime, k, EF_CALIBRATION_MAX, signal);
    if (chosen === null) return null;
    // The filtered default is measured with the new unfiltered one in place (it enters it).
    const previous = this.current;
    this.current = {
      ef: chosen.ef,
      recall: chosen.measured.recall,
      size,
      filteredScale: previous?.filteredScale ?? 1,
      filteredRecall: previous?.filteredRecall ?? null,
    };
    const filtered = await this.calibrateFilteredScale(
      subject,
      targetRecall,
      samples,
      signal,
      random,
    );
    if (signal?.aborted) {
      this.current = previous;
      return null;
    }
    if (filtered !== null) {
      this.current = {
        ...this.current,
        filteredScale: filtered.scale,
        filteredRecall: filtered.recall,
      };
    }
    this.inherited = false;
    return this.current;
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
    subject: CalibrationSubject,
    targetRecall: number,
    samples: number,
    signal: AbortSignal | undefined,
    random: () => number,
  ): Promise<{ scale: number; recall: number } | null> {
    const k = CALIBRATION_K;
    const { engine } = subject;
    const recent = this.recent.filter((q) => q.graphFiltered);
    // Each query is planned once, unscaled: a factor changes only its ef.
    const queries: { vector: Float32Array; plan: FilteredPlan; truth: Set<number> }[] = [];
    for (const { vector, filter } of pick(recent, samples, random)) {
      if (signal?.aborted) return null;
      const query: SearchQuery = { vector, filter, k, efRuntime: 0, exact: false };
      const plan = subject.plan(query, 1);
      if (plan.kind !== 'hnsw_filtered') continue;
      const truthPlan = subject.plan({ ...query, exact: true }, 1);
      if (truthPlan.kind !== 'exact') continue;
      const [exact] = await engine.searchExact(vector, k, truthPlan.candidates);
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
        const [result] = await engine.search(vector, k, ef, plan.bitmap, plan.ranges);
        const recall = recallOf(result, truth);
        perQuery.push(recall);
        const share = plan.passing / Math.max(1, subject.size);
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
}

/** A search served, as kept for calibrations. */
interface RecentQuery {
  vector: Float32Array;
  filter: MemoryFilter;
  /** Planned as a filtered graph search when it was served. */
  graphFiltered: boolean;
}

/** Neighbours per query of a calibration (recall@10). */
const CALIBRATION_K = 10;

/**
 * Standard errors of the mean a calibration's recall must clear the target by: per-query recall
 * is heavy-tailed and the chosen ef is the first of several tried to pass (docs/decisions.md).
 */
const RECALL_MARGIN_SE = 2;

/** Upper bounds of the bands of filter shares a filtered calibration checks on their own. */
const SHARE_BOUNDS = [0.03, 0.3, Infinity];

/** Queries a band needs to be checked on its own. */
const MIN_BAND_QUERIES = 16;

/** Factors on the filtered default ef a calibration tries, smallest first. */
const FILTERED_SCALES = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];

/** Searches whose vectors are kept as the queries of the next calibration. */
const RECENT_QUERIES = 1024;

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

/** `count` distinct items of `items` at random (all of them if there are fewer). */
function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}
