import { describe, expect, it } from 'vitest';
import { expectRecordedContext, runBench } from './harness.js';

/** A restart as the run records it (StartTiming). */
interface Restart {
  readyMs: number;
  source: string | null;
  indexMs: number | null;
  memories: number | null;
}

describe('bench scale (tiny)', () => {
  it('reports load rate, memory per memory, restart time and the operating points', async () => {
    const { doc } = await runBench([
      'scale',
      '--memories',
      '1000',
      '--queries',
      '20',
      '--ef',
      '16,64',
      '--filters',
      '10%,100%',
      '--inflight',
      '8',
      '--warmup',
      '10',
    ]);
    expectRecordedContext(doc, 'scale');
    const results = doc.results as {
      load: { memories: number; rate: number };
      restarts: {
        shutdownMs: number;
        fromSnapshot: Restart;
        rebuild: Restart;
      };
      memory: {
        serverRss: { empty: number; loaded: number; restarted: number };
        serverBytesPerMemory: number | null;
        redisBytesPerMemory: number | null;
      };
      operatingPoints: { filter: string; point: { recall: number; qps: number } | null }[];
    };
    expect(results.load.memories).toBe(1000);
    expect(results.load.rate).toBeGreaterThan(0);
    // Restarted twice: on the snapshot written at shutdown, then without it (rebuilt from Redis).
    expect(results.restarts.fromSnapshot.source).toBe('snapshot');
    expect(results.restarts.rebuild.source).toBe('rebuild');
    expect(results.restarts.fromSnapshot.readyMs).toBeGreaterThan(0);
    expect(results.restarts.rebuild.readyMs).toBeGreaterThan(0);
    expect(results.restarts.rebuild.indexMs).toBeGreaterThan(0);
    expect(results.restarts.shutdownMs).toBeGreaterThan(0);
    // Ready only once the index holds every memory loaded (its /metrics say so).
    expect(results.restarts.fromSnapshot.memories).toBe(1000);
    expect(results.restarts.rebuild.memories).toBe(1000);
    expect(results.memory.serverRss.empty).toBeGreaterThan(10 * 2 ** 20);
    expect(results.memory.serverRss.restarted).toBeGreaterThan(0);
    // 1000 × 256 float32 vectors alone are 1 KiB each.
    expect(results.memory.redisBytesPerMemory).toBeGreaterThan(1024);
    expect(results.operatingPoints.map((o) => o.filter)).toEqual(['10% agent', '100% none']);
    for (const o of results.operatingPoints) {
      expect(o.point?.recall).toBeGreaterThanOrEqual(0.98);
      expect(o.point?.qps).toBeGreaterThan(0);
    }
  });
});
