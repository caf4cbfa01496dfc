import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind, type MemoryRecord } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import type { ChangeEntry, MemoryStore } from '../redis/MemoryStore.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { IndexSnapshots } from './IndexSnapshots.js';
import { compareStreamIds } from '../redis/streamIds.js';

export interface FollowerOptions {
  /** How long one blocking read of the change stream waits. */
  blockMs: number;
  /** Entries read (and applied) at most per round. */
  batchCount: number;
  /** Memories read from Redis per rebuild batch. */
  rebuildBatch: number;
  /** Where snapshots go (null: none), and how often one is written while changes come in. */
  snapshots: IndexSnapshots | null;
  snapshotIntervalMs: number;
}

interface Waiter {
  streamId: string;
  resolve: (applied: boolean) => void;
  timer: NodeJS.Timeout;
}

interface PendingAction {
  kind: MemoryKind;
  id: string;
  op: ChangeEntry['op'];
  record: MemoryRecord | undefined;
}

/**
 * Keeps the in-process indexes equal to Redis: rebuilds them from the hashes, then applies every
 * change-stream entry in stream order, its own writes included, so every instance converges on
 * the same state. Writers wait for their entry to be applied (read-your-writes).
 */
export class ChangeFollower {
  private lastId = '0-0';
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private waiters: Waiter[] = [];
  private resyncReason: string | null = null;
  private datasetId = '';
  /** Set once load() has the indexes ready: only then may a snapshot be written. */
  private loaded = false;
  private snapshotPosition = '';
  private snapshotAt = Date.now();
  private readonly hints = new Map<
    string,
    { kind: MemoryKind; records: Map<string, MemoryRecord> }
  >();

  constructor(
    private readonly store: MemoryStore,
    private readonly connection: Redis,
    private readonly indexes: IndexSet,
    private readonly log: Logger,
    private readonly options: FollowerOptions,
  ) {}

  /** Id of the last change entry applied. */
  get position(): string {
    return this.lastId;
  }

  /**
   * Loads the snapshot if it is of this dataset and every change since it is still in the
   * stream, then resumes from its position; otherwise rebuilds from Redis. Either way the indexes
   * are ready when it resolves.
   */
  async load(): Promise<'snapshot' | 'rebuild'> {
    this.datasetId = await this.store.datasetId();
    const started = Date.now();
    const snapshot = await this.options.snapshots?.read(this.indexes).catch((error: unknown) => {
      this.log.warn({ err: error }, 'index snapshot unreadable: rebuilding');
      return null;
    });
    if (snapshot) {
      const { position, datasetId } = snapshot.meta;
      const [held, newest] = await Promise.all([
        this.store.changesHeldSince(position),
        this.store.lastChangeId(),
      ]);
      const stale =
        datasetId !== this.datasetId
          ? 'another dataset'
          : compareStreamIds(newest, position) < 0
            ? 'the stream is behind it (data lost)'
            : !held
              ? 'changes since it were trimmed from the stream'
              : null;
      if (stale === null) {
        this.indexes.replace('episodic', snapshot.indexes.episodic);
        this.indexes.replace('semantic', snapshot.indexes.semantic);
        this.lastId = position;
        this.snapshotPosition = position;
        for (const kind of KINDS) metrics.indexSize.set({ kind }, this.indexes.get(kind).size);
        this.log.info(
          { ms: Date.now() - started, position, memories: snapshot.indexes.episodic.size },
          'index loaded from snapshot; replaying the changes since',
        );
        this.loaded = true;
        return 'snapshot';
      }
      this.log.warn({ reason: stale }, 'index snapshot is stale: rebuilding');
    }
    await this.rebuild();
    this.loaded = true;
    return 'rebuild';
  }

  /** Builds fresh indexes from every hash in Redis and swaps them in. */
  async rebuild(): Promise<void> {
    const startId = await this.store.lastChangeId();
    const started = Date.now();
    for (const kind of KINDS) {
      const fresh = this.indexes.create(kind);
      let loaded = 0;
      let lastLog = Date.now();
      metrics.indexRebuilding.set({ kind }, 1);
      metrics.indexRebuildLoaded.set({ kind }, 0);
      for await (const batch of this.store.scan(SCHEMAS[kind], this.options.rebuildBatch)) {
        await fresh.upsert(batch);
        loaded += batch.length;
        metrics.indexRebuildLoaded.set({ kind }, loaded);
        if (Date.now() - lastLog >= 2000) {
          lastLog = Date.now();
          this.log.info({ kind, loaded }, 'rebuilding index');
        }
      }
      this.indexes.replace(kind, fresh);
      metrics.indexRebuilding.set({ kind }, 0);
      metrics.indexSize.set({ kind }, fresh.size);
      this.log.info({ kind, memories: fresh.size }, 'index rebuilt');
    }
    this.lastId = startId;
    this.snapshotAt = 0; // write a snapshot of the fresh indexes soon
    this.log.info({ ms: Date.now() - started, position: startId }, 'indexes rebuilt from Redis');
  }

