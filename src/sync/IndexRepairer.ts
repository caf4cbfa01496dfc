import type { Logger } from 'pino';
import type { IndexSet } from '../index/IndexSet.js';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { MemoryStore } from '../redis/MemoryStore.js';
import type { Serial } from './Serial.js';

/** What told mnemo that Redis may have lost a memory the index holds (a metric label). */
export const REPAIR_SOURCES = ['read', 'notification', 'reconcile'] as const;
export type RepairSource = (typeof REPAIR_SOURCES)[number];

/** Memories checked per Redis pipeline. */
const CHECK_BATCH = 1000;

/**
 * Drops from the indexes the memories Redis no longer holds although no change entry said so:
 * deleted behind mnemo's back (DEL), expired or evicted. A suspicion (a search that found a hit's
 * hash missing, a keyspace notification, the reconciliation's walk) is checked against the master
 * and acted on only there, in the same turn of `serial` as the index's other changes: the revision
 * is read, EXISTS asked and the memory removed with no change applied in between, so a repair
 * never undoes a newer write. Each removal counts in mnemo_index_repairs_total{kind, source}.
 */
export class IndexRepairer {
  private readonly pending: Record<MemoryKind, Map<string, RepairSource>> = {
    episodic: new Map(),
    semantic: new Map(),
  };
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: MemoryStore,
    private readonly indexes: IndexSet,
    private readonly serial: Serial,
    private readonly log: Logger,
  ) {
    for (const kind of KINDS) {
      for (const source of REPAIR_SOURCES) metrics.indexRepairs.inc({ kind, source }, 0);
    }
  }

  /** Queues a memory Redis may no longer hold; checked soon, with others, in one pipeline. */
  suspect(kind: MemoryKind, id: string, source: RepairSource): void {
    const pending = this.pending[kind];
    if (!pending.has(id)) pending.set(id, source);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  /** Resolves once every suspicion queued so far has been checked. */
  async settled(): Promise<void> {
    while (this.scheduled || KINDS.some((kind) => this.pending[kind].size > 0)) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.flushing;
    }
    await this.flushing;
  }

  /**
   * Checks these memories now and drops those Redis lacks; returns how many it dropped. Ids the
   * index does not hold (any more) are skipped.
   */
  async check(kind: MemoryKind, ids: readonly string[], source: RepairSource): Promise<number> {
    let dropped = 0;
    for (let i = 0; i < ids.length; i += CHECK_BATCH) {
      dropped += await this.serial.run(() =>
        this.checkNow(kind, ids.slice(i, i + CHECK_BATCH), source),
      );
    }
    return dropped;
  }

  private async flush(): Promise<void> {
    for (const kind of KINDS) {
      const pending = this.pending[kind];
      if (pending.size === 0) continue;
      const bySource = new Map<RepairSource, string[]>();
      for (const [id, source] of pending) {
        const ids = bySource.get(source) ?? [];
        ids.push(id);
        bySource.set(source, ids);
      }
      pending.clear();
      for (const [source, ids] of bySource) {
        await this.check(kind, ids, source).catch((error: unknown) => {
          // The reconciliation's next walk finds them again.
          this.log.warn({ err: error, kind, memories: ids.length }, 'could not check memories');
        });
      }
    }
  }

  private async checkNow(
    kind: MemoryKind,
    ids: readonly string[],
    source: RepairSource,
  ): Promise<number> {
    const index = this.indexes.get(kind);
    const held = ids
      .map((id) => ({ id, revision: index.revisionOf(id) }))
      .filter((memory) => memory.revision >= 0);
    if (held.length === 0) return 0;
    const exist = await this.store.exist(
      SCHEMAS[kind],
      held.map((memory) => memory.id),
    );
    let dropped = 0;
    held.forEach((memory, i) => {
      if (exist[i] === false && index.removeAt(memory.id, memory.revision)) dropped++;
    });
    if (dropped > 0) {
      metrics.indexRepairs.inc({ kind, source }, dropped);
      metrics.indexSize.set({ kind }, index.size);
      this.log.debug({ kind, source, dropped }, 'dropped memories Redis no longer holds');
    }
    return dropped;
  }
}
