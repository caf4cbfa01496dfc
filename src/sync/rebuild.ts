import type { Logger } from 'pino';
import type { IndexSet } from '../index/IndexSet.js';
import { metrics } from '../metrics/metrics.js';
import { KINDS } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { MemoryStore } from '../redis/MemoryStore.js';

/**
 * Builds a fresh index of each kind from every hash in Redis (read from the master in batches of
 * `batchSize`) and swaps it in. Returns the change-stream position it is as new as: the newest
 * entry before the scan began (entries from there on are applied after it).
 */
export async function rebuildIndexes(
  store: MemoryStore,
  indexes: IndexSet,
  batchSize: number,
  log: Logger,
): Promise<string> {
  const startId = await store.lastChangeId();
  const started = Date.now();
  for (const kind of KINDS) {
    const fresh = indexes.create(kind);
    let loaded = 0;
    let lastLog = Date.now();
    metrics.indexRebuilding.set({ kind }, 1);
    metrics.indexRebuildLoaded.set({ kind }, 0);
    for await (const batch of store.scan(SCHEMAS[kind], batchSize)) {
      await fresh.upsert(batch);
      loaded += batch.length;
      metrics.indexRebuildLoaded.set({ kind }, loaded);
      if (Date.now() - lastLog >= 2000) {
        lastLog = Date.now();
        log.info({ kind, loaded }, 'rebuilding index');
      }
    }
    indexes.replace(kind, fresh);
    metrics.indexRebuilding.set({ kind }, 0);
    metrics.indexSize.set({ kind }, fresh.size);
    log.info({ kind, memories: fresh.size }, 'index rebuilt');
  }
  log.info({ ms: Date.now() - started, position: startId }, 'indexes rebuilt from Redis');
  return startId;
}
