import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import { clusteredVectors } from '../../bench/lib/syntheticData.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';

const DIM = 8;
const env = { MNEMO_KEY_PREFIX: 'twin:', MNEMO_CHANGE_STREAM_MAX_LEN: '1000' };

function memories(n: number, offset = 0): EpisodicMemory[] {
  return clusteredVectors(n, DIM, 5, 11 + offset).map((v, i) => ({
    id: `m-${offset + i}`,
    agent_id: `agent-${i % 4}`,
    state_vector: { values: Array.from(v) },
    reward: i % 10,
    timestamp: 1000 + i,
  }));
}

describe('several mnemo instances on one Redis', () => {
  let redis: RedisProcess;
  let first: App;
  let second: App;
  let a: MnemoClient;
  let b: MnemoClient;
  const queries = clusteredVectors(10, DIM, 5, 99).map((v) => ({ values: Array.from(v) }));

  async function answers(client: MnemoClient, filter = {}): Promise<string[][]> {
    const results = await Promise.all(
      queries.map((vector) => client.memory.searchEpisodic({ vector, k: 10, filter })),
    );
    return results.map((r) => r.hits.map((h) => h.memory?.id ?? ''));
  }

  beforeAll(async () => {
    redis = await startRedis();
    first = await startApp(redis, env);
    a = testClient(first.port);
    await a.memory.upsertEpisodic({ memories: memories(500) });
    second = await startApp(redis, env);
    b = testClient(second.port);
  });

  afterAll(async () => {
    a.close();
    b.close();
    await first.stop();
    await second.stop();
    await redis.stop();
  });

  it('a new instance rebuilds its index from Redis and answers alike', async () => {
    expect(second.indexes.get('episodic').size).toBe(500);
    expect(await answers(b)).toEqual(await answers(a));
    expect(await answers(b, { agent_ids: ['agent-1'] })).toEqual(
      await answers(a, { agent_ids: ['agent-1'] }),
    );
  });

  it('follows the other instance’s writes and deletes through the change stream', async () => {
    const probe = { values: [0, 0, 0, 0, 0, 0, 0, 1] };
    await a.memory.upsertEpisodic({
      memories: [{ id: 'fresh', agent_id: 'x', state_vector: probe }],
    });
    await vi.waitFor(async () => {
      const { hits } = await b.memory.searchEpisodic({ vector: probe, k: 1 });
      expect(hits[0]?.memory?.id).toBe('fresh');
    });
    await b.memory.deleteEpisodic({ ids: ['fresh'] });
    await vi.waitFor(async () => {
      const { hits } = await a.memory.searchEpisodic({ vector: probe, k: 1 });
      expect(hits[0]?.memory?.id).not.toBe('fresh');
    });
    await a.memory.upsertEpisodic({ memories: memories(50, 1000) });
    await vi.waitFor(async () => {
      expect(await answers(b)).toEqual(await answers(a));
    });
  });

  it('keeps the change stream bounded', async () => {
    for (let i = 0; i < 1200; i += 1) {
      await a.memory.upsertEpisodic({ memories: memories(1, 5000 + i) });
    }
    const raw = new Redis(redis.url);
    const length = await raw.xlen('twin:mnemo:changes');
    raw.disconnect();
    expect(length).toBeLessThanOrEqual(1000 + 200);
    await vi.waitFor(() => {
      expect(second.indexes.get('episodic').size).toBe(first.indexes.get('episodic').size);
    });
  });

  it('a restart rebuilds the index and answers as before', async () => {
    const before = await answers(a, { agent_ids: ['agent-2'] });
    const size = first.indexes.get('episodic').size;
    a.close();
    await first.stop();
    first = await startApp(redis, env);
    a = testClient(first.port);
    expect(first.indexes.get('episodic').size).toBe(size);
    expect(await answers(a, { agent_ids: ['agent-2'] })).toEqual(before);
  });
});
