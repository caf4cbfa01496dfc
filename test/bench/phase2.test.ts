import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

/** phase2 on 300 memories, 10 calls per agent after 10 of warm-up, with `extra` options. */
const tiny = (...extra: string[]) =>
  runBench(['phase2', '--memories', '300', '--queries', '10', '--warmup', '10', ...extra]);

describe('bench phase2 (tiny)', () => {
  it('measures every concurrency level for mnemo and the echo floor and draws the chart', async () => {
    const { doc } = await tiny('--concurrency', '1,4');
    expectRecordedContext(doc, 'phase2');
    const results = doc.results as {
      levels: {
        concurrency: number;
        targets: {
          target: string;
          calls: number;
          errors: number;
          latencyMs: Latency;
          throughput: number;
          roundThroughputs: number[];
        }[];
        ratios: {
          p99VsEcho: number | null;
          throughputVsEcho: number | null;
          throughputVsEchoRange: [number, number] | null;
        };
      }[];
    };
    expect(results.levels.map((l) => l.concurrency)).toEqual([1, 4]);
    for (const level of results.levels) {
      expect(level.targets.map((t) => t.target)).toEqual(['mnemo', 'echo']);
      for (const t of level.targets) {
        expect(t.calls).toBe(level.concurrency * 10);
        expect(t.errors).toBe(0);
        expect(t.throughput).toBeGreaterThan(0);
        // Two interleaved rounds (the default), each with its own throughput.
        expect(t.roundThroughputs).toHaveLength(2);
        for (const each of t.roundThroughputs) expect(each).toBeGreaterThan(0);
        expectOrderedLatency(t.latencyMs);
      }
      expect(level.ratios.p99VsEcho).toBeGreaterThan(0);
      expect(level.ratios.throughputVsEcho).toBeGreaterThan(0);
      const [low, high] = level.ratios.throughputVsEchoRange ?? [0, -1];
      expect(low).toBeGreaterThan(0);
      expect(high).toBeGreaterThanOrEqual(low);
    }
    expect(doc.files.svg).toHaveLength(1);
    expect(doc.files.svg[0]).toMatch(/phase2-\d{8}-\d{6}-latency\.svg$/);
  });

  it('gives the cost of as_of as throughput ratios to mnemo with --compare asof', async () => {
    const { doc } = await tiny('--concurrency', '2', '--compare', 'asof');
    const results = doc.results as {
      levels: {
        targets: { target: string; errors: number; calls: number }[];
        ratios: {
          asOfThroughputVsMnemo: number | null;
          asOfRewardThroughputVsMnemo: number | null;
        };
      }[];
    };
    const [level] = results.levels;
    expect(level?.targets.map((t) => t.target)).toEqual(['mnemo', 'echo', 'as_of', 'as_of reward']);
    for (const t of level?.targets ?? []) expect([t.calls, t.errors]).toEqual([20, 0]);
    expect(level?.ratios.asOfThroughputVsMnemo).toBeGreaterThan(0);
    expect(level?.ratios.asOfRewardThroughputVsMnemo).toBeGreaterThan(0);
  });

  it('searches all memories with --unfiltered, for mnemo and the echo alike', async () => {
    const { doc } = await tiny('--concurrency', '2', '--unfiltered');
    const results = doc.results as {
      filter: { share: number; agent_ids?: string[] };
      levels: { targets: { target: string; errors: number; calls: number }[] }[];
    };
    expect(results.filter).toEqual({ share: 1 });
    const [level] = results.levels;
    expect(level?.targets.map((t) => [t.target, t.calls, t.errors])).toEqual([
      ['mnemo', 20, 0],
      ['echo', 20, 0],
    ]);
  });
});
