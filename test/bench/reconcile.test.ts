import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, expectRecordedContext, runBench, type Latency } from './harness.js';

interface Figures {
  target: string;
  calls: number;
  errors: number;
  latencyMs: Latency;
  hitsPerAnswer: number | null;
  roundThroughputs: number[];
}

interface Window {
  target: string;
  seconds: number;
  checked: number;
  passes: number;
  existsCalls: number;
  redisCommands: number;
  redisCpuMs: number;
  mnemoCpuMs: number;
}

describe('bench --compare reconcile and the reconcile phase (tiny)', () => {
  it('measures a reconciling child beside mnemo without it and reports their ratios', async () => {
    const { doc, stdout } = await runBench([
      'phase2',
      '--memories',
      '2000',
      '--dim',
      '16',
      '--concurrency',
      '3',
      '--queries',
      '10',
      '--warmup',
      '10',
      '--compare',
      'naive,reconcile',
      '--reconcile-per-second',
      '20000',
    ]);
    const servers = (doc as unknown as { servers: { name: string; env: Record<string, string> }[] })
      .servers;
    const env = (name: string): Record<string, string> | undefined =>
      servers.find((s) => s.name === name)?.env;
    // Only the reconcile child reconciles.
    expect(env('mnemo')?.MNEMO_RECONCILE_PER_SECOND).toBe('0');
    expect(env('naive')?.MNEMO_RECONCILE_PER_SECOND).toBe('0');
    expect(env('reconcile')?.MNEMO_RECONCILE_PER_SECOND).toBe('20000');
    const [level] = (
      doc.results as { levels: { targets: Figures[]; ratios: Record<string, unknown> }[] }
    ).levels;
    expect(level?.targets.map((t) => t.target)).toEqual(['mnemo', 'echo', 'naive', 'reconcile']);
    for (const t of level?.targets ?? []) {
      expect(t.calls).toBe(30);
      expect(t.errors).toBe(0);
      expect(t.hitsPerAnswer).toBe(10);
      expect(t.roundThroughputs).toHaveLength(2);
      expectOrderedLatency(t.latencyMs);
    }
    expect(level?.ratios.reconcileP99VsMnemo).toBeGreaterThan(0);
    expect(level?.ratios.reconcileThroughputVsMnemo).toBeGreaterThan(0);
    const [low, high] = (level?.ratios.reconcileThroughputVsMnemoRange as number[] | null) ?? [
      0, -1,
    ];
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThanOrEqual(low ?? 0);
    expect(stdout).toContain('calls/s reconcile/mnemo');
    expect(stdout).toContain('p99 reconcile/mnemo');
    expect(stdout).toContain('paused (SIGSTOP)');
  });

  it('reports the cost per 100k memories checked against an idle baseline', async () => {
    const { doc, stdout } = await runBench([
      'reconcile',
      '--memories',
      '2000',
      '--dim',
      '8',
      '--window',
      '2',
    ]);
    expectRecordedContext(doc, 'reconcile');
    const results = doc.results as {
      perSecond: number;
      windows: { reconcile: Window; baseline: Window };
      per100k: {
        exists: number;
        redisCommands: number;
        roundTrips: number;
        redisCpuMs: number;
        mnemoCpuMs: number;
        redisCoreShare: number;
        mnemoCoreShare: number;
      } | null;
    };
    expect(results.perSecond).toBe(10_000);
    const { reconcile: on, baseline: off } = results.windows;
    expect(on.seconds).toBeGreaterThanOrEqual(2);
    // At least a pass' worth, every check one EXISTS on the master.
    expect(on.checked).toBeGreaterThanOrEqual(2000);
    expect(on.passes).toBeGreaterThanOrEqual(1);
    // Redis counts each script call's EXISTS when it runs, mnemo counts a step's memories once the
    // step's calls are all done: a step in flight at a window's edge (10,000/s × 250 ms = 2,500
    // memories) counts on one side only.
    expect(Math.abs(on.existsCalls - on.checked)).toBeLessThanOrEqual(2500);
    expect(on.redisCommands).toBeGreaterThanOrEqual(on.existsCalls);
    expect(on.mnemoCpuMs).toBeGreaterThan(0);
    // The baseline: as long, nothing checked, no EXISTS.
    expect(Math.abs(off.seconds - on.seconds)).toBeLessThan(0.5);
    expect(off.checked).toBe(0);
    expect(off.existsCalls).toBe(0);
    const cost = results.per100k;
    expect(cost).not.toBeNull();
    const edge = (2500 * 100_000) / on.checked + 100;
    expect(Math.abs((cost?.exists ?? 0) - 100_000)).toBeLessThanOrEqual(edge);
    expect(cost?.redisCommands).toBeGreaterThanOrEqual((cost?.exists ?? 0) - 100);
    // One script call per batch of up to 1000: a pass of 2000 (a step covers it) is two, 100 per
    // 100k, give or take the step (two calls) at a window's edge.
    expect(cost?.roundTrips).toBeGreaterThanOrEqual(100 - (100_000 / on.checked) * 2);
    expect(cost?.roundTrips).toBeLessThanOrEqual(100 + (100_000 / on.checked) * 2);
    // mnemo's net CPU per memory is below what an idle baseline resolves (one script call per
    // 1,000 memories): it is reported, whatever its sign.
    expect(Number.isFinite(cost?.mnemoCpuMs)).toBe(true);
    expect(Number.isFinite(cost?.mnemoCoreShare)).toBe(true);
    expect(stdout).toContain("the reconciliation's cost per 100k memories checked");
  });
});
