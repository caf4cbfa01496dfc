import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { ChangeFollower } from '../../src/sync/ChangeFollower.js';
import { IndexSet } from '../../src/index/IndexSet.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';
import { MemoryStore } from '../../src/redis/MemoryStore.js';
import type { RedisAccess } from '../../src/redis/RedisAccess.js';
import { RedisKeys } from '../../src/redis/RedisKeys.js';
import { quietLog, startRedis } from '../support/testApp.js';

const DIM = 8;

function memory(id: string, agent: string, payload: string): MemoryRecord {
  const vector = new Float32Array(DIM).map((_, i) => (i === id.length % DIM ? 1 : 0.1));
  return {
    id,
    vector,
    tags: { agent_id: agent, product_id: 'BTC-USD', regime: 'r', terminal: 'false' },
    numbers: { reward: 0, timestamp: 1 },
    payload: Buffer.from(payload),
  };
}

/**
 * Two real Redis servers behind one RedisAccess: the master, and a "replica" that answers reads
 * with an older state (what a lagging replica does), so the test sees which one the follower read.
 */
describe('ChangeFollower', () => {
  let master: RedisProcess;
  let lagging: RedisProcess;
  let masterClient: Redis;
  let laggingClient: Redis;
  let streamClient: Redis;
  let follower: ChangeFollower;
  let indexes: IndexSet;
  let masterStore: MemoryStore;
  let laggingStore: MemoryStore;

  beforeAll(async () => {
    [master, lagging] = await Promise.all([startRedis(), startRedis()]);
    masterClient = new Redis(master.url);
    laggingClient = new Redis(lagging.url);
    streamClient = new Redis(master.url);
    const access: RedisAccess = {
      master: (operation) => operation(masterClient),
      read: (operation) => operation(laggingClient),
      replicatedWrite: (operation) => operation(masterClient),
    };
    const keys = new RedisKeys('follower-test:');
    masterStore = new MemoryStore(access, keys, { changeStreamMaxLen: 1000 });
    laggingStore = new MemoryStore(
      {
        master: (operation) => operation(laggingClient),
        read: (operation) => operation(laggingClient),
        replicatedWrite: (operation) => operation(laggingClient),
      },
      keys,
      { changeStreamMaxLen: 1000 },
    );
    // Both hold version 1 of m1 at the start.
    const first = memory('m1', 'agent-old', 'v1');
    await masterStore.upsert(EPISODIC_SCHEMA, [first], 'setup:1');
    await laggingStore.upsert(EPISODIC_SCHEMA, [first], 'setup:1');
    indexes = new IndexSet({
      dim: DIM,
      m: 8,
      efConstruction: 32,
      efRuntime: 16,
      exactSearchMaxCandidates: 100,
    });
    follower = new ChangeFollower(masterStore, streamClient, indexes, quietLog, {
      blockMs: 100,
      batchCount: 100,
      rebuildBatch: 100,
      snapshots: null,
      snapshotIntervalMs: 0,
      datasetCheckIntervalMs: 0,
    });
    await follower.load();
    follower.start();
  });

  afterAll(async () => {
    await follower.stop();
    for (const client of [masterClient, laggingClient, streamClient]) client.disconnect();
    await Promise.all([master.stop(), lagging.stop()]);
  });

  it('applies a change with the memory as the master holds it, not as a lagging replica does', async () => {
    // Written by another instance (no local hint): only the master has version 2 and m2.
    const second = memory('m1', 'agent-new', 'v2');
    const added = memory('m2', 'agent-new', 'v1');
    const written = await masterStore.upsert(EPISODIC_SCHEMA, [second, added], 'other:1');
    if (!('streamId' in written)) throw new Error('the unguarded upsert was refused');
    expect(await follower.waitFor(written.streamId, 5000)).toBe(true);
    const index = indexes.get('episodic');
    expect(index.isCurrent('m1', second)).toBe(true);
    // A replica without m2 yet must not make the follower drop it.
    expect(index.has('m2')).toBe(true);
    expect(index.isCurrent('m2', added)).toBe(true);
  });
});
