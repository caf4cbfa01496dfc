import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind, type MemoryRecord } from '../model/MemoryRecord.js';
import type { MemoryStore } from '../redis/MemoryStore.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { IndexSnapshots } from './IndexSnapshots.js';
import { compareStreamIds } from '../redis/streamIds.js';
import { ChangeApplier } from './ChangeApplier.js';
import { IndexRepairer } from './IndexRepairer.js';
import { rebuildIndexes } from './rebuild.js';
import { Serial } from './Serial.js';
import { verifySnapshot } from './verifySnapshot.js';

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
  /**
   * How often the follower asks Redis whether the dataset was reset behind it (its id gone or
   * another, e.g. FLUSHALL) or the stream lost what it applied; 0: only after read errors.
   */
  datasetCheckIntervalMs: number;
  /** Told when a dataset reset empties the indexes for a rebuild, and when they are ready again. */
  onReset?: { rebuilding(): void; ready(): void };
}

interface Waiter {
  streamId: string;
  resolve: (applied: boolean) => void;
  timer: NodeJS.Timeout;
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
  private readonly applier: ChangeApplier;
  /** One change to the indexes at a time: entries applied, rebuilds, repairs. */
  private readonly serial = new Serial();
  private checkedAt = Date.now();
  /** A reset's rebuild is under way or failed: it is retried before anything else. */
  private resetting = false;
  /** Drops memories Redis lost without a change entry (see IndexRepairer). */
  readonly repairer: IndexRepairer;

  constructor(
    private readonly store: MemoryStore,
    private readonly connection: Redis,
    private readonly indexes: IndexSet,
    private readonly log: Logger,
    private readonly options: FollowerOptions,
  ) {
    this.applier = new ChangeApplier(store, indexes);
    this.repairer = new IndexRepairer(store, indexes, this.serial, log);
    for (const reason of ['dataset_reset', 'stream_gap', 'master_change']) {
      metrics.indexResyncs.inc({ reason }, 0);
    }
  }

  /** Id of the last change entry applied. */
  get position(): string {
    return this.lastId;
  }

