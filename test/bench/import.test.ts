import { describe, expect, it } from 'vitest';
import { expectRecordedContext, runBench } from './harness.js';

interface Side {
  target: string;
  memories: number;
  seconds: number;
  rate: number;
  stored: number;
  mnemoCpuMs: number;
  redisCpuMs: number;
  clientCpuMs: number | null;
}

describe('bench import phase (tiny)', () => {
  it('imports the data set through the loader and the mnemo CLI, both exactly', async () => {
    const { doc, stdout } = await runBench([
      'import',
      '--memories',
      '500',
      '--dim',
      '8',
      '--load-batch',
      '100',
      '--load-inflight',
      '2',
    ]);
    expectRecordedContext(doc, 'import');
    const results = doc.results as {
      memories: number;
      batch: number;
      inflight: number;
      command: string;
      cliStartupMs: number;
      file: { bytes: number };
      sides: { loader: Side; cli: Side };
      cliNetRate: number;
      ratios: { cliVsLoader: number | null; cliNetVsLoader: number | null };
    };
    expect(results.memories).toBe(500);
    expect(results.batch).toBe(100);
    expect(results.inflight).toBe(2);
    expect(results.command).toMatch(
      /^node bin\/mnemo\.js import episodic \S+\.jsonl --target 127\.0\.0\.1:\d+ --batch 100 --in-flight 2 /,
    );
    expect(results.file.bytes).toBeGreaterThan(0);
    expect(results.cliStartupMs).toBeGreaterThan(0);
    const { loader, cli } = results.sides;
    for (const [side, target] of [
      [loader, 'loader'],
      [cli, 'cli'],
    ] as const) {
      expect(side.target).toBe(target);
      expect(side.memories).toBe(500);
      expect(side.stored).toBe(500);
      expect(side.seconds).toBeGreaterThan(0);
      expect(side.rate).toBeGreaterThan(0);
      expect(side.mnemoCpuMs).toBeGreaterThan(0);
    }
    expect(loader.clientCpuMs).toBeGreaterThan(0);
    // The CLI's CPU comes from /proc (Linux), null elsewhere.
    if (process.platform === 'linux') expect(cli.clientCpuMs).toBeGreaterThan(0);
    else expect(cli.clientCpuMs).toBeNull();
    expect(results.cliNetRate).toBeGreaterThan(0);
    expect(results.ratios.cliVsLoader).toBeGreaterThan(0);
    expect(results.ratios.cliNetVsLoader).toBeGreaterThan(0);
    expect(stdout).toContain('import: 500 memories (dim 8), batch 100, 2 in flight');
    for (const row of ['loader', 'cli', 'cli − startup']) expect(stdout).toContain(`\n${row} `);
    expect(stdout).toContain('memories/s');
  });
});
