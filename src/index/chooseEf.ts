/** Mean recall of a sample at one ef, and whether it reaches the target less its margin. */
export interface EfMeasurement {
  recall: number;
  reaches: boolean;
  /** Recall of each query of the sample, in the same order at every ef (gains are paired). */
  perQuery: readonly number[];
}

/** A doubling of ef that gains less recall than this is weak. */
export const PLATEAU_GAIN = 0.002;

/**
 * Standard errors of the paired per-query differences a gain must also clear: where a search's
 * answer among equally distant memories is arbitrary, recall moves by chance from one ef to the
 * next, and chance gains must not carry ef to the maximum.
 */
const GAIN_MARGIN_SE = 2;

/**
 * The smallest ef (at least `min`, at most `max`) whose measurement reaches the target: from
 * `start`, halved while the target is still reached, or else doubled until it is; then two
 * bisection steps between the last ef that fell short and the first that reached. Where recall
 * levels off below the target first, the ef before the plateau. A doubling that gains less than
 * PLATEAU_GAIN is looked past once: the plateau is taken only if the next doubling too leaves the
 * gain over both under twice PLATEAU_GAIN (or if there is no next one within `max`). Per-query
 * recall is heavy-tailed, and a sample may gain nothing from one doubling and much from the next.
 * A gain within GAIN_MARGIN_SE standard errors of the queries' paired differences is weak however
 * large. Null once `signal` is aborted.
 */
export async function chooseEf(
  measure: (ef: number) => Promise<EfMeasurement>,
  start: number,
  min: number,
  max: number,
  signal?: AbortSignal,
): Promise<{ ef: number; measured: EfMeasurement } | null> {
  let ef = Math.min(max, Math.max(min, start));
  let at = await measure(ef);
  let failing = 0;
  // An easy index (small, or well clustered) reaches the target below the configured ef.
  while (at.reaches && ef > min) {
    if (signal?.aborted) return null;
    const lower = Math.max(min, Math.floor(ef / 2));
    const atLower = await measure(lower);
    if (!atLower.reaches) {
      failing = lower;
      break;
    }
    ef = lower;
    at = atLower;
  }
  while (!at.reaches && ef < max) {
    if (signal?.aborted) return null;
    const next = Math.min(max, 2 * ef);
    const atNext = await measure(next);
    if (atNext.reaches || gains(at, atNext, PLATEAU_GAIN)) {
      failing = ef;
      ef = next;
      at = atNext;
      continue;
    }
    if (next >= max || signal?.aborted) break;
    const further = Math.min(max, 2 * next);
    const atFurther = await measure(further);
    // Levelled off: the ef before the weak doublings costs less for as much recall.
    if (!atFurther.reaches && !gains(at, atFurther, 2 * PLATEAU_GAIN)) break;
    failing = next;
    ef = further;
    at = atFurther;
  }
  for (let step = 0; step < 2 && failing > 0 && at.reaches; step++) {
    if (signal?.aborted) return null;
    const middle = Math.round((failing + ef) / 2);
    if (middle <= failing || middle >= ef) break;
    const atMiddle = await measure(middle);
    if (atMiddle.reaches) {
      ef = middle;
      at = atMiddle;
    } else {
      failing = middle;
    }
  }
  return signal?.aborted ? null : { ef, measured: at };
}

/**
 * Whether `to` gains at least `least` mean recall over `from`, and more than GAIN_MARGIN_SE
 * standard errors of the per-query differences (the gain is told from chance).
 */
function gains(from: EfMeasurement, to: EfMeasurement, least: number): boolean {
  const n = Math.min(from.perQuery.length, to.perQuery.length);
  const gain = to.recall - from.recall;
  if (gain < least) return false;
  if (n < 2) return true;
  const differences = Array.from(
    { length: n },
    (_, i) => (to.perQuery[i] ?? 0) - (from.perQuery[i] ?? 0),
  );
  return gain > GAIN_MARGIN_SE * meanOf(differences).standardError;
}

/** Mean of per-query values and the standard error of that mean. */
export function meanOf(values: readonly number[]): { mean: number; standardError: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, standardError: 0 };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, standardError: Math.sqrt(variance / n) };
}
