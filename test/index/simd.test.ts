import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/projectRoot.js';
import { nativeAddon, type SimdPath } from '../../src/index/nativeAddon.js';

// Every SIMD path the CPU supports computes the same distances and neighbours as the scalar
// reference. The path is chosen once, when the addon loads (MNEMO_SIMD), so each path runs in a
// child process of its own.

const ADDON = join(projectRoot(), 'build', 'Release', 'mnemo_hnsw.node');

/** Dimensions around the kernels' block sizes (4, 8, 16, 32), odd tails included. */
const DIMS = [7, 64, 257];

/**
 * Max |distance difference| from scalar. The paths differ only in summation order (float16 is
 * decoded exactly on each), about 1e-7 over these unit vectors.
 */
const TOLERANCE = 1e-6;

interface Hits {
  labels: number[];
  distances: number[];
}

interface PathResult {
  simd: string;
  /** Keyed `${dim}/${precision}`: exact and graph hits of each query, in order. */
  exact: Record<string, Hits[]>;
  graph: Record<string, Hits[]>;
  /** Stored vectors read back (getVector) of a few labels: float16 encoded and decoded. */
  stored: Record<string, number[][]>;
}

/** Run in the child: seeded vectors, exact and exhaustive-ef graph search, JSON on stdout. */
const CHILD = `
const a = require(process.argv[1]);
const dims = JSON.parse(process.argv[2]);
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
const n = 300, nq = 12, k = 10;
const split = (b) => Array.from({ length: nq }, (_, q) => ({
  labels: Array.from(b.labels.subarray(b.offsets[q], b.offsets[q + 1])),
  distances: Array.from(b.distances.subarray(b.offsets[q], b.offsets[q + 1])),
}));
(async () => {
  const out = { simd: a.simd(), exact: {}, graph: {}, stored: {} };
  for (const dim of dims) {
    const vectors = Float32Array.from({ length: n * dim }, rnd);
    const queries = Float32Array.from({ length: nq * dim }, rnd);
    const labels = Uint32Array.from({ length: n }, (_, i) => i * 3 + 1);
    for (const half of [false, true]) {
      const key = dim + '/' + (half ? 'float16' : 'float32');
      const index = new a.HnswIndex(dim, 8, 64, n, 7, half);
      await index.add(labels, vectors.slice(), 1);
      out.exact[key] = split(index.searchExactNow(queries.slice(), k, null));
      const graph = await index.searchEach(queries.slice(), new Uint32Array(nq).fill(k),
        new Uint32Array(nq).fill(n), [], new Uint32Array(nq), 1);
      out.graph[key] = split(graph);
      out.stored[key] = [1, 4, 7, 3 * n - 2].map((l) => Array.from(index.getVector(l)));
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function run(simd: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['-e', CHILD, ADDON, JSON.stringify(DIMS)], {
    env: { ...process.env, MNEMO_SIMD: simd },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function results(simd: SimdPath): PathResult {
  const child = run(simd);
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as PathResult;
}

function expectSameHits(actual: Hits[], reference: Hits[], where: string): void {
  expect(actual.length, where).toBe(reference.length);
  reference.forEach((ref, q) => {
    const got = actual[q] ?? { labels: [], distances: [] };
    expect(got.labels, `${where} query ${q}`).toEqual(ref.labels);
    ref.distances.forEach((d, i) => {
      expect(Math.abs((got.distances[i] ?? NaN) - d), `${where} query ${q} hit ${i}`).toBeLessThan(
        TOLERANCE,
      );
    });
  });
}

describe('SIMD kernels chosen at run time', () => {
  const supported = nativeAddon().simdSupported();

  it('runs the best path the CPU supports unless MNEMO_SIMD says otherwise', () => {
    expect(supported.at(-1)).toBe('scalar');
    if (process.env.MNEMO_SIMD === undefined || process.env.MNEMO_SIMD === '') {
      expect(nativeAddon().simd()).toBe(supported[0]);
    }
  });

  it('computes the same distances, neighbours and stored vectors on every supported path', () => {
    const reference = results('scalar');
    expect(reference.simd).toBe('scalar');
    for (const simd of supported.filter((p) => p !== 'scalar')) {
      const got = results(simd);
      expect(got.simd).toBe(simd);
      for (const [key, hits] of Object.entries(reference.exact)) {
        expectSameHits(got.exact[key] ?? [], hits, `${simd} exact ${key}`);
      }
      for (const [key, hits] of Object.entries(reference.graph)) {
        expectSameHits(got.graph[key] ?? [], hits, `${simd} graph ${key}`);
      }
      // The float16 conversions give the same bits on every path.
      expect(got.stored, simd).toEqual(reference.stored);
    }
  }, 120_000);

  it('refuses an unknown path and one the CPU cannot run, naming those it can', () => {
    const unknown = run('avx9000');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('MNEMO_SIMD=avx9000 is not a SIMD path');
    const foreign: SimdPath = supported.includes('neon') ? 'avx2' : 'neon';
    const lacking = run(foreign);
    expect(lacking.status).not.toBe(0);
    expect(lacking.stderr).toContain(`MNEMO_SIMD=${foreign} but this CPU cannot run it`);
    expect(lacking.stderr).toContain(supported.join(', '));
  });
});
