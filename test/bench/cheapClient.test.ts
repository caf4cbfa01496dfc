import { describe, expect, it } from 'vitest';
import { expectOrderedLatency, runBench, type Latency } from './harness.js';

describe('bench phase2 --client cheap (tiny)', () => {
  it('calls over bare HTTP/2 and gives every started server its CPU per call', async () => {
    const { doc, stdout } = await runBench([
      'phase2',
      '--memories',
      '300',
      '--concurrency',
      '4',
      '--queries',
      '20',
      '--warmup',
      '10',
      '--client',
      'cheap',
    ]);
    expect(doc.settings.client).toBe('cheap');
    const results = doc.results as {
      levels: {
        targets: {
          target: string;
          calls: number;
          errors: number;
          latencyMs: Latency;
          hitsPerAnswer: number | null;
          serverCpuUsPerCall: number | null;
        }[];
        ratios: { cpuPerCallVsEcho: number | null };
      }[];
    };
    const [level] = results.levels;
    expect(level?.targets.map((t) => t.target)).toEqual(['mnemo', 'echo']);
    for (const t of level?.targets ?? []) {
      expect(t.calls).toBe(80);
      expect(t.errors).toBe(0);
      expect(t.hitsPerAnswer).toBe(10);
      expectOrderedLatency(t.latencyMs);
      expect(t.serverCpuUsPerCall).toBeGreaterThan(0);
    }
    expect(level?.ratios.cpuPerCallVsEcho).toBeGreaterThan(0);
    expect(stdout).toContain('CPU/call mnemo/echo');
  });

  it('refuses the secure comparison, which it cannot speak', async () => {
    await expect(
      runBench(['phase1', '--memories', '10', '--client', 'cheap', '--compare', 'secure']),
    ).rejects.toThrow(/plaintext only/);
  });
});
