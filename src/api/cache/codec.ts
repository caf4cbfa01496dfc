import { invalidArgument, quote } from '../../model/errors.js';

/** Limits the cache decoders enforce, from the service configuration. */
export interface CacheLimits {
  /** Largest value (or sum of a hash write's fields and values), in bytes. */
  cacheMaxValueBytes: number;
  /** Most keys (Delete) or fields (GetHash) in one call. */
  maxBatch: number;
}

const MAX_KEY_BYTES = 1024;
const MAX_FIELD_BYTES = 1024;
/** About 285 years: large enough for any cache, small enough to stay an exact integer. */
const MAX_TTL_MS = 2 ** 53 / 1000;

export function decodeCacheKey(field: string, key: string): string {
  if (key.length === 0) throw invalidArgument(field, 'is required');
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) {
    throw invalidArgument(field, `is ${bytes} bytes, at most ${MAX_KEY_BYTES} are allowed`);
  }
  return key;
}

export function decodeCacheKeys(
  field: string,
  keys: readonly string[],
  limits: CacheLimits,
): string[] {
  if (keys.length > limits.maxBatch) {
    throw invalidArgument(field, `has ${keys.length} keys, at most ${limits.maxBatch} are allowed`);
  }
  return keys.map((key, i) => decodeCacheKey(`${field}[${i}]`, key));
}

/** A time to live in ms: a whole number >= 0 (0 meaning "none" or "keep", per RPC). */
export function decodeTtlMs(field: string, ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs < 0) {
    throw invalidArgument(
      field,
      `must be a whole number of milliseconds >= 0, got ${quote(ttlMs)}`,
    );
  }
  if (ttlMs > MAX_TTL_MS) throw invalidArgument(field, `must be at most ${MAX_TTL_MS}`);
  return ttlMs;
}

export function decodeCacheValue(field: string, value: Buffer, limits: CacheLimits): Buffer {
  if (value.length > limits.cacheMaxValueBytes) {
    throw invalidArgument(
      field,
      `is ${value.length} bytes, at most ${limits.cacheMaxValueBytes} are allowed`,
    );
  }
  return value;
}

export function decodeHashFieldName(field: string, name: string): string {
  if (name.length === 0) throw invalidArgument(field, 'is required');
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_FIELD_BYTES) {
    throw invalidArgument(field, `is ${bytes} bytes, at most ${MAX_FIELD_BYTES} are allowed`);
  }
  return name;
}

export function decodeHashFieldNames(
  field: string,
  names: readonly string[],
  limits: CacheLimits,
): string[] {
  if (names.length > limits.maxBatch) {
    throw invalidArgument(
      field,
      `has ${names.length} fields, at most ${limits.maxBatch} are allowed`,
    );
  }
  return names.map((name, i) => decodeHashFieldName(`${field}[${i}]`, name));
}

/** Fields of a hash write: at least one, names non-empty, all of it within the value limit. */
export function decodeHashFields(
  field: string,
  fields: Readonly<Record<string, string>>,
  limits: CacheLimits,
): Record<string, string> {
  const entries = Object.entries(fields);
  if (entries.length === 0) throw invalidArgument(field, 'must hold at least one field');
  let bytes = 0;
  for (const [name, value] of entries) {
    decodeHashFieldName(`${field}[${quote(name)}]`, name);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > limits.cacheMaxValueBytes) {
    throw invalidArgument(
      field,
      `hold ${bytes} bytes, at most ${limits.cacheMaxValueBytes} are allowed`,
    );
  }
  return Object.fromEntries(entries);
}

export function decodeDelta(field: string, delta: number): number {
  if (!Number.isFinite(delta)) throw invalidArgument(field, 'must be a finite number');
  return delta;
}
