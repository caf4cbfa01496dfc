import { filterKey } from '../../model/MemoryFilter.js';
import type { MemoryKind } from '../../model/MemoryRecord.js';
import { rankingKey } from '../../model/Ranking.js';
import type { Dedup } from './SearchPipeline.js';
import type { SearchRequest } from './types.js';

/**
 * Identical memory searches: same kind, k, ef, exactness, vector need, as-of, filter, ranking and
 * vector. A search that touches its hits is never merged (each call counts its own recall). The vector
 * enters the key as a 52-bit hash (a 1 KiB string key per search costs more than the lookup), so
 * a search joins another only if the vectors are also equal.
 */
export const searchDedup: Dedup<MemoryKind, SearchRequest> = {
  key(kind, request) {
    if (request.touch) return null;
    return `${kind}|${request.k}|${request.efRuntime}|${request.exact ? 1 : 0}|${
      request.includeVectors ? 1 : 0
    }|${request.asOf ?? ''}|${filterKey(request.filter)}|${rankingKey(request.ranking)}|${vectorHash(
      request.vector,
    )}`;
  },
  same(a, b) {
    return sameVector(a.vector, b.vector);
  },
};

/** Two 32-bit FNV-1a style lanes over the float bits, combined into 52 bits. */
function vectorHash(vector: Float32Array): number {
  const bits = new Uint32Array(vector.buffer, vector.byteOffset, vector.length);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < bits.length; i++) {
    const w = bits[i] ?? 0;
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ (w >>> 16) ^ (w << 16), 0x5bd1e995);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
