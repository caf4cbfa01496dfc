import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, runBench, type Latency } from './harness.js';

interface Figures {
  target: string;
  calls: number;
  errors: number;
  latencyMs: Latency;
  hitsPerAnswer: number | null;
  emptyAnswers: number | null;
}

describe('bench phase2 --compare naive,secure (tiny)', () => {
  it('measures a TLS + token server beside mnemo and reports its ratios', async () => {
    const { doc, stdout } = await runBench([
      'phase2',
      '--memories',
      '300',
      '--concurrency',
      '3',
      '--queries',
      '10',
      '--warmup',
      '10',
      '--compare',
      'naive,secure',
    ]);
    const servers = (doc as unknown as { servers: { name: string; env: Record<string, string> }[] })
      .servers;
    const secure = servers.find((s) => s.name === 'secure');
    // The secure child serves TLS and requires tokens; the others do neither.
    for (const name of ['MNEMO_TLS_CERT', 'MNEMO_TLS_KEY', 'MNEMO_AUTH_TOKENS_FILE']) {
      expect(secure?.env[name]).toBeTruthy();
      expect(servers.find((s) => s.name === 'mnemo')?.env[name]).toBeUndefined();
    }
    const [level] = (
      doc.results as { levels: { targets: Figures[]; ratios: Record<string, unknown> }[] }
    ).levels;
    expect(level?.targets.map((t) => t.target)).toEqual(['mnemo', 'echo', 'naive', 'secure']);
    for (const t of level?.targets ?? []) {
      expect(t.calls).toBe(30);
      expect(t.errors).toBe(0);
      expect(t.hitsPerAnswer).toBe(10);
      expect(t.emptyAnswers).toBe(0);
      expectOrderedLatency(t.latencyMs);
    }
    for (const name of ['secureP50VsMnemo', 'secureP99VsMnemo', 'secureThroughputVsMnemo']) {
      expect(level?.ratios[name]).toBeGreaterThan(0);
    }
    const [low, high] = (level?.ratios.secureThroughputVsMnemoRange as number[] | null) ?? [0, -1];
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThanOrEqual(low ?? 0);
    expect(stdout).toContain('calls/s secure/mnemo');
    expect(stdout).toContain('calls/s mnemo/naive');
  });
});