  /**
   * Loads the snapshot if it is intact (see IndexSnapshots.read), of this dataset, every change
   * since it is still in the stream and a sample of its memories agrees with Redis (see
   * verifySnapshot), then resumes from its position; otherwise rebuilds from Redis. Either way
   * it then applies every change entry the stream holds by then, so that the indexes it resolves
   * with are as new as Redis was when it was called (nothing older is served).
   */
  async load(): Promise<'snapshot' | 'rebuild'> {
    this.datasetId = await this.store.datasetId();
    const started = Date.now();
    const leftovers = (await this.options.snapshots?.recover()) ?? [];
    if (leftovers.length > 0) {
      this.log.info({ removed: leftovers }, 'removed what interrupted snapshot writes left');
    }
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
      const wrong = stale === null ? await verifySnapshot(this.store, snapshot) : null;
      if (stale === null && wrong === null) {
        this.indexes.replace('episodic', snapshot.indexes.episodic);
        this.indexes.replace('semantic', snapshot.indexes.semantic);
        this.lastId = position;
        this.snapshotPosition = position;
        for (const kind of KINDS) metrics.indexSize.set({ kind }, this.indexes.get(kind).size);
        this.log.info(
          { ms: Date.now() - started, position, memories: snapshot.indexes.episodic.size },
          'index loaded from snapshot; replaying the changes since',
        );
        await this.catchUp();
        this.loaded = true;
        return 'snapshot';
      }
      if (stale !== null) this.log.warn({ reason: stale }, 'index snapshot is stale: rebuilding');
      else this.log.warn({ reason: wrong }, 'index snapshot disagrees with Redis: rebuilding');
    }
    await this.rebuild();
    await this.catchUp();
    this.loaded = true;
    return 'rebuild';
  }

  /** Applies every change entry up to the newest one in the stream now (before serving). */
  private async catchUp(): Promise<void> {
    const target = await this.store.lastChangeId();
    let applied = 0;
    while (compareStreamIds(this.lastId, target) < 0) {
      const read = await this.readAndApply(1);
      if (read === 0) break;
      applied += read;
    }
    if (applied > 0) this.log.info({ entries: applied, position: this.lastId }, 'caught up');
  }

  /**
   * Reads the change entries after `position` (waiting up to `blockMs` for the first), applies
   * them in the indexes' serial turn and moves `position` past them; returns how many.
   */
  private async readAndApply(blockMs: number): Promise<number> {
    const entries = await this.store.readChanges(
      this.connection,
      this.lastId,
      blockMs,
      this.options.batchCount,
    );
    if (entries.length === 0) return 0;
    await this.serial.run(() => this.applier.apply(entries));
    this.lastId = entries[entries.length - 1]?.streamId ?? this.lastId;
    return entries.length;
  }

  /** Builds fresh indexes from every hash in Redis and swaps them in. */
  async rebuild(): Promise<void> {
    this.lastId = await this.serial.run(() =>
      rebuildIndexes(this.store, this.indexes, this.options.rebuildBatch, this.log),
    );
    this.snapshotAt = 0; // write a snapshot of the fresh indexes soon
    this.settleWaiters();
  }

  /** Memories a read found missing in Redis although the index holds them: checked, dropped. */
  reportMissing(kind: MemoryKind, ids: readonly string[]): void {
    for (const id of ids) this.repairer.suspect(kind, id, 'read');
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
    this.applier.expect(writeToken, kind, records);
  }

  forget(writeToken: string): void {
    this.applier.forget(writeToken);
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
          metrics.indexResyncs.inc({ reason: 'master_change' });
          await this.rebuild();
          checkGap = true;
        }
        if (
          this.resetting ||
          (this.options.datasetCheckIntervalMs > 0 &&
            Date.now() - this.checkedAt >= this.options.datasetCheckIntervalMs)
        ) {
          this.checkedAt = Date.now();
          if (await this.datasetWasReset()) continue;
          checkGap = true;
        }
        if (
          this.options.snapshots !== null &&
          this.options.snapshotIntervalMs > 0 &&
          Date.now() - this.snapshotAt >= this.options.snapshotIntervalMs &&
          this.snapshotPosition !== this.lastId
        ) {
          // A snapshot is an optimisation of restarts: failing to write one never stops changes
          // from being applied; it is tried again an interval later.
          await this.writeSnapshot().catch((error: unknown) => {
            this.snapshotAt = Date.now();
            this.log.warn({ err: error }, 'could not write the index snapshot: retrying later');
          });
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
            metrics.indexResyncs.inc({ reason: 'stream_gap' });
            await this.rebuild();
          } else if (!held) {
            this.log.warn(
              { position: this.lastId },
              'change stream trimmed past position: rebuilding',
            );
            metrics.indexResyncs.inc({ reason: 'stream_gap' });
            await this.rebuild();
          }
          checkGap = false;
        }
        const read = await this.readAndApply(this.options.blockMs);
        backoffMs = 50;
        if (read === 0) continue;
        metrics.changeStreamLagSeconds.set(
          Math.max(0, Date.now() - Number(this.lastId.split('-')[0])) / 1000,
        );
        this.settleWaiters();
        if (read >= this.options.batchCount) checkGap = true;
      } catch (error) {
        if (!this.running) break;
        this.log.warn({ err: error }, 'change follower: read failed, retrying');
        checkGap = true;
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
  }

  /**
   * Whether the dataset was reset behind mnemo (FLUSHALL, FLUSHDB, its id deleted or replaced by
   * another instance that saw the reset first); if so, empties the indexes (nothing deleted is
   * answered), rebuilds them from Redis under the new dataset id and returns true. MemoryService
   * is NOT_SERVING meanwhile (onReset), as at start.
   */
  private async datasetWasReset(): Promise<boolean> {
    const current = await this.store.currentDatasetId();
    if (current === this.datasetId && !this.resetting) return false;
    this.resetting = true;
    this.log.warn(
      { reason: current === null ? 'its id is gone (FLUSHALL, FLUSHDB or DEL)' : 'a new id' },
      'the Redis dataset was reset behind mnemo: rebuilding the index, NOT_SERVING meanwhile',
    );
    metrics.indexResyncs.inc({ reason: 'dataset_reset' });
    this.options.onReset?.rebuilding();
    await this.serial.run(() => {
      for (const kind of KINDS) {
        this.indexes.replace(kind, this.indexes.create(kind));
        metrics.indexSize.set({ kind }, 0);
      }
      return Promise.resolve();
    });
    this.datasetId = await this.store.datasetId();
    await this.rebuild();
    this.resetting = false;
    this.options.onReset?.ready();
    return true;
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
}
