import type { Vector, Vector__Output } from '../generated/mnemo/v1/Vector.js';

/** A vector as a caller gives it: floats (sent as little-endian float32 bytes) or a Vector. */
export type VectorInput = Float32Array | readonly number[] | Vector;

/** The request fields that hold a vector. */
type VectorKey = 'vector' | 'state_vector' | 'concept_vector';
const VECTOR_KEYS: ReadonlySet<string> = new Set<VectorKey>([
  'vector',
  'state_vector',
  'concept_vector',
]);

type Leaf = string | number | boolean | bigint | null | undefined | Uint8Array;

/** A generated request type whose vector fields also take a Float32Array or number[]. */
export type WithVectors<T> = T extends Leaf
  ? T
  : T extends readonly (infer U)[]
    ? readonly WithVectors<U>[]
    : { [K in keyof T]: K extends VectorKey ? VectorInput | T[K] : WithVectors<T[K]> };

function encode(value: Float32Array | readonly number[]): Vector {
  const floats = value instanceof Float32Array ? value : Float32Array.from(value);
  const bytes = Buffer.alloc(floats.length * 4);
  for (let i = 0; i < floats.length; i++) bytes.writeFloatLE(floats[i] ?? 0, i * 4);
  return { f32le: bytes };
}

/**
 * `request` with every vector field given as floats turned into `{ f32le }`. Only the objects on
 * the way to such a field are copied: a request whose vectors are already Vectors (e.g. encoded
 * once as `{ f32le: bytes }`) is returned as it is, and never changed.
 */
export function encodeVectors<T>(request: WithVectors<T>): T {
  return walk(request) as T;
}

function walk(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = walk(item);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  const fields = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    const floats = VECTOR_KEYS.has(key) && (field instanceof Float32Array || Array.isArray(field));
    const next = floats ? encode(field as readonly number[]) : walk(field);
    if (next !== field) (copy ??= { ...fields })[key] = next;
  }
  return copy ?? value;
}

/** The floats of a vector the server returned (either encoding). */
export function vectorValues(vector: Vector__Output | null | undefined): Float32Array {
  if (vector == null) return new Float32Array(0);
  if (vector.f32le.length > 0) {
    const bytes = vector.f32le;
    const floats = new Float32Array(bytes.length / 4);
    for (let i = 0; i < floats.length; i++) floats[i] = bytes.readFloatLE(i * 4);
    return floats;
  }
  return Float32Array.from(vector.values);
}
