import { describe, expect, it } from 'vitest';
import { runBench } from './harness.js';

interface Figures {
  target: string;
  calls: number;
  errors: number;
  hitsPerAnswer: number | null;
}

describe('bench phase2 --compare ranked (tiny)', () => {
  it('measures ranked searches beside unranked ones on the same mnemo and reports the ratios', async () => {
    const { doc, stdout } = await runBench([
      'phase2',
      '--memories',
      '300',
      '--concurrency',
      '2',
      '--queries',
      '10',
      '--warmup',
      '10',
      '--compare',
      'ranked',
    ]);
    const [level] = (
      doc.results as { levels: { targets: Figures[]; ratios: Record<string, unknown> }[] }
    ).levels;
    expect(level?.targets.map((t) => t.target)).toEqual(['mnemo', 'echo', 'ranked']);
    for (const t of level?.targets ?? []) {
      expect(t.calls).toBe(20);
      expect(t.errors).toBe(0);
      expect(t.hitsPerAnswer).toBe(10);
    }
    expect(level?.ratios.rankedThroughputVsMnemo).toBeGreaterThan(0);
    expect(level?.ratios.rankedP99VsMnemo).toBeGreaterThan(0);
    expect(stdout).toContain('calls/s ranked/mnemo');
  });
});
