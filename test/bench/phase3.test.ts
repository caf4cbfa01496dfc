import { describe, expect, it } from 'vitest';
import { schedule } from '../../bench/phases/simulation.js';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

describe('bench phase3 (tiny)', () => {
  it('schedules every agent’s searches at the interval and trades as a Poisson process', () => {
    const events = schedule(3, 60, 5, 10, 1);
    const searches = events.filter((e) => e.kind === 'search');
    expect(searches).toHaveLength(3 * 12);
    expect(events.every((e, i) => i === 0 || (events[i - 1]?.at ?? 0) <= e.at)).toBe(true);
    expect(events.filter((e) => e.kind === 'trade').length).toBeGreaterThan(0);
  });

  it('simulates agents querying and writing on trades, in fast forward', async () => {
    const { doc } = await runBench([
      'phase3',
      '--memories',
      '300',
      '--agents',
      '3',
      '--duration',
      '60',
      '--speedup',
      '30',
      '--query-interval',
      '1',
      '--trade-interval',
      '5',
      '--warmup',
      '10',
    ]);
    expectRecordedContext(doc, 'phase3');
    const [sim] = (
      doc.results as {
        simulations: {
          target: string;
          searches: { calls: number; errors: number; latencyMs: Latency };
          writes: { calls: number; errors: number };
          offeredQps: number;
          achievedQps: number;
          realSeconds: number;
        }[];
      }
    ).simulations;
    expect(sim?.target).toBe('mnemo');
    expect(sim?.searches.calls).toBe(3 * 60);
    expect(sim?.searches.errors).toBe(0);
    expect(sim?.writes.errors).toBe(0);
    expect(sim?.writes.calls).toBeGreaterThan(0);
    expect(sim?.offeredQps).toBe(90);
    expect(sim?.achievedQps).toBeGreaterThan(0);
    expect(sim?.realSeconds).toBeGreaterThan(1.5);
    if (sim) expectOrderedLatency(sim.searches.latencyMs);
  });
});
