import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, runBench, type Latency } from './harness.js';

describe('bench phase2 --compare stream (tiny)', () => {
  it('measures the search stream of mnemo beside the echo over a stream, with ratios', async () => {
    const { doc, stdout } = await runBench([
      'phase2',
      '--memories',
      '300',
      '--concurrency',
      '4',
      '--queries',
      '20',
      '--warmup',
      '10',
      '--compare',
      'stream',
    ]);
    const results = doc.results as {
      levels: {
        targets: {
          target: string;
          calls: number;
          errors: number;
          latencyMs: Latency;
          hitsPerAnswer: number | null;
          serverCpuUsPerCall: number | null;
        }[];
        ratios: {
          streamThroughputVsEcho: number | null;
          streamCpuPerCallVsEcho: number | null;
          streamThroughputVsUnary: number | null;
        };
      }[];
    };
    const [level] = results.levels;
    expect(level?.targets.map((t) => t.target)).toEqual([
      'mnemo',
      'echo',
      'mnemo stream',
      'echo stream',
    ]);
    for (const t of level?.targets ?? []) {
      expect(t.calls).toBe(80);
      expect(t.errors).toBe(0);
      // Every answer of the stream is a real search's (the echo's: the captured one).
      expect(t.hitsPerAnswer).toBe(10);
      expectOrderedLatency(t.latencyMs);
      expect(t.serverCpuUsPerCall).toBeGreaterThan(0);
    }
    expect(level?.ratios.streamThroughputVsEcho).toBeGreaterThan(0);
    expect(level?.ratios.streamCpuPerCallVsEcho).toBeGreaterThan(0);
    expect(level?.ratios.streamThroughputVsUnary).toBeGreaterThan(0);
    expect(stdout).toContain('calls/s mnemo stream/echo stream');
  });
});
