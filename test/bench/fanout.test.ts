import { describe, expect, it } from 'vitest';
import { runBench } from './harness.js';

interface RoundResult {
  latency: { count: number; p50: number; p99: number };
  expected: number;
  received: number;
}

describe('bench fanout (tiny)', () => {
  it('delivers every message to every subscriber over two mnemo, beside the Redis floor', async () => {
    const { doc, stdout } = await runBench([
      'fanout',
      '--subscribers',
      '6',
      '--queries',
      '20',
      '--rounds',
      '2',
    ]);
    const results = doc.results as {
      subscribers: number;
      sides: Record<'live' | 'durable' | 'floor', RoundResult[]>;
    };
    expect(results.subscribers).toBe(6);
    for (const side of ['live', 'durable', 'floor'] as const) {
      expect(results.sides[side]).toHaveLength(2);
      for (const round of results.sides[side]) {
        expect(round.expected).toBe(120);
        expect(round.received).toBe(120);
        expect(round.latency.count).toBe(120);
        expect(round.latency.p50).toBeLessThanOrEqual(round.latency.p99);
      }
    }
    expect(stdout).toMatch(/publish → deliver, 1 publisher → 6 subscribers \(2 mnemo\)/);
    expect(stdout).toMatch(/mnemo live .*\n.*mnemo durable .*\n.*redis PUBLISH\/SUBSCRIBE/);
  });
});
