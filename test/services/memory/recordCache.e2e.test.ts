import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app/App.js';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { metrics } from '../../../src/metrics/metrics.js';
import { RedisKeys } from '../../../src/redis/RedisKeys.js';
import type { MnemoClient } from '../../../src/client/index.js';
import { testClient, startApp, startRedis } from '../../support/testApp.js';

const DIM = 8;

function vector(...head: number[]): { values: number[] } {
  const values = new Array<number>(DIM).fill(0.01);
  head.forEach((x, i) => (values[i] = x));
  return { values };
}

async function lookups(result: 'hit' | 'index' | 'miss'): Promise<number> {
  const values = (await metrics.recordCacheLookups.get()).values;
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('Search hits from the record cache', () => {
  let redis: RedisProcess;
  let app: App;
  let other: App;
  let client: MnemoClient;
  let otherClient: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_KEY_PREFIX: 'rc:', MNEMO_RESULT_CACHE_TTL_MS: '0' });
    other = await startApp(redis, { MNEMO_KEY_PREFIX: 'rc:' });
    client = testClient(app.port);
    otherClient = testClient(other.port);
  });

  afterAll(async () => {
    client.close();
    otherClient.close();
    await Promise.all([app.stop(), other.stop()]);
    await redis.stop();
  });

  it('serves a repeated search from the cache, and the same answer as Redis gave', async () => {
    await client.memory.upsertEpisodic({
      memories: [1, 2, 3].map((i) => ({
        id: `hot-${i}`,
        agent_id: 'hot',
        state_vector: vector(1, i / 10),
        reward: i,
        payload: Buffer.from(`payload ${i}`),
      })),
    });
    const search = () =>
      client.memory.searchEpisodic({
        vector: vector(1, 0.2),
        k: 3,
        filter: { agent_ids: ['hot'] },
      });
    const first = await search();
    const hits = await lookups('hit');
    const second = await search();
    expect(await lookups('hit')).toBe(hits + 3);
    expect(second.hits).toEqual(first.hits);
    expect(second.hits.map((h) => h.memory?.payload?.toString()).sort()).toEqual([
      'payload 1',
      'payload 2',
      'payload 3',
    ]);
  });

  it('answers with the new version once a change is applied, payload-only changes included', async () => {
    const memory = (payload: string) => ({
      id: 'changing',
      agent_id: 'changing',
      state_vector: vector(0.3, 1),
      reward: 0.5,
      payload: Buffer.from(payload),
    });
    const search = async (target: typeof client) =>
      (
        await target.memory.searchEpisodic({
          vector: vector(0.3, 1),
          k: 1,
          filter: { agent_ids: ['changing'] },
        })
      ).hits[0]?.memory?.payload?.toString();
    await client.memory.upsertEpisodic({ memories: [memory('first')] });
    expect(await search(client)).toBe('first');
    const hits = await lookups('hit');
    expect(await search(client)).toBe('first');
    expect(await lookups('hit')).toBe(hits + 1); // served from the cache
    // Same vector and attributes, new payload, written through the other instance.
    await otherClient.memory.upsertEpisodic({ memories: [memory('second')] });
    await expect.poll(() => search(client), { timeout: 5000 }).toBe('second');
    // And through this one: read-your-writes holds with the cache on.
    await client.memory.upsertEpisodic({ memories: [memory('third')] });
    expect(await search(client)).toBe('third');
    await client.memory.deleteEpisodic({ ids: ['changing'] });
    expect(await search(client)).toBeUndefined();
  });

  it('keeps touched access counts current across searches', async () => {
    await client.memory.upsertSemantic({
      memories: [
        {
          id: 'touched',
          concept_vector: vector(0.5, 0.5, 1),
          memory_type: 'MEMORY_TYPE_PATTERN',
          regime_name: 'cache-touch',
          access_count: 0,
        },
      ],
    });
    const touch = async () =>
      (
        await client.memory.searchSemantic({
          vector: vector(0.5, 0.5, 1),
          k: 1,
          filter: { regime_names: ['cache-touch'] },
          touch: true,
        })
      ).hits[0]?.memory?.access_count;
    expect(await touch()).toBe(1);
    expect(await touch()).toBe(2);
    const plain = await client.memory.searchSemantic({
      vector: vector(0.5, 0.5, 1),
      k: 1,
      filter: { regime_names: ['cache-touch'] },
    });
    expect(plain.hits[0]?.memory?.access_count).toBe(2);
  });
});

describe('Search hits the index holds whole', () => {
  let redis: RedisProcess;
  let raw: Redis;
  let app: App;
  let fromRedis: App;
  let client: MnemoClient;
  let redisClient: MnemoClient;
  const PREFIX = 'held:';

  beforeAll(async () => {
    // Removals published: the index hears of a DEL at once, so it may answer whole memories.
    redis = await startRedis(['--notify-keyspace-events', 'Egxe']);
    raw = new Redis(redis.url);
    const env = { MNEMO_KEY_PREFIX: PREFIX, MNEMO_RESULT_CACHE_TTL_MS: '0' };
    app = await startApp(redis, env);
    // Reads every hit from Redis: neither cache nor payloads in the index.
    fromRedis = await startApp(redis, {
      ...env,
      MNEMO_RECORD_CACHE_MAX_BYTES: '0',
      MNEMO_INDEX_PAYLOAD_MAX_BYTES: '0',
    });
    client = testClient(app.port);
    redisClient = testClient(fromRedis.port);
  });

  afterAll(async () => {
    client.close();
    redisClient.close();
    raw.disconnect();
    await Promise.all([app.stop(), fromRedis.stop()]);
    await redis.stop();
  });

  const search = (target: MnemoClient, agent: string, k: number) =>
    target.memory.searchEpisodic({ vector: vector(1, 0.3), k, filter: { agent_ids: [agent] } });

  it('answers first reads from the index with what Redis holds, larger payloads from Redis', async () => {
    const payloads = ['', 'small', 'x'.repeat(256), 'y'.repeat(257)];
    await client.memory.upsertEpisodic({
      memories: payloads.map((payload, i) => ({
        id: `whole-${i}`,
        agent_id: 'whole',
        product_id: i % 2 === 0 ? 'BTC-USD' : '',
        regime: 'trending',
        state_vector: vector(1, i / 10),
        reward: i - 1.5,
        timestamp: 1_700_000_000 + i,
        terminal: i === 3,
        payload: Buffer.from(payload),
      })),
    });
    const [index, miss] = [await lookups('index'), await lookups('miss')];
    const answer = await search(client, 'whole', 4);
    expect(await lookups('index')).toBe(index + 3);
    expect(await lookups('miss')).toBe(miss + 1);
    expect(answer.hits).toHaveLength(4);
    await expect
      .poll(async () => (await search(redisClient, 'whole', 4)).hits)
      .toEqual(answer.hits);
  });

  it('stops answering a memory deleted behind its back once Redis reports it', async () => {
    await client.memory.upsertEpisodic({
      memories: [1, 2].map((i) => ({
        id: `doomed-${i}`,
        agent_id: 'doomed',
        state_vector: vector(1, i / 10),
      })),
    });
    expect((await search(client, 'doomed', 2)).hits).toHaveLength(2);
    await raw.del(new RedisKeys(PREFIX).memory('episodic', 'doomed-1'));
    await expect
      .poll(async () => (await search(client, 'doomed', 2)).hits.map((h) => h.memory?.id))
      .toEqual(['doomed-2']);
  });
});
