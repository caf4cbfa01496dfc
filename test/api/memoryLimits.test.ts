import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { memoryClient, startApp, startRedis } from '../support/testApp.js';

const DIM = 8;
const MAX_BATCH = 1000;

const vector = { values: [1, 0.5, 0, 0, 0, 0, 0, 0] };

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

function values(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `v${i}`);
}

/** Limits on what one MemoryService request may ask for, checked before any work is done. */
describe('MemoryService request limits', () => {
  let redis: RedisProcess;
  let app: App;
  let client: ReturnType<typeof memoryClient>;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, {
      MNEMO_KEY_PREFIX: 'limits:',
      MNEMO_VECTOR_DIM: String(DIM),
      MNEMO_MAX_BATCH: String(MAX_BATCH),
    });
    client = memoryClient(app.port);
    await client.UpsertEpisodic({
      memories: [
        {
          agent_id: 'a',
          product_id: 'BTC-USD',
          regime: 'calm',
          state_vector: vector,
          reward: 1,
          timestamp: 1,
        },
      ],
    });
  });

  afterAll(async () => {
    client.close();
    await app.stop();
    await redis.stop();
  });

  /** A plain search still answers: the server kept serving. */
  async function stillServing(): Promise<void> {
    const { hits } = await client.SearchEpisodic({ vector, k: 1 });
    expect(hits).toHaveLength(1);
  }

  describe('values per filter field', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'SearchEpisodic agent_ids',
        () => client.SearchEpisodic({ vector, k: 1, filter: { agent_ids: values(1001) } }),
        'filter.agent_ids: has 1001 values, at most 1000 are allowed',
      ],
      [
        'SearchEpisodic product_ids',
        () => client.SearchEpisodic({ vector, k: 1, filter: { product_ids: values(1001) } }),
        'filter.product_ids: has 1001 values',
      ],
      [
        'BatchSearchEpisodic regimes',
        () =>
          client.BatchSearchEpisodic({
            searches: [{ vector, k: 1, filter: { regimes: values(1001) } }],
          }),
        'searches[0].filter.regimes: has 1001 values',
      ],
      [
        'RecentEpisodic agent_ids',
        () => client.RecentEpisodic({ filter: { agent_ids: values(1001) } }),
        'filter.agent_ids: has 1001 values',
      ],
      [
        'DeleteEpisodicByFilter agent_ids',
        () => client.DeleteEpisodicByFilter({ filter: { agent_ids: values(1001) } }),
        'filter.agent_ids: has 1001 values',
      ],
      [
        'SearchSemantic regime_names',
        () => client.SearchSemantic({ vector, k: 1, filter: { regime_names: values(1001) } }),
        'filter.regime_names: has 1001 values',
      ],
      [
        'SearchSemantic memory_types',
        () =>
          client.SearchSemantic({
            vector,
            k: 1,
            filter: { memory_types: Array.from({ length: 1001 }, () => 'MEMORY_TYPE_PATTERN') },
          }),
        'filter.memory_types: has 1001 values',
      ],
    ];
    for (const [what, call, message] of cases) {
      it(`refuses ${what} beyond MNEMO_MAX_BATCH with INVALID_ARGUMENT naming the field`, async () => {
        const error = await rejection(call());
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.details.startsWith(message)).toBe(true);
        await stillServing();
      });
    }

    it('refuses a million agent_ids, deleting nothing', async () => {
      const error = await rejection(
        client.DeleteEpisodicByFilter({ filter: { agent_ids: [...values(999_999), 'a'] } }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toBe('filter.agent_ids: has 1000000 values, at most 1000 are allowed');
      await stillServing();
    });

    it('accepts exactly MNEMO_MAX_BATCH values', async () => {
      const { hits } = await client.SearchEpisodic({
        vector,
        k: 1,
        filter: { agent_ids: [...values(999), 'a'] },
      });
      expect(hits).toHaveLength(1);
    });
  });
});
