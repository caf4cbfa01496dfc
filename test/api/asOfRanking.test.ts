import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { MnemoClient, Ranking } from '../../src/client/index.js';
import type { EpisodicHit__Output } from '../../src/generated/mnemo/v1/EpisodicHit.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import { rng } from '../../bench/lib/syntheticData.js';
import { startApp, startRedis, testClient } from '../support/testApp.js';

/** 2026-01-01T00:00:00Z: the simulated history, months before the real clock of any run. */
const DAY = 1_767_225_600;
const OUTCOME_ONLY: Ranking = { w_similarity: 0, w_outcome: 1, w_recency: 0, w_regime: 0 };
const QUERY = { values: [1, 0, 0, 0] };
const BT = { agent_ids: ['bt'] };

function episode(
  id: string,
  values: number[],
  reward: number,
  timestamp: number,
  outcomeKnownAt = timestamp,
): EpisodicMemory {
  return {
    id,
    agent_id: 'bt',
    product_id: 'BTC-USD',
    regime: 'calm',
    state_vector: { values },
    reward,
    timestamp,
    outcome_known_at: outcomeKnownAt,
  };
}

/** What a ranked answer says: order, scores and every term, as a backtest would read them. */
function ranked(hits: readonly EpisodicHit__Output[]) {
  return hits.map((h) => ({
    id: h.memory?.id,
    reward: h.memory?.reward,
    pending: h.outcome_pending,
    score: h.score,
    terms: h.explanation.map((t) => [t.name, t.value, t.normalized, t.contribution]),
  }));
}

function outcomeTerm(hit: EpisodicHit__Output) {
  const term = hit.explanation.find((t) => t.name === 'outcome');
  return { value: term?.value, normalized: term?.normalized };
}

