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

describe('bench --compare redisearch (tiny)', () => {
  it('indexes the same data with FT.CREATE and compares at equal recall', async () => {
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
      '--warmup',
      '10',
      '--compare',
      'redisearch',
      '--redisearch-module',
      MODULE,
    ]);
    expectRecordedContext(doc, 'recall');
    const c = (
      doc.results as {
        redisearch: {
          module: string;
          sweep: { recall: number; qps: number }[];
          sideBySide: {
            filter: string;
            mnemo: { recall: number; qps: number; qpsByRun: number[] };
            redisearch: { recall: number; qps: number; qpsByRun: number[] };
          }[];
        };
      }
    ).redisearch;
    expect(c.module).toMatch(/^\d+\.\d+\.\d+/);
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
      // Two rounds (A B, B A): each side's two runs, each with its own throughput.
      for (const side of [s.mnemo, s.redisearch]) {
        expect(side.qpsByRun).toHaveLength(2);
        for (const qps of side.qpsByRun) expect(qps).toBeGreaterThan(0);
      }
    }
  });
});
