import { describe, expect, it } from 'vitest';
import { chooseEf, type EfMeasurement } from '../../src/index/chooseEf.js';
import { rng } from '../../bench/lib/syntheticData.js';

const TARGET = 0.98;
const QUERIES = 200;

/**
 * A recall curve through the given points, linear in log2(ef) between them, every query of the
 * sample at the curve's recall; the efs measured.
 */
function curve(points: Record<number, number>): {
  measure: (ef: number) => Promise<EfMeasurement>;
  measured: number[];
} {
  const efs = Object.keys(points)
    .map(Number)
    .sort((a, b) => a - b);
  const measured: number[] = [];
  const recallAt = (ef: number): number => {
    const upper = efs.findIndex((e) => e >= ef);
    if (upper <= 0) return points[efs[Math.max(0, upper)] ?? 0] ?? 0;
    const lo = efs[upper - 1] ?? 0;
    const hi = efs[upper] ?? 0;
    const t = (Math.log2(ef) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo));
    return (points[lo] ?? 0) + t * ((points[hi] ?? 0) - (points[lo] ?? 0));
  };
  return {
    measured,
    measure: (ef) => {
      measured.push(ef);
      const recall = recallAt(ef);
      const perQuery = new Array<number>(QUERIES).fill(recall);
      return Promise.resolve({ recall, reaches: recall >= TARGET, perQuery });
    },
  };
}

describe('chooseEf', () => {
  it('doubles until the target is reached, then narrows by bisection', async () => {
    const c = curve({ 64: 0.95, 128: 0.975, 256: 0.985 });
    const chosen = await chooseEf(c.measure, 64, 10, 1024);
    expect(c.measured.slice(0, 3)).toEqual([64, 128, 256]);
    expect(chosen?.measured.reaches).toBe(true);
    expect(chosen?.ef).toBeGreaterThan(128);
    expect(chosen?.ef).toBeLessThan(256);
  });

  it('halves while the target is still reached, then narrows by bisection', async () => {
    const c = curve({ 10: 0.9, 16: 0.97, 32: 0.985, 64: 0.995 });
    const chosen = await chooseEf(c.measure, 64, 10, 1024);
    expect(c.measured.slice(0, 3)).toEqual([64, 32, 16]);
    expect(chosen?.measured.reaches).toBe(true);
    expect(chosen?.ef).toBeGreaterThan(16);
    expect(chosen?.ef).toBeLessThan(32);
  });

  it('goes no lower than the minimum', async () => {
    const c = curve({ 10: 0.99, 64: 1 });
    const chosen = await chooseEf(c.measure, 64, 10, 1024);
    expect(chosen?.ef).toBe(10);
    expect(Math.min(...c.measured)).toBe(10);
  });

  it('does not take one weak doubling for a plateau when the next one gains', async () => {
    // The shape measured at 1M memories: flat from 128 to 256, then a jump.
    const c = curve({ 64: 0.957, 128: 0.967, 256: 0.968, 512: 0.995 });
    const chosen = await chooseEf(c.measure, 64, 10, 1024);
    expect(chosen?.measured.reaches).toBe(true);
    expect(chosen?.ef).toBeGreaterThan(256);
    expect(chosen?.ef).toBeLessThanOrEqual(512);
  });

  it('stops where a weak doubling and the next gain little together, at the ef before them', async () => {
    const c = curve({ 64: 0.95, 128: 0.96, 256: 0.961, 512: 0.9615, 1024: 0.999 });
    const chosen = await chooseEf(c.measure, 64, 10, 1024);
    expect(chosen?.ef).toBe(128);
    expect(chosen?.measured.recall).toBeCloseTo(0.96, 6);
    expect(c.measured).not.toContain(1024);
  });

  it('keeps the cheaper ef when the last doubling, up to the maximum, was weak', async () => {
    const c = curve({ 64: 0.95, 128: 0.96, 256: 0.9605 });
    const chosen = await chooseEf(c.measure, 64, 10, 256);
    expect(chosen?.ef).toBe(128);
  });

  it('stops at the maximum while every doubling still gains', async () => {
    const c = curve({ 64: 0.9, 128: 0.92, 256: 0.94 });
    const chosen = await chooseEf(c.measure, 64, 10, 256);
    expect(chosen?.ef).toBe(256);
    expect(chosen?.measured.reaches).toBe(false);
  });

  it('takes gains within chance of the paired per-query differences for a plateau', async () => {
    // Every doubling gains 0.005 on average, while each query's recall moves by ±0.1 at random
    // from one ef to the next (answers among equally distant memories are arbitrary).
    const random = rng(7);
    const measured: number[] = [];
    const measure = (ef: number): Promise<EfMeasurement> => {
      measured.push(ef);
      const mean = 0.9 + 0.005 * Math.log2(ef / 64);
      const signs = Array.from({ length: QUERIES }, (_, i): number => (i % 2 === 0 ? 1 : -1));
      for (let i = signs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [signs[i], signs[j]] = [signs[j] ?? 1, signs[i] ?? 1];
      }
      const perQuery = signs.map((sign) => mean + 0.1 * sign);
      return Promise.resolve({ recall: mean, reaches: false, perQuery });
    };
    const chosen = await chooseEf(measure, 64, 10, 1024);
    expect(chosen?.ef).toBe(64);
    expect(measured).not.toContain(1024);
  });

  it('counts a gain every query shares, however small its spread', async () => {
    const measure = (ef: number): Promise<EfMeasurement> => {
      const recall = 0.9 + 0.003 * Math.log2(ef / 64);
      const perQuery = new Array<number>(QUERIES).fill(recall);
      return Promise.resolve({ recall, reaches: false, perQuery });
    };
    expect((await chooseEf(measure, 64, 10, 1024))?.ef).toBe(1024);
  });

  it('answers null once stopped', async () => {
    const stop = new AbortController();
    const c = curve({ 64: 0.9, 128: 0.99 });
    const measure = async (ef: number): Promise<EfMeasurement> => {
      stop.abort();
      return c.measure(ef);
    };
    expect(await chooseEf(measure, 64, 10, 1024, stop.signal)).toBeNull();
  });
});
