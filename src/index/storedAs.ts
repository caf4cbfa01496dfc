import type { VectorPrecision } from './HnswEngine.js';

/**
 * Whether `stored` (a vector as the graph holds it: normalised, at `precision`) is `vector`: the
 * same direction, within the rounding of float16 where the graph stores that.
 */
export function storedAs(
  stored: Float32Array | null,
  vector: Float32Array,
  precision: VectorPrecision,
): boolean {
  if (stored === null || stored.length !== vector.length) return false;
  let norm = 0;
  for (const x of vector) norm += x * x;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const half = precision === 'float16';
  for (let i = 0; i < vector.length; i++) {
    const expected = (vector[i] ?? 0) * scale;
    // float16 keeps 11 significant bits: a stored value is within half a unit of them.
    const tolerance = half ? Math.max(Math.abs(expected) * HALF_ROUNDING, HALF_SUBNORMAL) : 0;
    if (Math.abs(expected - (stored[i] ?? 0)) > tolerance + 1e-6) return false;
  }
  return true;
}

/** Largest relative rounding error of a float16 (normal) value: half a unit in the last place. */
const HALF_ROUNDING = 2 ** -11;
/** Largest absolute rounding error of a float16 subnormal value. */
const HALF_SUBNORMAL = 2 ** -25;
