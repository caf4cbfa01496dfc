import { describe, expect, it } from 'vitest';
import {
  BUCKET_WIDTHS,
  bucketIndex,
  fromMicroUnits,
  planPnlQuery,
  toMicroUnits,
  type PnlPlan,
} from '../../../src/services/audit/pnlBuckets.js';

/** A deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inBound(t: number, bound: string, lower: boolean): boolean {
  if (bound === '-inf') return true;
  if (bound === '+inf') return true;
  const exclusive = bound.startsWith('(');
  const value = Number(exclusive ? bound.slice(1) : bound);
  if (lower) return exclusive ? t > value : t >= value;
  return exclusive ? t < value : t <= value;
}

/** How many parts of the plan count an entry at wall_time t (must be 1 inside, 0 outside). */
function coverage(plan: PnlPlan, t: number): number {
  let n = 0;
  const day = bucketIndex(t, BUCKET_WIDTHS[0]);
  if (day >= plan.dayLo && day < plan.dayHi) n++;
  plan.buckets.forEach((level, i) => {
    if (level.includes(bucketIndex(t, BUCKET_WIDTHS[i + 1] ?? 1))) n++;
  });
  for (const [min, max] of plan.edges) if (inBound(t, min, true) && inBound(t, max, false)) n++;
  return n;
}

describe('P&L buckets', () => {
  it('puts a time in the bucket b with b·width ≤ t < (b+1)·width, even next to a boundary', () => {
    const justBelow = 1_700_006_400 - 2 ** -22;
    expect(bucketIndex(justBelow, 86_400)).toBe(19675);
    expect(bucketIndex(1_700_006_400, 86_400)).toBe(19676);
    expect(bucketIndex(59.99999999999999, 60)).toBe(0);
    expect(bucketIndex(60, 60)).toBe(1);
  });

  it('rounds pnl to micro-units exactly, ties away from zero, and back with one rounding', () => {
    expect(toMicroUnits(12.345678)).toBe(12_345_678n);
    expect(toMicroUnits(-0.1)).toBe(-100_000n);
    expect(toMicroUnits(0.0078125)).toBe(7813n);
    expect(toMicroUnits(-0.0078125)).toBe(-7813n);
    expect(toMicroUnits(1e-7)).toBe(0n);
    expect(toMicroUnits(-1e-7)).toBe(0n);
    expect(toMicroUnits(1e9)).toBe(1_000_000_000_000_000n);
    expect(fromMicroUnits(300_000n)).toBe(0.3);
    expect(fromMicroUnits(-1n)).toBe(-0.000001);
    expect(fromMicroUnits(123_456_789_012_345_678n)).toBe(Number('123456789012.345678'));
  });

  it('plans whole buckets plus two edges that count every time in [from, to] exactly once', () => {
    const random = rng(7);
    const base = 1_700_000_000;
    for (let q = 0; q < 300; q++) {
      const span = [0.5, 50, 5000, 400_000, 5_000_000][q % 5] ?? 1;
      const from = q % 7 === 0 ? null : base + Math.floor(random() * 1e6) + (q % 3 ? random() : 0);
      const to =
        q % 11 === 0 ? null : (from ?? base) + Math.floor(random() * span) + (q % 2 ? random() : 0);
      const plan = planPnlQuery(from, to);
      expect(plan.buckets[0].length).toBeLessThanOrEqual(46);
      expect(plan.buckets[1].length).toBeLessThanOrEqual(118);
      expect(plan.buckets[2].length).toBeLessThanOrEqual(118);
      expect(plan.edges.length).toBeLessThanOrEqual(2);
      const lo = from ?? base - 1e6;
      const hi = to ?? base + 2e7;
      const probes = [lo, hi, Math.ceil(lo), Math.floor(hi), lo - 1e-6, hi + 1e-6];
      for (let i = 0; i < 40; i++) probes.push(lo - 100 + random() * (hi - lo + 200));
      for (const t of probes) {
        const inside = (from === null || t >= from) && (to === null || t <= to);
        expect(coverage(plan, t), `t=${t} in [${from}, ${to}]`).toBe(inside ? 1 : 0);
      }
    }
  });
});

describe('planPnlQuery bounds', () => {
  it('plans the widest range with a bounded number of bucket indexes', () => {
    const plan = planPnlQuery(0.5, 1e10 - 0.5);
    expect(plan.buckets.flat().length).toBeLessThanOrEqual(2 * 23 + 2 * 59 + 2 * 59);
  });

  it('throws a RangeError for bounds beyond the end of time instead of enumerating them', () => {
    expect(() => planPnlQuery(null, 1e16)).toThrow(RangeError);
    expect(() => planPnlQuery(1e16 - 1, 1e16)).toThrow(RangeError);
  });
});
