import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

const DIM = 4096;
const MAX_BATCH = 5000;
const MAX_K = 100_000;
const OVER = MAX_BATCH + 1;

const vector = { f32le: Buffer.from(new Float32Array(DIM).fill(0.5).buffer) };

function values(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `v${i}`);
}

/** Limits on what one MemoryService request may ask for, checked before any work is done. */
describe('MemoryService request limits', () => {
  let redis: RedisProcess;
  let app: App;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, {
      MNEMO_KEY_PREFIX: 'limits:',
      MNEMO_VECTOR_DIM: String(DIM),
      MNEMO_MAX_BATCH: String(MAX_BATCH),
      MNEMO_MAX_K: String(MAX_K),
    });
    client = testClient(app.port);
    await client.memory.upsertEpisodic({
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
    const { hits } = await client.memory.searchEpisodic({ vector, k: 1 });
    expect(hits).toHaveLength(1);
  }

  describe('values per filter field', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'SearchEpisodic agent_ids',
        () => client.memory.searchEpisodic({ vector, k: 1, filter: { agent_ids: values(OVER) } }),
        `filter.agent_ids: has ${OVER} values, at most ${MAX_BATCH} are allowed`,
      ],
      [
        'SearchEpisodic product_ids',
        () => client.memory.searchEpisodic({ vector, k: 1, filter: { product_ids: values(OVER) } }),
        `filter.product_ids: has ${OVER} values`,
      ],
      [
        'BatchSearchEpisodic regimes',
        () =>
          client.memory.batchSearchEpisodic({
            searches: [{ vector, k: 1, filter: { regimes: values(OVER) } }],
          }),
        `searches[0].filter.regimes: has ${OVER} values`,
      ],
      [
        'RecentEpisodic agent_ids',
        () => client.memory.recentEpisodic({ filter: { agent_ids: values(OVER) } }),
        `filter.agent_ids: has ${OVER} values`,
      ],
      [
        'DeleteEpisodicByFilter agent_ids',
        () => client.memory.deleteEpisodicByFilter({ filter: { agent_ids: values(OVER) } }),
        `filter.agent_ids: has ${OVER} values`,
      ],
      [
        'SearchSemantic regime_names',
        () =>
          client.memory.searchSemantic({ vector, k: 1, filter: { regime_names: values(OVER) } }),
        `filter.regime_names: has ${OVER} values`,
      ],
      [
        'SearchSemantic memory_types',
        () =>
          client.memory.searchSemantic({
            vector,
            k: 1,
            filter: { memory_types: Array.from({ length: OVER }, () => 'MEMORY_TYPE_PATTERN') },
          }),
        `filter.memory_types: has ${OVER} values`,
      ],
    ];
    for (const [what, call, message] of cases) {
      it(`refuses ${what} beyond MNEMO_MAX_BATCH with INVALID_ARGUMENT naming the field`, async () => {
        const error = await failure(call());
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message.startsWith(message)).toBe(true);
        await stillServing();
      });
    }

    it('refuses a million agent_ids, deleting nothing', async () => {
      const error = await failure(
        client.memory.deleteEpisodicByFilter({ filter: { agent_ids: [...values(999_999), 'a'] } }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toBe(
        `filter.agent_ids: has 1000000 values, at most ${MAX_BATCH} are allowed`,
      );
      await stillServing();
    });

    it('accepts exactly MNEMO_MAX_BATCH values', async () => {
      const { hits } = await client.memory.searchEpisodic({
        vector,
        k: 1,
        filter: { agent_ids: [...values(MAX_BATCH - 1), 'a'] },
      });
      expect(hits).toHaveLength(1);
    });
  });

  describe('answer size', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'BatchSearchEpisodic of 100 searches of k 1000 with vectors',
        () =>
          client.memory.batchSearchEpisodic({
            searches: Array.from({ length: 100 }, () => ({
              vector,
              k: 1000,
              include_vectors: true,
            })),
          }),
        'searches',
      ],
      [
        'BatchSearchEpisodic of 10 searches of k 100000 without vectors',
        () =>
          client.memory.batchSearchEpisodic({
            searches: Array.from({ length: 10 }, () => ({ vector, k: MAX_K })),
          }),
        'searches',
      ],
      [
        'SearchEpisodic of k 5000 with vectors',
        () => client.memory.searchEpisodic({ vector, k: 5000, include_vectors: true }),
        'k',
      ],
      [
        'SearchSemantic of k 5000 with vectors',
        () => client.memory.searchSemantic({ vector, k: 5000, include_vectors: true }),
        'k',
      ],
      [
        'GetEpisodic of 5000 ids with vectors',
        () => client.memory.getEpisodic({ ids: values(5000), include_vectors: true }),
        'ids',
      ],
      [
        'GetSemantic of 5000 ids with vectors',
        () => client.memory.getSemantic({ ids: values(5000), include_vectors: true }),
        'ids',
      ],
    ];
    for (const [what, call, field] of cases) {
      it(`refuses ${what} before searching, with INVALID_ARGUMENT naming ${field}`, async () => {
        const error = await failure(call());
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toMatch(new RegExp(`^${field}: asks for up to \\d+ memories`));
        expect(error.message).toContain('67108864 bytes an answer may hold');
        await stillServing();
      });
    }

    it('answers requests whose worst case fits in 64 MiB', async () => {
      const near = await client.memory.searchEpisodic({ vector, k: 4000, include_vectors: true });
      expect(near.hits).toHaveLength(1);
      const wide = await client.memory.searchEpisodic({ vector, k: MAX_K });
      expect(wide.hits).toHaveLength(1);
      const got = await client.memory.getEpisodic({ ids: values(1000), include_vectors: true });
      expect(got.memories).toHaveLength(0);
    });
  });
});
