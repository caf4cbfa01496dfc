import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Hits of a batch of queries: query q's are [offsets[q], offsets[q + 1]). */
export interface NativeBatch {
  labels: Uint32Array;
  distances: Float32Array;
  offsets: Uint32Array;
  /** Distances computed per query. */
  computations: Float64Array;
}

/** Labels whose value in `column` lies in [low, high], strictly on an open side. */
export interface NativeRange {
  readonly column: Float64Array;
  readonly low: number;
  readonly high: number;
  readonly lowOpen: boolean;
  readonly highOpen: boolean;
}

/** Labels set in the bitmap (null: any) and in every range (null: no range). */
export interface NativeFilter {
  bitmap: Uint32Array | null;
  ranges: readonly NativeRange[] | null;
}

export interface NativeStats {
  live: number;
  slots: number;
  deleted: number;
  capacity: number;
  hugePageBytes: number;
}

/** An index of the addon (native/binding/hnsw_index_wrap.cc). */
export interface NativeIndex {
  readonly dim: number;
  readonly size: number;
  add(labels: Uint32Array, vectors: Float32Array, threads: number): Promise<void>;
  remove(labels: Uint32Array): void;
  /** Query q uses filters[filterOf[q] - 1] (0: unfiltered). */
  searchEach(
    queries: Float32Array,
    ks: Uint32Array,
    efs: Uint32Array,
    filters: readonly NativeFilter[],
    filterOf: Uint32Array,
    threads: number,
  ): Promise<NativeBatch>;
  searchExact(
    queries: Float32Array,
    k: number,
    candidates: Uint32Array | null,
    threads: number,
  ): Promise<NativeBatch>;
  searchExactNow(queries: Float32Array, k: number, candidates: Uint32Array | null): NativeBatch;
  getVector(label: number): Float32Array | null;
  /** The labels of the live elements, in slot order. */
  liveLabels(): Uint32Array;
  save(path: string): Promise<void>;
  stats(): NativeStats;
}

/** The exports of the addon (native/binding/addon.cc). */
export interface NativeAddon {
  HnswIndex: new (
    dim: number,
    m: number,
    efConstruction: number,
    initialCapacity: number,
    seed: number,
    half: boolean,
  ) => NativeIndex;
  load(
    path: string,
    dim: number,
    initialCapacity: number,
    seed: number,
    half: boolean,
    /** Rejects a graph holding a label at or above it (default 2^32). */
    labelLimit?: number,
  ): Promise<NativeIndex>;
  /**
   * The SIMD path of the distance kernels: the best this CPU supports, or the one MNEMO_SIMD
   * names (loading the addon throws if the CPU cannot run it).
   */
  simd(): SimdPath;
  /** The paths this CPU supports, best first; 'scalar' is always last. */
  simdSupported(): SimdPath[];
}

/** Kernel families of native/core/simd.h: x86-64 has avx512, avx2, sse2; arm64 has neon. */
export type SimdPath = 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar';

/** binding.gyp's target. */
const ADDON_FILE = 'mnemo_hnsw.node';

/** The nearest folder above this module (src/index/ or dist/src/index/) holding a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mnemo: no package.json above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

/**
 * The compiled addon: build/Release/mnemo_hnsw.node under the package root, else build/Debug's
 * (node-gyp rebuild --debug). Node caches the module, so every call returns the same one. Throws
 * if neither file exists.
 */
export function nativeAddon(): NativeAddon {
  const build = join(packageRoot(), 'build');
  const paths = ['Release', 'Debug'].map((config) => join(build, config, ADDON_FILE));
  const path = paths.find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(
      `native addon missing (looked for ${paths.join(' and ')}): run \`npm run install\` (node-gyp rebuild)`,
    );
  }
  return createRequire(import.meta.url)(path) as NativeAddon;
}
