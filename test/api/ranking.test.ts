import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicHit__Output } from '../../src/generated/mnemo/v1/EpisodicHit.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { Ranking } from '../../src/generated/mnemo/v1/Ranking.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

const DIM = 4;
const NOW = Math.floor(Date.now() / 1000);

function episode(
  id: string,
  values: number[],
  reward: number,
  extra: Partial<EpisodicMemory> = {},
): EpisodicMemory {
  return {
    id,
    agent_id: 'rank-agent',
    product_id: 'BTC-USD',
    regime: 'calm',
    state_vector: { values },
    reward,
    timestamp: NOW,
    ...extra,
  };
}

/** Near the query with low rewards, farther with high ones. */
const KNOWN = [
  episode('near-1', [1, 0.05, 0, 0], 0),
  episode('near-2', [1, 0.1, 0, 0], 1),
  episode('far-1', [1, 0.5, 0, 0], 10),
  episode('far-2', [1, 0.6, 0, 0], 9),
  episode('farthest', [0, 1, 0, 0], 5),
];
const QUERY = { values: [1, 0, 0, 0] };
const AGENT = { agent_ids: ['rank-agent'] };

function sumOf(hit: EpisodicHit__Output): number {
  return hit.explanation.reduce((total, term) => total + term.contribution, 0);
}

