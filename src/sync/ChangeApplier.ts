import type { IndexSet } from '../index/IndexSet.js';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind, type MemoryRecord } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { ChangeEntry, MemoryStore } from '../redis/MemoryStore.js';

interface PendingAction {
  kind: MemoryKind;
  id: string;
  op: ChangeEntry['op'];
  record: MemoryRecord | undefined;
}

/**
 * Applies change-stream entries to the live indexes. A memory this instance is writing is
 * applied from the write's own records (announced with `expect`), unless the write may revise
 * its outcome (the earlier ones Redis keeps are not in the records); any other is read from the
 * master, which the change stream comes from.
 */
export class ChangeApplier {
  private readonly hints = new Map<
    string,
    { kind: MemoryKind; records: Map<string, MemoryRecord> }
  >();

  constructor(
    private readonly store: MemoryStore,
    private readonly indexes: IndexSet,
  ) {}

  /** Announces a write about to be made, so its entry is applied without reading Redis. */
  expect(writeToken: string, kind: MemoryKind, records: readonly MemoryRecord[]): void {
    this.hints.set(writeToken, { kind, records: new Map(records.map((r) => [r.id, r])) });
  }

  forget(writeToken: string): void {
    this.hints.delete(writeToken);
  }

  /** Applies entries: the last entry touching an id decides what is done with it. */
  async apply(entries: readonly ChangeEntry[]): Promise<void> {
    const actions = new Map<string, PendingAction>();
    for (const entry of entries) {
      if (entry.kind !== 'episodic' && entry.kind !== 'semantic') continue;
      const hint = this.hints.get(entry.writeToken);
      const kind: MemoryKind = entry.kind;
      for (const id of entry.ids) {
        const key = `${kind}\u0000${id}`;
        // Written again in the same batch: the earlier outcomes Redis kept depend on the write
        // skipped here, so the memory is read back (kinds with outcome versions).
        const rewritten = actions.delete(key) && SCHEMAS[kind].outcome !== null;
        const hinted = hint?.kind === kind && entry.op === 'u' ? hint.records.get(id) : undefined;
        const record = rewritten ? undefined : hinted;
        actions.set(key, { kind, id, op: entry.op, record });
      }
    }
    for (const kind of KINDS) {
      const mine = [...actions.values()].filter((a) => a.kind === kind);
      if (mine.length > 0) await this.applyKind(kind, mine);
    }
  }

  private async applyKind(kind: MemoryKind, actions: readonly PendingAction[]): Promise<void> {
    const index = this.indexes.get(kind);
    const schema = SCHEMAS[kind];
    const removals: string[] = [];
    const upserts: MemoryRecord[] = [];
    const fullReads: string[] = [];
    const attributeReads: string[] = [];
    for (const action of actions) {
      if (action.op === 'd') removals.push(action.id);
      // A revision's earlier outcomes are what the script kept in Redis: read back, not hinted.
      else if (action.record !== undefined && !index.mayReviseOutcome(action.record)) {
        upserts.push(action.record);
      } else if (action.op === 'a' && index.has(action.id)) attributeReads.push(action.id);
      else fullReads.push(action.id);
    }
    // From the master, which the change stream comes from: a lagging replica may not hold the
    // change yet, and a memory it lacks would be taken for a deleted one.
    const [full, attributes] = await Promise.all([
      this.store.get(schema, fullReads, true, 'master'),
      this.store.get(schema, attributeReads, false, 'master'),
    ]);
    full.forEach((record, i) => {
      if (record === null) removals.push(fullReads[i] ?? '');
      else upserts.push(record);
    });
    attributes.forEach((record, i) => {
      const id = attributeReads[i] ?? '';
      if (record === null) removals.push(id);
      else index.setAttributes(id, record);
    });
    index.remove(removals);
    await index.upsert(upserts);
    metrics.indexSize.set({ kind }, index.size);
  }
}
