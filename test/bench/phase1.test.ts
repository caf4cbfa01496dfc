import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

interface Figures {
  target: string;
  calls: number;
  errors: number;
  latencyMs: Latency;
  throughput: number;
  hitsPerAnswer: number | null;
  emptyAnswers: number | null;
}

describe('bench phase1 (tiny)', () => {
  it('measures mnemo beside the echo floor and the naive mode, with ratios', async () => {
    const { doc, stdout } = await runBench([
      'phase1',
      '--memories',
      '300',
      '--queries',
      '40',
      '--warmup',
      '10',
      '--compare',
      'naive',
    ]);
    expectRecordedContext(doc, 'phase1');
    const results = doc.results as {
      load: { memories: number; rate: number };
      payload: { requestBytes: number; responseBytes: number; hitsPerResponse: number };
      targets: Figures[];
      ratios: Record<string, number | null>;
    };
    expect(results.load.memories).toBe(300);
    expect(results.load.rate).toBeGreaterThan(0);
    expect(results.payload.hitsPerResponse).toBe(10);
    expect(results.payload.responseBytes).toBeGreaterThan(results.payload.hitsPerResponse * 20);
    expect(results.targets.map((t) => t.target)).toEqual(['mnemo', 'echo', 'naive']);
    for (const t of results.targets) {
      expect(t.calls).toBe(40);
      expect(t.errors).toBe(0);
      expect(t.throughput).toBeGreaterThan(0);
      expectOrderedLatency(t.latencyMs);
      // Every target answered full results (the naive child only once its index was ready).
      expect(t.hitsPerAnswer).toBe(10);
      expect(t.emptyAnswers).toBe(0);
    }
    for (const name of ['p99VsEcho', 'throughputVsEcho', 'naiveP99VsMnemo', 'throughputVsNaive']) {
      expect(results.ratios[name]).toBeGreaterThan(0);
    }
    expect(stdout).toContain('p99 mnemo/echo');
    expect(stdout).toMatch(/machine: \d+ cores/);
  });
});