describe('Ranked searches over gRPC', () => {
  let redis: RedisProcess;
  let app: App;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, {
      MNEMO_KEY_PREFIX: 'rank:',
      MNEMO_VECTOR_DIM: String(DIM),
      MNEMO_RANKING_W_SIMILARITY: '1',
      MNEMO_RANKING_W_OUTCOME: '0.75',
      MNEMO_RANKING_W_RECENCY: '0',
      MNEMO_RANKING_W_REGIME: '0.5',
      MNEMO_RANKING_W_SHARPE: '1',
      MNEMO_RANKING_W_WIN_RATE: '0',
    });
    client = testClient(app.port);
    await client.memory.upsertEpisodic({ memories: KNOWN });
  });

  afterAll(async () => {
    client.close();
    await app.stop();
    await redis.stop();
  });

  describe('SearchEpisodic', () => {
    it('ranks high-reward neighbours above closer low-reward ones, by score descending', async () => {
      const { hits } = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 4,
        filter: AGENT,
        ranking: { w_similarity: 1, w_outcome: 1, w_recency: 0, w_regime: 0 },
      });
      expect(hits.map((h) => h.memory?.id)).toEqual(['far-1', 'far-2', 'near-2', 'farthest']);
      const scores = hits.map((h) => h.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(hits[0]?.distance).toBeGreaterThan(hits[2]?.distance ?? Infinity);
    });

    it('orders by distance when outcome weighs nothing', async () => {
      const ranking: Ranking = { w_similarity: 1, w_outcome: 0, w_recency: 0, w_regime: 0 };
      const ranked = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 5,
        filter: AGENT,
        ranking,
      });
      const plain = await client.memory.searchEpisodic({ vector: QUERY, k: 5, filter: AGENT });
      expect(ranked.hits.map((h) => h.memory?.id)).toEqual(plain.hits.map((h) => h.memory?.id));
    });

    it('explains each hit with terms that sum to its score, only when asked', async () => {
      const ranking: Ranking = { w_outcome: 1, w_recency: 0.5, regime: 'calm' };
      const { hits } = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 5,
        filter: AGENT,
        ranking,
        explain: true,
      });
      expect(hits).toHaveLength(5);
      for (const hit of hits) {
        expect(hit.explanation.map((t) => t.name)).toEqual([
          'similarity',
          'outcome',
          'recency',
          'regime',
        ]);
        expect(sumOf(hit)).toBeCloseTo(hit.score, 12);
      }
      const unexplained = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 5,
        filter: AGENT,
        ranking,
      });
      expect(unexplained.hits.every((h) => h.explanation.length === 0 && h.score > 0)).toBe(true);
    });

    it('takes unset weights from the MNEMO_RANKING_* defaults and leaves weight-0 terms out', async () => {
      const { hits } = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 1,
        filter: AGENT,
        ranking: { regime: 'calm' },
        explain: true,
      });
      expect(hits[0]?.explanation.map((t) => [t.name, t.weight])).toEqual([
        ['similarity', 1],
        ['outcome', 0.75],
        ['regime', 0.5],
      ]);
    });

    it('gives unranked hits no score nor explanation', async () => {
      const { hits } = await client.memory.searchEpisodic({ vector: QUERY, k: 2, filter: AGENT });
      expect(hits.map((h) => [h.score, h.explanation.length])).toEqual([
        [0, 0],
        [0, 0],
      ]);
    });

    const invalid: [string, Ranking | null, boolean, string][] = [
      ['a negative weight', { w_outcome: -1 }, false, 'ranking.w_outcome: must be a finite'],
      ['a NaN weight', { w_similarity: NaN }, false, 'ranking.w_similarity: must be a finite'],
      ['an infinite weight', { w_regime: Infinity }, false, 'ranking.w_regime: must be a finite'],
      [
        'a zero half-life with recency weighed',
        { w_recency: 1, recency_half_life_s: 0 },
        false,
        'ranking.recency_half_life_s: must be a finite number above 0',
      ],
      [
        'a NaN half-life',
        { w_recency: 0, recency_half_life_s: NaN },
        false,
        'ranking.recency_half_life_s',
      ],
      [
        'no positive weight',
        { w_similarity: 0, w_outcome: 0, w_recency: 0, w_regime: 0 },
        false,
        'ranking: needs at least one positive weight',
      ],
      ['explain without ranking', null, true, 'explain: needs ranking'],
    ];
    for (const [what, ranking, explain, message] of invalid) {
      it(`rejects ${what} with INVALID_ARGUMENT naming the field`, async () => {
        const error = await failure(
          client.memory.searchEpisodic({ vector: QUERY, k: 1, ranking, explain }),
        );
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toContain(message);
      });
    }
  });

  describe('SearchEpisodic with as_of', () => {
    it('ranks without the outcome as of a past time', async () => {
      const asOf = Date.now() / 1000;
      const { hits } = await client.memory.searchEpisodic({
        vector: QUERY,
        k: 2,
        ranking: { w_outcome: 0 },
        as_of: asOf,
      });
      for (const hit of hits) expect(hit.score).toBeGreaterThan(0);
    });
  });

  describe('BatchSearchEpisodic', () => {
    it('ranks each search by its own ranking, or not at all', async () => {
      const { results } = await client.memory.batchSearchEpisodic({
        searches: [
          { vector: QUERY, k: 2, filter: AGENT, ranking: { w_outcome: 1 }, explain: true },
          { vector: QUERY, k: 2, filter: AGENT },
          { vector: QUERY, k: 2, filter: AGENT, ranking: { w_outcome: 0, w_regime: 0 } },
        ],
      });
      expect(results.map((r) => r.hits.map((h) => h.memory?.id))).toEqual([
        ['far-1', 'far-2'],
        ['near-1', 'near-2'],
        ['near-1', 'near-2'],
      ]);
      for (const hit of results[0]?.hits ?? []) expect(sumOf(hit)).toBeCloseTo(hit.score, 12);
    });

    it('names the search of an invalid ranking', async () => {
      const error = await failure(
        client.memory.batchSearchEpisodic({
          searches: [
            { vector: QUERY, k: 1 },
            { vector: QUERY, k: 1, ranking: { w_similarity: -2 } },
          ],
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('searches[1].ranking.w_similarity');
    });
  });

  describe('SearchSemantic', () => {
    it('ranks by Sharpe ratio, win rate and access recency as weighed', async () => {
      const concept = (id: string, sharpe: number, winRate: number, lastAccessed: number) => ({
        id,
        concept_vector: { values: [0, 0, 1, 0] },
        memory_type: 'MEMORY_TYPE_PATTERN' as const,
        regime_name: 'r',
        sharpe_ratio: sharpe,
        win_rate: winRate,
        last_accessed: lastAccessed,
      });
      await client.memory.upsertSemantic({
        memories: [
          concept('best-sharpe', 3, 0.1, 0),
          concept('best-win-rate', -1, 0.9, NOW - 86_400),
          concept('latest', 1, 0.5, NOW),
        ],
      });
      const order = async (ranking: object) =>
        (
          await client.memory.searchSemantic({
            vector: { values: [0, 0, 1, 0] },
            k: 3,
            ranking,
            explain: true,
          })
        ).hits.map((h) => h.memory?.id);
      expect(await order({ w_sharpe: 1, w_win_rate: 0, w_recency: 0 })).toEqual([
        'best-sharpe',
        'latest',
        'best-win-rate',
      ]);
      expect(await order({ w_sharpe: 0, w_win_rate: 1, w_recency: 0 })).toEqual([
        'best-win-rate',
        'latest',
        'best-sharpe',
      ]);
      expect(
        await order({ w_sharpe: 0, w_win_rate: 0, w_recency: 1, recency_half_life_s: 3600 }),
      ).toEqual(['latest', 'best-win-rate', 'best-sharpe']);
      const { hits } = await client.memory.searchSemantic({
        vector: { values: [0, 0, 1, 0] },
        k: 3,
        ranking: { w_win_rate: 0.5, w_recency: 0.25 },
        explain: true,
      });
      for (const hit of hits) {
        const sum = hit.explanation.reduce((total, t) => total + t.contribution, 0);
        expect(sum).toBeCloseTo(hit.score, 12);
      }
      expect(hits[0]?.explanation.map((t) => t.name)).toEqual([
        'similarity',
        'sharpe',
        'win_rate',
        'recency',
      ]);
    });

    it('rejects a negative weight naming the field', async () => {
      const error = await failure(
        client.memory.searchSemantic({
          vector: { values: [0, 0, 1, 0] },
          k: 1,
          ranking: { w_sharpe: -1 },
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('ranking.w_sharpe');
    });
  });
});
