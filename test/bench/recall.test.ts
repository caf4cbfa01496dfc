import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

interface Point {
  filter: string;
  share: number;
  ef: number | 'exact';
  recall: number;
  qps: number;
  latencyMs: Latency;
  errors: number;
}

describe('bench recall (tiny)', () => {
  it('measures recall@10 against exact search per ef and selectivity, with QPS and a chart', async () => {
    const { doc } = await runBench([
      'recall',
      '--memories',
      '1500',
      '--queries',
      '30',
      '--ef',
      '0,10,64',
      '--inflight',
      '8',
      '--warmup',
      '10',
      // The graph for every filter, even tiny ones (else they are brute force: recall 1).
      '--server-env',
      'MNEMO_EXACT_SEARCH_MAX_CANDIDATES=0',
      // ef 0 is the server's calibrated default: the run waits for that calibration.
      '--server-env',
      'MNEMO_EF_CALIBRATION_INTERVAL_MS=1000',
    ]);
    expectRecordedContext(doc, 'recall');
    const results = doc.results as { exact: Point[]; sweep: Point[] };
    expect(results.exact).toHaveLength(6);
    expect(results.sweep).toHaveLength(6 * 3);
    expect(results.sweep.filter((p) => p.ef === 0)).toHaveLength(6);
    for (const p of [...results.exact, ...results.sweep]) {
      expect(p.recall).toBeGreaterThanOrEqual(0);
      expect(p.recall).toBeLessThanOrEqual(1);
      expect(p.qps).toBeGreaterThan(0);
      expect(p.errors).toBe(0);
      expectOrderedLatency(p.latencyMs);
    }
    const shares = results.exact.map((p) => p.share);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(shares[shares.length - 1]).toBe(1);
    for (const p of results.sweep.filter((x) => x.ef === 64)) {
      expect(p.recall, p.filter).toBeGreaterThanOrEqual(0.9);
    }
    expect(doc.files.svg[0]).toMatch(/recall-qps\.svg$/);
  });
});