  /**
   * Rebuilds from Redis before the next read of the stream (e.g. after a failover, which may
   * have lost entries this index applied).
   */
  requestResync(reason: string): void {
    this.resyncReason = reason;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.connection.disconnect();
    await this.loopDone;
    // No change is applied any more: the snapshot covers exactly `position`.
    await this.writeSnapshot().catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not write the index snapshot at shutdown');
    });
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
  }

  /** Announces a write about to be made, so its entry is applied without reading Redis. */
  expect(writeToken: string, kind: MemoryKind, records: readonly MemoryRecord[]): void {
    this.hints.set(writeToken, { kind, records: new Map(records.map((r) => [r.id, r])) });
  }

  forget(writeToken: string): void {
    this.hints.delete(writeToken);
  }

  /** Resolves true once the entry is applied, false after `timeoutMs` or on stop. */
  waitFor(streamId: string, timeoutMs: number): Promise<boolean> {
    if (compareStreamIds(this.lastId, streamId) >= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        streamId,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private async loop(): Promise<void> {
    let checkGap = true;
    let backoffMs = 50;
    while (this.running) {
      try {
        if (this.resyncReason !== null) {
          this.log.warn({ reason: this.resyncReason }, 'resynchronising the index from Redis');
          this.resyncReason = null;
          await this.rebuild();
          checkGap = true;
        }
        if (
          this.options.snapshots !== null &&
          this.options.snapshotIntervalMs > 0 &&
          Date.now() - this.snapshotAt >= this.options.snapshotIntervalMs &&
          this.snapshotPosition !== this.lastId
        ) {
          await this.writeSnapshot();
        }
        if (checkGap) {
          const [held, newest] = await Promise.all([
            this.store.changesHeldSince(this.lastId),
            this.store.lastChangeId(),
          ]);
          if (compareStreamIds(newest, this.lastId) < 0) {
            // A failover lost entries this index applied (writes no replica had): start over.
            this.log.warn(
              { position: this.lastId, newest },
              'change stream lost entries: rebuilding',
            );
            await this.rebuild();
          } else if (!held) {
            this.log.warn(
              { position: this.lastId },
              'change stream trimmed past position: rebuilding',
            );
            await this.rebuild();
          }
          checkGap = false;
        }
        const entries = await this.store.readChanges(
          this.connection,
          this.lastId,
          this.options.blockMs,
          this.options.batchCount,
        );
        backoffMs = 50;
        if (entries.length === 0) continue;
        await this.apply(entries);
        this.lastId = entries[entries.length - 1]?.streamId ?? this.lastId;
        metrics.changeStreamLagSeconds.set(
          Math.max(0, Date.now() - Number(this.lastId.split('-')[0])) / 1000,
        );
        this.settleWaiters();
        if (entries.length >= this.options.batchCount) checkGap = true;
      } catch (error) {
        if (!this.running) break;
        this.log.warn({ err: error }, 'change follower: read failed, retrying');
        checkGap = true;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
  }

  /** Writes a snapshot of the indexes as of `position`, if it changed since the last one. */
  private async writeSnapshot(): Promise<void> {
    const snapshots = this.options.snapshots;
    if (snapshots === null || this.options.snapshotIntervalMs === 0) return;
    if (!this.loaded || this.snapshotPosition === this.lastId) return;
    const started = Date.now();
    const position = this.lastId;
    await snapshots.write(this.indexes, {
      datasetId: this.datasetId,
      position,
      writtenAt: started,
    });
    this.snapshotPosition = position;
    this.snapshotAt = Date.now();
    this.log.info({ ms: this.snapshotAt - started, position }, 'index snapshot written');
  }

  private settleWaiters(): void {
    const remaining: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (compareStreamIds(this.lastId, waiter.streamId) >= 0) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else {
        remaining.push(waiter);
      }
    }
    this.waiters = remaining;
  }

  /** Applies entries: the last entry touching an id decides what is done with it. */
  private async apply(entries: readonly ChangeEntry[]): Promise<void> {
    const actions = new Map<string, PendingAction>();
    for (const entry of entries) {
      if (entry.kind !== 'episodic' && entry.kind !== 'semantic') continue;
      const hint = this.hints.get(entry.writeToken);
      const kind: MemoryKind = entry.kind;
      for (const id of entry.ids) {
        const key = `${kind}\u0000${id}`;
        actions.delete(key);
        const record = hint?.kind === kind && entry.op === 'u' ? hint.records.get(id) : undefined;
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
      else if (action.record !== undefined) upserts.push(action.record);
      else if (action.op === 'a' && index.has(action.id)) attributeReads.push(action.id);
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
