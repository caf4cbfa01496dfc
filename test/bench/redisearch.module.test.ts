import { describe, expect, it } from 'vitest';
import { expectRecordedContext, runBench } from './harness.js';

/**
 * The RediSearch module (redisearch.so) to load into a redis-server of the test's own. Not part
 * of `npm test` (no such module is installed by default): run it with
 * `MNEMO_BENCH_REDISEARCH_MODULE=/path/redisearch.so npm run test:redisearch`.
 */
const MODULE = process.env.MNEMO_BENCH_REDISEARCH_MODULE;
if (MODULE === undefined) {
  throw new Error('set MNEMO_BENCH_REDISEARCH_MODULE to the path of a RediSearch module');
}

interface Side {
  recall: number;
  qps: number;
  qpsByRun: number[];
  cpuUs: number | null;
}

describe('bench --compare redisearch (tiny)', () => {
  it('indexes the same data with FT.CREATE and compares unary, stream and RediSearch over the same connections', async () => {
    const { doc } = await runBench([
      'recall',
      '--memories',
      '1000',
      '--queries',
      '20',
      '--ef',
      '10,64',
      '--filters',
      '5%,10%,100%',
      '--inflight',
      '8',
      '--connections',
      '4',
      '--warmup',
      '10',
      '--compare',
      'redisearch,stream',
      '--redisearch-module',
      MODULE,
    ]);
    expectRecordedContext(doc, 'recall');
    const c = (
      doc.results as {
        redisearch: {
          module: string;
          connections: number;
          sweep: { recall: number; qps: number }[];
          sideBySide: {
            filter: string;
            mnemo: Side;
            mnemoStream: Side | null;
            redisearch: Side;
            cpuRatio: number | null;
            streamCpuRatio: number | null;
          }[];
        };
      }
    ).redisearch;
    expect(c.module).toMatch(/^\d+\.\d+\.\d+/);
    expect(c.connections).toBe(4);
    expect(c.sweep).toHaveLength(3 * 2);
    expect(c.sideBySide.map((s) => s.filter)).toEqual([
      '5% agent+reward>=0',
      '10% agent',
      '100% none',
    ]);
    for (const s of c.sideBySide) {
      expect(s.redisearch.recall).toBeGreaterThanOrEqual(0.9);
      expect(s.redisearch.qps).toBeGreaterThan(0);
      expect(s.mnemo.qps).toBeGreaterThan(0);
      // The stream answers what the unary calls answer (same server, same ef).
      expect(s.mnemoStream?.recall).toBe(s.mnemo.recall);
      // Two rounds (A B C, C B A): each side's two runs, each with its own throughput, and the
      // server CPU of every side read from /proc (every process is the harness's own).
      for (const side of [s.mnemo, s.mnemoStream, s.redisearch]) {
        expect(side?.qpsByRun).toHaveLength(2);
        for (const qps of side?.qpsByRun ?? []) expect(qps).toBeGreaterThan(0);
        expect(side?.cpuUs).toEqual(expect.any(Number));
      }
      // CPU is read in clock ticks (10 ms): a tiny run may see none of RediSearch's.
      for (const ratio of [s.cpuRatio, s.streamCpuRatio]) {
        if (s.redisearch.cpuUs === 0) expect(ratio).toBeNull();
        else expect(ratio).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
