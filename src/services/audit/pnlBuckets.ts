/**
 * Exact P&L arithmetic for the audit log: pnl in integer micro-units, wall_time bucketed at
 * four widths, and the plan that splits a [from, to] query into whole buckets plus two edge
 * intervals read entry by entry.
 */

import { fromMicroUnits, MICRO, toMicroUnits } from '../../model/microUnits.js';

// Exact money arithmetic lives in the model, shared with the sessions' P&L.
export { fromMicroUnits, MICRO, toMicroUnits };

/** Bucket widths in seconds, coarsest first; each divides the one before it. */
export const BUCKET_WIDTHS = [86_400, 3600, 60, 1] as const;

/** Largest |pnl| of one entry: its micro-units stay far inside int64 bucket sums. */
export const MAX_ABS_PNL = 1e9;

/** Latest wall_time accepted (year 2286); the unbounded query end lies beyond it. */
export const MAX_WALL_TIME = 1e10;

const DAY = BUCKET_WIDTHS[0];
/** An unbounded `to`: a whole number of days past MAX_WALL_TIME. */
const END_OF_TIME = DAY * (Math.floor(MAX_WALL_TIME / DAY) + 2);

/** The bucket of width `width` holding `t`: the b with b·width ≤ t < (b + 1)·width, exactly. */
export function bucketIndex(t: number, width: number): number {
  let b = Math.floor(t / width);
  if (b * width > t) b -= 1;
  else if ((b + 1) * width <= t) b += 1;
  return b;
}

/** The bucket index of `t` at every width, coarsest first. */
export function bucketIndexes(t: number): [number, number, number, number] {
  const [day, hour, minute, second] = BUCKET_WIDTHS;
  return [
    bucketIndex(t, day),
    bucketIndex(t, hour),
    bucketIndex(t, minute),
    bucketIndex(t, second),
  ];
}

/** How AgentPnl reads one interval; all bounds are exact doubles as Redis score text. */
export interface PnlPlan {
  /** Day buckets [dayLo, dayHi) summed whole. */
  dayLo: number;
  dayHi: number;
  /** ZCOUNT bounds of the whole interval. */
  countMin: string;
  countMax: string;
  /** Edge intervals read entry by entry: ZRANGEBYSCORE [min, max] pairs (`(` = exclusive). */
  edges: [string, string][];
  /** Bucket indexes summed whole at 3600, 60 and 1 s. */
  buckets: [number[], number[], number[]];
}

/**
 * Appends the bucket indexes [first, end) to `out`: integers, at most `most` of them (less than
 * one parent bucket), so the work is bounded by the buckets that exist, not by the range.
 */
function pushIndexes(out: number[], first: number, end: number, most: number): void {
  if (end - first > most) throw new RangeError(`${end - first} buckets exceed ${most}`);
  for (let i = first; i < end; i++) out.push(i);
}

/**
 * Splits [from, to] (null = unbounded) into whole buckets and at most two edges. Whole seconds
 * [A, B) with A = ⌈from⌉, B = ⌊to⌋ are covered by the coarsest aligned buckets (at most 2·23
 * hours, 2·59 minutes, 2·59 seconds plus a run of days); [from, A) and [B, to] are the edges.
 * Bounds must lie in [0, MAX_WALL_TIME] (the codec checks); others throw a RangeError.
 */
export function planPnlQuery(from: number | null, to: number | null): PnlPlan {
  const countMin = from === null ? '-inf' : String(from);
  const countMax = to === null ? '+inf' : String(to);
  const buckets: [number[], number[], number[]] = [[], [], []];
  const a = from === null ? 0 : Math.ceil(from);
  const b = to === null ? END_OF_TIME : Math.floor(to);
  if (from !== null && to !== null && a > b) {
    return { dayLo: 0, dayHi: 0, countMin, countMax, edges: [[countMin, countMax]], buckets };
  }
  const edges: [string, string][] = [];
  if (from !== null && from < a) edges.push([countMin, `(${a}`]);
  if (to !== null) edges.push([String(b), countMax]);

  if (!(a >= 0 && b <= END_OF_TIME)) {
    throw new RangeError(`P&L bounds must lie in [0, ${END_OF_TIME}], got [${from}, ${to}]`);
  }
  let lo = a;
  let hi = b;
  for (let level = BUCKET_WIDTHS.length - 1; level >= 1; level--) {
    const width = BUCKET_WIDTHS[level] ?? 1;
    const parent = BUCKET_WIDTHS[level - 1] ?? DAY;
    const out = buckets[level - 1] ?? [];
    const loUp = Math.min(Math.ceil(lo / parent) * parent, hi);
    pushIndexes(out, lo / width, loUp / width, parent / width);
    lo = loUp;
    const hiDown = Math.max(Math.floor(hi / parent) * parent, lo);
    pushIndexes(out, hiDown / width, hi / width, parent / width);
    hi = hiDown;
  }
  return { dayLo: lo / DAY, dayHi: hi / DAY, countMin, countMax, edges, buckets };
}
