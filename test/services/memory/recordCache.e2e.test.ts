import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app/App.js';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { metrics } from '../../../src/metrics/metrics.js';
import type { MnemoClient } from '../../../src/client/index.js';
import { testClient, startApp, startRedis } from '../../support/testApp.js';

const DIM = 8;

function vector(...head: number[]): { values: number[] } {
  const values = new Array<number>(DIM).fill(0.01);
  head.forEach((x, i) => (values[i] = x));
  return { values };
}

async function lookups(result: 'hit' | 'miss'): Promise<number> {
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
