import { describe, expect, it } from 'vitest';
import { attributesOf, Dataset, SELECTIVITY_FILTERS } from '../../bench/lib/dataset.js';
import { parseOptions } from '../../bench/lib/options.js';
import { createIndexArgs, escapeTag, knnQuery } from '../../bench/lib/redisearch.js';
import { efCalibration, willCalibrate } from '../../bench/lib/calibration.js';
import { interleaved, splitEvenly, type Target } from '../../bench/lib/driver.js';
import { countersDelta, redisCounters } from '../../bench/lib/redisCost.js';
import { costPer100k } from '../../bench/phases/reconcile.js';
import { percentile, summarize } from '../../bench/lib/stats.js';
import { lineChart } from '../../bench/lib/svg.js';
import { recallOf } from '../../bench/lib/sweep.js';
import { episodic, parseMetrics } from '../../bench/lib/serverMetrics.js';
import { expectWellFormedSvg } from './harness.js';

describe('bench building blocks', () => {
  it('takes nearest-rank percentiles, ordered up to the max', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(Float64Array.from(values).sort(), 50)).toBe(500);
    const s = summarize(values);
    expect([s.p50, s.p95, s.p99, s.max]).toEqual([500, 950, 990, 1000]);
    expect(s.mean).toBe(500.5);
    expect(summarize([]).count).toBe(0);
  });

  it('draws well-formed SVG, escaping text', () => {
    const svg = lineChart({
      title: 'a < b & "c"',
      subtitle: ['x, '.repeat(80)],
      xLabel: 'agents',
      yLabel: 'ms',
      xLog: true,
      yLog: true,
      series: [
        {
          name: 'one',
          color: '#000000',
          points: [
            [1, 0.5],
            [5, 2],
            [50, 40],
          ],
        },
        { name: 'two', color: '#ff0000', dash: '4 2', points: [[1, 1]] },
      ],
    });
    expectWellFormedSvg(svg);
    expect(svg).toContain('a &#60; b &#38; &#34;c&#34;');
  });

  it('builds data whose filters pass the shares they are named after', () => {
    const data = new Dataset('clustered', 8, 42, 20_000);
    for (const f of SELECTIVITY_FILTERS) {
      expect(Math.abs(data.share(f) - f.share), f.name).toBeLessThan(f.share * 0.25 + 0.002);
    }
    expect(attributesOf(7, 42)).toEqual(attributesOf(7, 42));
    const [first] = data.memoryStream()(1);
    expect(first?.id).toBe('b42-0');
    expect(first?.state_vector?.f32le?.length).toBe(8 * 4);
  });

  it('splits work evenly over rounds', () => {
    expect(splitEvenly(10, 3)).toEqual([3, 3, 4]);
    expect(splitEvenly(1, 2)).toEqual([1]);
    expect(splitEvenly(100, 1)).toEqual([100]);
  });

  it('computes recall as the share of true neighbours found', () => {
    expect(recallOf([['a', 'b'], ['c']], [['b', 'x'], ['c']])).toBeCloseTo(2 / 3);
    expect(recallOf([], [])).toBe(1);
  });

  it('writes RediSearch 2.6 syntax: HNSW attribute count, escaped tags, DIALECT 2 KNN', () => {
    const args = createIndexArgs('p:', 256);
    const hnsw = args.indexOf('HNSW');
    expect(args[hnsw + 1]).toBe('10');
    expect(args.slice(hnsw + 2, hnsw + 12)).toEqual([
      'TYPE',
      'FLOAT32',
      'DIM',
      '256',
      'DISTANCE_METRIC',
      'COSINE',
      'M',
      '16',
      'EF_CONSTRUCTION',
      '200',
    ]);
    expect(args.slice(0, 6)).toEqual([
      'episodic_memory_idx',
      'ON',
      'HASH',
      'PREFIX',
      '1',
      'p:episodic:',
    ]);
    expect(escapeTag('EUR/USD a-b')).toBe('EUR\\/USD\\ a\\-b');
    expect(knnQuery({ agent_ids: ['agent-3'], reward: { min: 0 } }, 10)).toBe(
      '(@agent_id:{agent\\-3} @reward:[0 +inf])=>[KNN 10 @state_vector $BLOB EF_RUNTIME $EF AS dist]',
    );
    expect(knnQuery({}, 5)).toBe('*=>[KNN 5 @state_vector $BLOB EF_RUNTIME $EF AS dist]');
  });

  it('parses options and refuses non-loopback addresses', () => {
    const o = parseOptions(['phase2', '--concurrency', '1,5', '--compare', 'naive']);
    expect(o.concurrency).toEqual([1, 5]);
    expect([...o.compare]).toEqual(['naive']);
    expect(o.memories).toBe(10_000);
    expect(parseOptions(['scale']).memories).toBe(100_000);
    expect(() => parseOptions(['phase1', '--target', '10.0.0.5:50051'])).toThrow(/loopback/);
    expect(() => parseOptions(['recall', '--compare', 'redisearch'])).toThrow(/redisearch-url/);
    expect(() => parseOptions(['nope'])).toThrow(/phase/);
    expect([...parseOptions(['phase2', '--compare', 'naive,secure']).compare]).toEqual([
      'naive',
      'secure',
    ]);
    for (const args of [['phase3'], ['recall'], ['phase2', '--target', '127.0.0.1:50051']]) {
      expect(() => parseOptions([...args, '--compare', 'secure'])).toThrow(/phase1 and phase2/);
    }
  });

  it('gives every side of the RediSearch comparison one number of connections', () => {
    expect(parseOptions(['recall']).connections).toBe(1);
    expect(parseOptions(['recall', '--connections', '50']).connections).toBe(50);
    expect(() => parseOptions(['recall', '--connections', '0'])).toThrow(/connections/);
    expect(() => parseOptions(['recall', '--inflight', '8', '--connections', '9'])).toThrow(
      /--connections \(9\) cannot exceed --inflight \(8\)/,
    );
  });

  it("plans by the servers' settings from --server-env, else their defaults", () => {
    expect(parseOptions(['recall']).serverSettings).toEqual({
      targetRecall: 0.98,
      efCalibrationSamples: 512,
      exactSearchMaxCandidates: 8192,
    });
    const o = parseOptions(['recall', '--server-env', 'MNEMO_EXACT_SEARCH_MAX_CANDIDATES=0']);
    expect(o.serverSettings.exactSearchMaxCandidates).toBe(0);
    expect(willCalibrate(o.serverSettings, 100)).toBe(true);
    expect(willCalibrate(parseOptions(['recall']).serverSettings, 8192)).toBe(false);
    expect(() => parseOptions(['recall', '--server-env', 'MNEMO_TARGET_RECALL=x'])).toThrow(
      /MNEMO_TARGET_RECALL/,
    );
  });

  it('reads the ef calibration from /metrics: none until a recall estimate is reported', () => {
    const before = parseMetrics(
      [
        '# HELP mnemo_index_ef_default ef of unfiltered graph searches',
        '# TYPE mnemo_index_ef_default gauge',
        'mnemo_index_ef_default{kind="episodic"} 64',
        'mnemo_index_filtered_ef_scale{kind="episodic"} 1',
        'mnemo_index_memories{kind="episodic"} 1500',
        'mnemo_batch_size_bucket{le="1"} 3',
        'process_cpu_seconds_total 1.5',
      ].join('\n'),
    );
    expect(Object.keys(before)).not.toContain('mnemo_batch_size_bucket{le="1"}');
    // The process's CPU is kept (the reconcile phase's mnemo CPU); other process_* samples not.
    expect(before.process_cpu_seconds_total).toBe(1.5);
    expect(episodic(before, 'mnemo_index_memories')).toBe(1500);
    expect(efCalibration(before)).toBeNull();
    const after = {
      ...before,
      'mnemo_index_ef_default{kind="episodic"}': 40,
      'mnemo_index_filtered_ef_scale{kind="episodic"}': 1.5,
      'mnemo_index_recall_estimate{kind="episodic"}': 0.985,
    };
    expect(efCalibration(after)).toEqual({
      ef: 40,
      recall: 0.985,
      filteredScale: 1.5,
      memories: 1500,
    });
  });

  it('takes --compare reconcile for phase1-2 without --target, and the reconcile phase', () => {
    const o = parseOptions(['phase2', '--compare', 'reconcile', '--reconcile-per-second', '500']);
    expect(o.compare.has('reconcile')).toBe(true);
    expect(o.reconcilePerSecond).toBe(500);
    expect(parseOptions(['reconcile']).reconcilePerSecond).toBe(10_000);
    expect(parseOptions(['reconcile']).window).toBe(5);
    expect(() => parseOptions(['phase3', '--compare', 'reconcile'])).toThrow(/phase1 and phase2/);
    expect(() =>
      parseOptions(['phase1', '--compare', 'reconcile', '--target', '127.0.0.1:1']),
    ).toThrow(/without --target/);
    expect(() => parseOptions(['reconcile', '--target', '127.0.0.1:1'])).toThrow(/--target/);
    expect(() => parseOptions(['reconcile', '--reconcile-per-second', '0'])).toThrow();
  });

  it('takes the import phase with its own Redis and children only', () => {
    const o = parseOptions(['import', '--load-batch', '200', '--load-inflight', '3']);
    expect(o.phase).toBe('import');
    expect(o.memories).toBe(100_000);
    expect(o.loadBatch).toBe(200);
    expect(o.loadInflight).toBe(3);
    expect(() => parseOptions(['import', '--target', '127.0.0.1:1'])).toThrow(/--target/);
    expect(() => parseOptions(['import', '--redis-url', 'redis://127.0.0.1:1'])).toThrow(
      /--redis-url/,
    );
    expect(() => parseOptions(['import', '--no-load'])).toThrow(/--no-load/);
  });

  it('pauses the pausable targets while others run, and resumes them all at the end', async () => {
    const events: string[] = [];
    const target = (name: string, pausable: boolean): Target => ({
      name,
      call: () => {
        events.push(`call ${name}`);
        return Promise.resolve();
      },
      ...(pausable
        ? {
            pause: () => events.push(`pause ${name}`),
            resume: () => events.push(`resume ${name}`),
          }
        : {}),
    });
    await interleaved([target('a', false), target('b', true)], 1, 2, 2);
    expect(events).toEqual([
      // round 1: a b
      'pause b',
      'call a',
      'resume b',
      'call b',
      // round 2: b a
      'resume b',
      'call b',
      'pause b',
      'call a',
      // the end
      'resume b',
    ]);
  });

  it('reads Redis INFO: commands, EXISTS calls and usec, CPU', () => {
    const info = (commands: number, exists: string, cpu: string): string =>
      [
        '# Stats',
        `total_commands_processed:${commands}`,
        '# CPU',
        ...cpu.split(' ').map((c, i) => `${i === 0 ? 'used_cpu_user' : 'used_cpu_sys'}:${c}`),
        '# Commandstats',
        ...(exists === '' ? [] : [`cmdstat_exists:${exists}`]),
        'cmdstat_info:calls=3,usec=90,usec_per_call=30.00,rejected_calls=0,failed_calls=0',
        `cmdstat_evalsha:calls=${commands / 10},usec=5,usec_per_call=1.00`,
      ].join('\r\n');
    const before = redisCounters(info(10, '', '1.5 0.5'));
    expect(before).toEqual({
      commands: 10,
      existsCalls: 0,
      existsUsec: 0,
      scriptCalls: 1,
      cpuSeconds: 2,
    });
    const after = redisCounters(
      info(2010, 'calls=2000,usec=1800,usec_per_call=0.90,rejected_calls=0,failed_calls=0', '2 1'),
    );
    expect(countersDelta(before, after)).toEqual({
      commands: 2000,
      existsCalls: 2000,
      existsUsec: 1800,
      scriptCalls: 200,
      cpuSeconds: 1,
    });
  });

  it('prices the reconciliation per 100k checked, net of the baseline', () => {
    const window = {
      seconds: 10,
      passes: 0,
      existsUsec: 0,
      redisCommands: 0,
      redisCpuMs: 0,
      mnemoCpuMs: 0,
    };
    const on = {
      ...window,
      target: 'reconcile',
      checked: 50_000,
      passes: 1,
      existsCalls: 50_000,
      existsUsec: 40_000,
      scriptCalls: 50,
      redisCommands: 50_010,
      redisCpuMs: 150,
      mnemoCpuMs: 600,
    };
    const off = {
      ...window,
      target: 'mnemo',
      checked: 0,
      existsCalls: 0,
      scriptCalls: 0,
      redisCommands: 10,
      redisCpuMs: 50,
      mnemoCpuMs: 100,
    };
    expect(costPer100k(on, off, 100_000, 10_000)).toEqual({
      exists: 100_000,
      redisCommands: 100_000,
      roundTrips: 100,
      existsMs: 80,
      redisCpuMs: 200,
      mnemoCpuMs: 1000,
      // 1000 ms per 100k at 10 000/s: 100 ms a second, 10 % of a core.
      redisCoreShare: 0.02,
      mnemoCoreShare: 0.1,
    });
    expect(costPer100k({ ...on, checked: 0 }, off, 100_000, 10_000)).toBeNull();
  });
});
