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

/** n vectors around `clusters` random centres (like real embeddings), row-major. */
export function clusteredVectors(
  n: number,
  dim: number,
  clusters: number,
  seed: number,
): Float32Array[] {
  const random = rng(seed);
  const centres = Array.from({ length: clusters }, () => {
    const c = new Float32Array(dim);
    for (let j = 0; j < dim; j++) c[j] = gaussian(random);
    return c;
  });
  return Array.from({ length: n }, () => {
    const centre = centres[Math.floor(random() * clusters)] ?? centres[0];
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = (centre?.[j] ?? 0) + 0.35 * gaussian(random);
    return v;
  });
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
