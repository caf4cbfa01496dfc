/**
 * Seeded synthetic embeddings, shared by the benchmark harness and the tests (recall, consistency,
 * transport). Everything here is deterministic: the same seeds give the same vectors.
 */

/** Seeded pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A source of vectors: `stream(seed)` yields them one by one, `sample(n, seed)` n at once. */
export interface VectorSource {
  readonly dim: number;
  /** One-line description of the distribution, printed beside every figure. */
  readonly description: string;
  stream(seed: number): () => Float32Array;
  sample(n: number, seed: number): Float32Array[];
}

/**
 * Clustered synthetic embeddings: `clusters` random centres, each with its own low-dimensional
 * local structure (8 random directions) plus a little isotropic noise — like real embeddings,
 * whose neighbourhoods have a low intrinsic dimension. Queries drawn with another seed come from
 * the same distribution.
 */
export class ClusteredData implements VectorSource {
  private readonly centres: Float32Array[];
  private readonly bases: Float32Array[][];

  constructor(
    readonly dim: number,
    readonly clusters: number,
    seed: number,
    private readonly localDims = 8,
  ) {
    const random = rng(seed);
    this.centres = Array.from({ length: clusters }, () => {
      const c = new Float32Array(dim);
      for (let j = 0; j < dim; j++) c[j] = gaussian(random);
      return c;
    });
    const scale = 1.2 / Math.sqrt(localDims);
    this.bases = this.centres.map(() =>
      Array.from({ length: localDims }, () => {
        const b = new Float32Array(dim);
        for (let j = 0; j < dim; j++) b[j] = scale * gaussian(random);
        return b;
      }),
    );
  }

  get description(): string {
    return `clustered (${this.clusters} centres, ${this.localDims}-d local structure + 0.1 noise, dim ${this.dim})`;
  }

  /** Vectors one at a time; the n-th is the n-th of `sample(…, seed)`. */
  stream(seed: number): () => Float32Array {
    const random = rng(seed);
    return () => {
      const c = Math.floor(random() * this.clusters);
      const v = Float32Array.from(this.centres[c] ?? []);
      for (const basis of this.bases[c] ?? []) {
        const z = gaussian(random);
        for (let j = 0; j < this.dim; j++) v[j] = (v[j] ?? 0) + z * (basis[j] ?? 0);
      }
      for (let j = 0; j < this.dim; j++) v[j] = (v[j] ?? 0) + 0.1 * gaussian(random);
      return v;
    };
  }

  sample(n: number, seed: number): Float32Array[] {
    const next = this.stream(seed);
    return Array.from({ length: n }, next);
  }
}

/** Isotropic Gaussian vectors: no structure at all, the hardest case for an ANN index. */
export class UniformData implements VectorSource {
  constructor(readonly dim: number) {}

  get description(): string {
    return `uniform (isotropic Gaussian, no structure, dim ${this.dim})`;
  }

  stream(seed: number): () => Float32Array {
    const random = rng(seed);
    return () => {
      const v = new Float32Array(this.dim);
      for (let j = 0; j < this.dim; j++) v[j] = gaussian(random);
      return v;
    };
  }

  sample(n: number, seed: number): Float32Array[] {
    const next = this.stream(seed);
    return Array.from({ length: n }, next);
  }
}

/** n clustered vectors (see ClusteredData); the same seed gives the same data. */
export function clusteredVectors(
  n: number,
  dim: number,
  clusters: number,
  seed: number,
): Float32Array[] {
  return new ClusteredData(dim, clusters, seed).sample(n, seed + 1);
}

export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

export function f32le(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
