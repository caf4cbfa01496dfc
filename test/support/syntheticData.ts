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

/**
 * Clustered synthetic embeddings: `clusters` random centres, each with its own low-dimensional
 * local structure (8 random directions) plus a little isotropic noise — like real embeddings,
 * whose neighbourhoods have a low intrinsic dimension. Queries drawn with another seed come from
 * the same distribution.
 */
export class ClusteredData {
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

  sample(n: number, seed: number): Float32Array[] {
    const random = rng(seed);
    return Array.from({ length: n }, () => {
      const c = Math.floor(random() * this.clusters);
      const v = Float32Array.from(this.centres[c] ?? []);
      for (const basis of this.bases[c] ?? []) {
        const z = gaussian(random);
        for (let j = 0; j < this.dim; j++) v[j] = (v[j] ?? 0) + z * (basis[j] ?? 0);
      }
      for (let j = 0; j < this.dim; j++) v[j] = (v[j] ?? 0) + 0.1 * gaussian(random);
      return v;
    });
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
