import { createHash } from 'node:crypto';
import type { MemoryKind, MemoryRecord } from '../../model/MemoryRecord.js';

/**
 * A digest of an upsert as its client sent it (kind, and every memory's id as sent — empty where
 * the server generates one —, tags, numbers, vector and payload): what a retry of the same
 * request must match, so that a request id reused for other memories is told apart.
 */
export function requestDigest(kind: MemoryKind, records: readonly MemoryRecord[]): string {
  const hash = createHash('sha256');
  hash.update(kind);
  for (const record of records) {
    hash.update(
      JSON.stringify([
        record.id,
        Object.entries(record.tags).sort(([a], [b]) => (a < b ? -1 : 1)),
        Object.entries(record.numbers).sort(([a], [b]) => (a < b ? -1 : 1)),
      ]),
    );
    hash.update(
      Buffer.from(record.vector.buffer, record.vector.byteOffset, record.vector.byteLength),
    );
    hash.update(String(record.payload.length));
    hash.update(record.payload);
  }
  return hash.digest('base64url');
}
