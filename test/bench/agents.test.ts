import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

describe('bench agents (tiny)', () => {
  it('measures RateLimitService.Acquire and AuditService.Append', async () => {
    const { doc } = await runBench([
      'agents',
      '--queries',
      '200',
      '--concurrency',
      '4',
      '--warmup',
      '10',
    ]);
    expectRecordedContext(doc, 'agents');
    const results = doc.results as {
      clients: number;
      rpcs: {
        target: string;
        calls: number;
        errors: number;
        throughput: number;
        latencyMs: Latency;
      }[];
      acquireAdmittedShare: number;
    };
    expect(results.clients).toBe(4);
    expect(results.rpcs.map((r) => r.target)).toEqual([
      'RateLimitService.Acquire',
      'AuditService.Append',
    ]);
    for (const r of results.rpcs) {
      expect(r.calls).toBe(200);
      expect(r.errors).toBe(0);
      expect(r.throughput).toBeGreaterThan(0);
      expectOrderedLatency(r.latencyMs);
    }
    expect(results.acquireAdmittedShare).toBeGreaterThan(0);
  });
});