describe('Ranked searches as of a past time', () => {
  let redis: RedisProcess;
  let app: App;
  let mnemo: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_VECTOR_DIM: '4', MNEMO_ASOF_RETENTION_MS: '0' });
    mnemo = testClient(app.port);
    // Known at once: a (0), b (1); c's reward of 10 is known only at DAY + 1000; d had -5 and is
    // revised to 8 at DAY + 2000; e happens at DAY + 3000.
    await mnemo.memory.upsertEpisodic({
      memories: [
        episode('a-near', [1, 0.05, 0, 0], 0, DAY),
        episode('b-mid', [1, 0.3, 0, 0], 1, DAY + 10),
        episode('c-far', [1, 0.6, 0, 0], 10, DAY + 20, DAY + 1000),
        episode('d-revised', [1, 0.45, 0, 0], -5, DAY + 30),
        episode('e-late', [1, 0.2, 0, 0], 3, DAY + 3000),
      ],
    });
    await mnemo.memory.upsertEpisodic({
      memories: [episode('d-revised', [1, 0.45, 0, 0], 8, DAY + 30, DAY + 2000)],
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    mnemo.close();
    await app.stop();
    await redis.stop();
  });

  const search = (asOf: number | undefined, extra: Partial<SearchEpisodicRequest> = {}) =>
    mnemo.memory.searchEpisodic({
      vector: QUERY,
      k: 5,
      filter: BT,
      ranking: OUTCOME_ONLY,
      explain: true,
      ...(asOf === undefined ? {} : { as_of: asOf }),
      ...extra,
    });

  it('scores by the rewards known then, normalised over the agent’s memories of then', async () => {
    const { hits } = await search(DAY + 100);
    // Known then: a 0, b 1, d -5 (range [-5, 1]); c pending; e not yet there.
    expect(hits.map((h) => h.memory?.id)).toEqual(['b-mid', 'a-near', 'c-far', 'd-revised']);
    expect(hits.map(outcomeTerm)).toEqual([
      { value: 1, normalized: 1 },
      { value: 0, normalized: 5 / 6 },
      { value: Number.NaN, normalized: 0.5 },
      { value: -5, normalized: 0 },
    ]);
    expect(hits.map((h) => h.outcome_pending)).toEqual([false, false, true, false]);
    expect(hits[2]?.memory?.reward).toBe(0);
    for (const hit of hits) {
      const sum = hit.explanation.reduce((total, t) => total + t.contribution, 0);
      expect(sum).toBeCloseTo(hit.score, 12);
    }
  });

  it('ranks a revised memory by the outcome it had then', async () => {
    const before = await search(DAY + 1500);
    expect(before.hits.map((h) => [h.memory?.id, h.memory?.reward])).toEqual([
      ['c-far', 10],
      ['b-mid', 1],
      ['a-near', 0],
      ['d-revised', -5],
    ]);
    expect(before.hits.map((h) => outcomeTerm(h).normalized)).toEqual([1, 6 / 15, 5 / 15, 0]);
    const after = await search(DAY + 2500);
    expect(after.hits.map((h) => [h.memory?.id, outcomeTerm(h).normalized])).toEqual([
      ['c-far', 1],
      ['d-revised', 0.8],
      ['b-mid', 0.1],
      ['a-near', 0],
    ]);
  });

  it('ranks through a reward filter by the outcome that passed it then', async () => {
    const { hits } = await search(DAY + 2500, { filter: { ...BT, reward: { min: 5 } } });
    expect(hits.map((h) => [h.memory?.id, h.memory?.reward])).toEqual([
      ['c-far', 10],
      ['d-revised', 8],
    ]);
    const earlier = await search(DAY + 1500, { filter: { ...BT, reward: { max: 0 } } });
    expect(earlier.hits.map((h) => [h.memory?.id, h.memory?.reward])).toEqual([
      ['a-near', 0],
      ['d-revised', -5],
    ]);
  });

  it('answers as the present once every outcome is known', async () => {
    const now = Math.floor(Date.now() / 1000);
    const present = await search(undefined);
    expect(ranked((await search(now)).hits)).toEqual(ranked(present.hits));
    expect(present.hits.map((h) => h.memory?.id)).toEqual([
      'c-far',
      'd-revised',
      'e-late',
      'b-mid',
      'a-near',
    ]);
  });

  it('answers a replayed day exactly as live, and never scores by a reward from the future', async () => {
    const next = rng(29);
    const vector = () => ({ values: Array.from({ length: 4 }, () => next() * 2 - 1) });
    const agents = ['replay-a', 'replay-b'];
    const regimes = ['calm', 'trending'];
    /** Every outcome each memory had, with when it was known. */
    const history = new Map<string, { knownAt: number; reward: number }[]>();
    const revisions = new Map<number, EpisodicMemory[]>();
    const ranking: Ranking = {
      w_similarity: 1,
      w_outcome: 1,
      w_recency: 0.5,
      recency_half_life_s: 3600,
      w_regime: 0.25,
      regime: 'calm',
    };
    const asked: { at: number; request: SearchEpisodicRequest }[] = [];
    const live: ReturnType<typeof ranked>[] = [];
    const start = DAY + 86_400;
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let step = 0; step < 40; step++) {
      const at = start + 600 * step;
      vi.setSystemTime(at * 1000);
      const memories = Array.from({ length: 4 }, (_, i): EpisodicMemory => {
        const id = `replay-${step}-${i}`;
        const delay = [0, 600, 1800, 3600][Math.floor(next() * 4)] ?? 0;
        const revised = delay > 0 && next() < 0.5;
        const reward = Math.round((next() * 2 - 1) * 100) / 100;
        const stored: EpisodicMemory = {
          id,
          agent_id: agents[i % 2] ?? '',
          product_id: 'BTC-USD',
          regime: regimes[Math.floor(next() * 2)] ?? '',
          state_vector: vector(),
          reward,
          timestamp: at,
          outcome_known_at: revised ? at : at + delay,
        };
        if (revised) {
          const final = Math.round((next() * 2 - 1) * 100) / 100;
          history.set(id, [
            { knownAt: at, reward },
            { knownAt: at + delay, reward: final },
          ]);
          const due = revisions.get(at + delay) ?? [];
          due.push({ ...stored, reward: final, outcome_known_at: at + delay });
          revisions.set(at + delay, due);
        } else {
          history.set(id, [{ knownAt: at + delay, reward }]);
        }
        return stored;
      });
      await mnemo.memory.upsertEpisodic({ memories: [...memories, ...(revisions.get(at) ?? [])] });
      for (const filter of [{ agent_ids: ['replay-a'] }, { agent_ids: agents }, {}]) {
        const request = { vector: vector(), k: 6, filter, ranking, explain: true };
        asked.push({ at, request });
        live.push(ranked((await mnemo.memory.searchEpisodic(request)).hits));
      }
      const rewarded = {
        vector: vector(),
        k: 4,
        filter: { agent_ids: agents, reward: { min: 0 } },
        ranking,
        explain: true,
      };
      asked.push({ at, request: rewarded });
      live.push(ranked((await mnemo.memory.searchEpisodic(rewarded)).hits));
    }
    vi.useRealTimers();

    let pendingSeen = 0;
    let revisedSeen = 0;
    for (const [i, { at, request }] of asked.entries()) {
      const replayed = ranked((await mnemo.memory.searchEpisodic({ ...request, as_of: at })).hits);
      expect({ at, i, replayed }).toEqual({ at, i, replayed: live[i] });
      for (const hit of replayed) {
        // The unfiltered searches also meet the earlier specs' memories, all known long before.
        const outcomes = history.get(hit.id ?? '');
        if (outcomes === undefined) continue;
        const knownThen = outcomes.filter((o) => o.knownAt <= at).pop();
        const term = hit.terms.find(([name]) => name === 'outcome');
        if (knownThen === undefined) {
          pendingSeen++;
          expect([hit.pending, term?.[1], term?.[2]]).toEqual([true, Number.NaN, 0.5]);
        } else {
          if (knownThen !== outcomes[outcomes.length - 1]) revisedSeen++;
          expect([hit.pending, hit.reward, term?.[1]]).toEqual([
            false,
            knownThen.reward,
            knownThen.reward,
          ]);
        }
      }
    }
    expect(pendingSeen).toBeGreaterThan(10);
    expect(revisedSeen).toBeGreaterThan(10);
  });
});
