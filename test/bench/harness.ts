import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../../bench/lib/repoRoot.js';

export interface BenchRun {
  /** The JSON document the run wrote (--json). */
  doc: BenchDocument;
  stdout: string;
  stderr: string;
}

export interface BenchDocument {
  phase: string;
  environment: {
    machine: { cores: number; model: string; memoryBytes: number };
    versions: { node: string; redisServer: string; mnemoCommit: string };
  };
  settings: Record<string, unknown>;
  data: { kind: string; description: string; memories: number; dim: number };
  files: { json: string[]; svg: string[] };
  results: Record<string, unknown>;
}

/**
 * Runs `bench/run.ts <args>` as the CLI does (own redis-server on a free port, mnemo child),
 * with its outputs in a temporary directory; fails the test on a non-zero exit.
 */
export async function runBench(args: readonly string[], timeoutMs = 45_000): Promise<BenchRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-'));
  const json = join(dir, 'out.json');
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        ...args,
        '--out-dir',
        dir,
        '--json',
        json,
        '--quiet',
        '--max-minutes',
        '2',
      ],
      { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`bench ${args.join(' ')} exited with ${String(code)}:\n${stderr}\n${stdout}`);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as BenchDocument;
    for (const file of doc.files.svg) expectWellFormedSvg(readFileSync(file, 'utf8'));
    expect(doc.files.json.every((file) => existsSync(file))).toBe(true);
    return { doc, stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fields every run records beside its figures. */
export function expectRecordedContext(doc: BenchDocument, phase: string): void {
  expect(doc.phase).toBe(phase);
  expect(doc.environment.machine.cores).toBeGreaterThan(0);
  expect(doc.environment.machine.model).not.toBe('');
  expect(doc.environment.machine.memoryBytes).toBeGreaterThan(0);
  expect(doc.environment.versions.node).toBe(process.version);
  expect(doc.environment.versions.redisServer).toMatch(/^\d+\.\d+/);
  expect(doc.environment.versions.mnemoCommit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
  expect(doc.settings.phase).toBe(phase);
  expect(doc.data.kind).toBe('clustered');
  expect(doc.data.description).toContain('clustered');
}

export interface Latency {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function expectOrderedLatency(l: Latency): void {
  expect(l.count).toBeGreaterThan(0);
  expect(l.p50).toBeGreaterThan(0);
  expect(l.p50).toBeLessThanOrEqual(l.p95);
  expect(l.p95).toBeLessThanOrEqual(l.p99);
  expect(l.p99).toBeLessThanOrEqual(l.max);
  expect(l.mean).toBeLessThanOrEqual(l.max);
}

/** An XML-ish check: one <svg> root, every element closed in order, no stray `<` or `&`. */
export function expectWellFormedSvg(text: string): void {
  expect(text.trimStart().startsWith('<svg')).toBe(true);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    const between = text.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    expect(between).not.toMatch(/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/);
    last = tag.lastIndex;
    const [, closing, name = '', , selfClosing] = m;
    if (selfClosing === '/') continue;
    if (closing === '/') expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(text.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}
