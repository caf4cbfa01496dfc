import { describe, expect, it } from 'vitest';
import { ClusteredData, cosineDistance } from '../../bench/lib/syntheticData.js';
import { MemoryIndex } from '../../src/index/MemoryIndex.js';
import { registry } from '../../src/metrics/metrics.js';
import { EMPTY_FILTER, type MemoryFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA, SEMANTIC_SCHEMA } from '../../src/model/MemorySchema.js';
import type { Ranking, RankTerm } from '../../src/model/Ranking.js';

const DIM = 4;
const OPTIONS = {
  dim: DIM,
  m: 8,
  efConstruction: 64,
  efRuntime: 32,
  exactSearchMaxCandidates: 100,
};
const NOW = 1_700_000_000;

function episode(
  id: string,
  vector: number[],
  reward: number,
  extra: { agent?: string; regime?: string; timestamp?: number } = {},
): MemoryRecord {
  return {
    id,
    vector: Float32Array.from(vector),
    tags: {
      agent_id: extra.agent ?? 'a',
      product_id: 'p',
      regime: extra.regime ?? 'calm',
      terminal: 'false',
    },
    numbers: { reward, timestamp: extra.timestamp ?? NOW },
    payload: Buffer.alloc(0),
  };
}

const outcome = (weight: number): RankTerm => ({
  kind: 'minmax',
  name: 'outcome',
  weight,
  field: 'reward',
  groupBy: 'agent_id',
});
const recency = (weight: number, halfLifeS: number): RankTerm => ({
  kind: 'decay',
  name: 'recency',
  weight,
  field: 'timestamp',
  halfLifeS,
  nowS: NOW,
  zeroIsNever: false,
});
const regime = (weight: number, value: string): RankTerm => ({
  kind: 'match',
  name: 'regime',
  weight,
  field: 'regime',
  value,
});

function ranking(similarityWeight: number, terms: RankTerm[], explain = true): Ranking {
  return { similarityWeight, terms, explain };
}

function query(vector: number[], k: number, rank?: Ranking, filter: MemoryFilter = EMPTY_FILTER) {
  return {
    vector: Float32Array.from(vector),
    k,
    filter,
    efRuntime: 0,
    exact: false,
    ...(rank === undefined ? {} : { ranking: rank }),
  };
}

/** Near the query with low rewards, farther with high ones (agent a); known answers below. */
const KNOWN = [
  episode('near-1', [1, 0.05, 0, 0], 0),
  episode('near-2', [1, 0.1, 0, 0], 1),
  episode('far-1', [1, 0.5, 0, 0], 10),
  episode('far-2', [1, 0.6, 0, 0], 9),
  episode('farthest', [0, 1, 0, 0], 5),
];

describe('MemoryIndex ranked search', () => {
  it('ranks high-reward neighbours above closer low-reward ones at the weights given', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert(KNOWN);
    const [hits] = await index.searchMany([query([1, 0, 0, 0], 4, ranking(1, [outcome(1)]))]);
    // far-1: 0.947 + 1; far-2: 0.929 + 0.9; near-2: 0.998 + 0.1; farthest: 0.5 + 0.5; near-1: 0.999 + 0.
    expect(hits?.map((h) => h.id)).toEqual(['far-1', 'far-2', 'near-2', 'farthest']);
    const scores = hits?.map((h) => h.score ?? 0) ?? [];
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('counts its ranked searches and the memories it scored beyond the neighbours', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    // Four close memories with low rewards; 40 far ones whose reward alone could win.
    const close = [0, 1, 2, 3].map((i) => episode(`close-${i}`, [1, 0.01 * i, 0, 0], 0));
    const far = Array.from({ length: 40 }, (_, i) => episode(`far-${i}`, [0, 1, 0.01 * i, 0], 10));
    await index.upsert([...close, ...far]);
    const count = async (name: string): Promise<number> => {
      const metric = registry.getSingleMetric(name);
      const values = (await metric?.get())?.values ?? [];
      return values.find((v) => v.labels.kind === 'episodic')?.value ?? 0;
    };
    const searches = await count('mnemo_ranked_searches_total');
    const scored = await count('mnemo_ranking_scored_total');
    const [hits] = await index.searchMany([query([1, 0, 0, 0], 1, ranking(1, [outcome(2)]))]);
    expect(hits?.[0]?.id).toMatch(/^far-/);
    expect((await count('mnemo_ranked_searches_total')) - searches).toBe(1);
    const extra = (await count('mnemo_ranking_scored_total')) - scored;
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThanOrEqual(far.length);
    // An unranked search counts in neither.
    await index.searchMany([query([1, 0, 0, 0], 1)]);
    expect((await count('mnemo_ranked_searches_total')) - searches).toBe(1);
  });

  it('orders by distance when outcome weighs nothing', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert(KNOWN);
    const ranked = await index.search(query([1, 0, 0, 0], 5, ranking(1, [outcome(0)])));
    const plain = await index.search(query([1, 0, 0, 0], 5));
    expect(ranked.map((h) => h.id)).toEqual(plain.map((h) => h.id));
  });

  it('explains every hit with terms whose contributions sum to its score', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert(KNOWN);
    const rank = ranking(0.7, [outcome(0.5), recency(0.2, 3600), regime(0.3, 'calm')]);
    const hits = await index.search(query([1, 0.2, 0, 0], 5, rank));
    expect(hits).toHaveLength(5);
    for (const hit of hits) {
      const terms = hit.explanation ?? [];
      expect(terms.map((t) => t.name)).toEqual(['similarity', 'outcome', 'recency', 'regime']);
      const sum = terms.reduce((total, t) => total + t.contribution, 0);
      expect(sum).toBeCloseTo(hit.score ?? NaN, 12);
      for (const t of terms) expect(t.contribution).toBeCloseTo(t.weight * t.normalized, 12);
      expect(terms[0]?.normalized).toBeCloseTo(1 - hit.distance / 2, 6);
    }
    const far = hits.find((h) => h.id === 'far-1');
    expect(far?.explanation?.[1]).toMatchObject({ value: 10, normalized: 1 });
  });

  it('leaves the explanation out unless asked, the score in', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert(KNOWN);
    const [hit] = await index.search(query([1, 0, 0, 0], 1, ranking(1, [outcome(1)], false)));
    expect(hit?.explanation).toBeUndefined();
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('halves recency every half-life and counts a future timestamp as now', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    const v = [1, 0, 0, 0];
    await index.upsert([
      episode('now', v, 0, { timestamp: NOW }),
      episode('one-half-life', v, 0, { timestamp: NOW - 3600 }),
      episode('two-half-lives', v, 0, { timestamp: NOW - 7200 }),
      episode('future', v, 0, { timestamp: NOW + 500 }),
    ]);
    const hits = await index.search(query(v, 4, ranking(0, [recency(1, 3600)])));
    const recencyOf = (id: string) => hits.find((h) => h.id === id)?.explanation?.[1];
    expect(recencyOf('now')?.normalized).toBe(1);
    expect(recencyOf('future')).toMatchObject({ value: 0, normalized: 1 });
    expect(recencyOf('one-half-life')).toMatchObject({ value: 3600, normalized: 0.5 });
    expect(recencyOf('two-half-lives')?.normalized).toBe(0.25);
    expect(hits.at(-1)?.id).toBe('two-half-lives');
  });

  it('scores a regime match 1 and any other regime 0', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert([
      episode('calm-near', [1, 0.1, 0, 0], 0, { regime: 'calm' }),
      episode('trending-far', [1, 0.4, 0, 0], 0, { regime: 'trending' }),
    ]);
    const hits = await index.search(query([1, 0, 0, 0], 2, ranking(1, [regime(0.5, 'trending')])));
    expect(hits.map((h) => h.id)).toEqual(['trending-far', 'calm-near']);
    expect(hits.map((h) => h.explanation?.[1]?.normalized)).toEqual([1, 0]);
  });

  it('normalises rewards over each agent separately, following upserts and deletes', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    const v = [1, 0, 0, 0];
    await index.upsert([
      episode('a-low', v, 0, { agent: 'a' }),
      episode('a-high', v, 10, { agent: 'a' }),
      episode('a-mid', v, 5, { agent: 'a' }),
      episode('b-low', v, 100, { agent: 'b' }),
      episode('b-high', v, 200, { agent: 'b' }),
      episode('c-alone', v, 7, { agent: 'c' }),
    ]);
    const outcomes = async () => {
      const hits = await index.search(query(v, 10, ranking(0, [outcome(1)])));
      return Object.fromEntries(hits.map((h) => [h.id, h.explanation?.[1]?.normalized]));
    };
    expect(await outcomes()).toEqual({
      'a-low': 0,
      'a-high': 1,
      'a-mid': 0.5,
      'b-low': 0,
      'b-high': 1,
      'c-alone': 0.5,
    });
    index.remove(['a-high']);
    await index.upsert([episode('b-higher', v, 300, { agent: 'b' })]);
    expect(await outcomes()).toMatchObject({
      'a-low': 0,
      'a-mid': 1,
      'b-high': 0.5,
      'b-higher': 1,
    });
  });

  it('ranks semantic memories by Sharpe ratio, win rate and access recency', async () => {
    const index = MemoryIndex.create(SEMANTIC_SCHEMA, OPTIONS);
    const concept = (id: string, sharpe: number, winRate: number, lastAccessed: number) => ({
      id,
      vector: Float32Array.of(1, 0, 0, 0),
      tags: { memory_type: 'pattern', regime_name: 'r' },
      numbers: {
        sharpe_ratio: sharpe,
        win_rate: winRate,
        access_count: 1,
        last_accessed: lastAccessed,
      },
      payload: Buffer.alloc(0),
    });
    await index.upsert([
      concept('best-sharpe', 3, 0.1, 0),
      concept('worst-sharpe', -1, 0.9, NOW),
      concept('mid', 1, 0.5, NOW - 60),
    ]);
    const by = async (term: RankTerm) =>
      (await index.search(query([1, 0, 0, 0], 3, ranking(0, [term])))).map((h) => h.id);
    expect(
      await by({ kind: 'minmax', name: 'sharpe', weight: 1, field: 'sharpe_ratio', groupBy: null }),
    ).toEqual(['best-sharpe', 'mid', 'worst-sharpe']);
    expect(await by({ kind: 'clamp', name: 'win_rate', weight: 1, field: 'win_rate' })).toEqual([
      'worst-sharpe',
      'mid',
      'best-sharpe',
    ]);
    const lastAccess: RankTerm = {
      kind: 'decay',
      name: 'recency',
      weight: 1,
      field: 'last_accessed',
      halfLifeS: 60,
      nowS: NOW,
      zeroIsNever: true,
    };
    expect(await by(lastAccess)).toEqual(['worst-sharpe', 'mid', 'best-sharpe']);
  });
});

describe('MemoryIndex ranked search recall', () => {
  const N = 4000;
  const D = 32;
  const K = 10;
  const data = new ClusteredData(D, 20, 3, 12);
  const vectors = data.sample(N, 1);
  const records: MemoryRecord[] = vectors.map((vector, i) => ({
    id: `m-${i}`,
    vector,
    tags: {
      agent_id: `agent-${i % 4}`,
      product_id: 'p',
      regime: i % 3 === 0 ? 'trending' : 'calm',
      terminal: 'false',
    },
    numbers: { reward: ((i * 7919) % 1000) / 100 - 5, timestamp: NOW - ((i * 104729) % 86_400) },
    payload: Buffer.alloc(0),
  }));
  const queries = data.sample(50, 2);
  const filter: MemoryFilter = { tags: { agent_id: ['agent-1', 'agent-2'] }, ranges: {} };
  const rank = ranking(1, [outcome(0.3), recency(0.1, 86_400), regime(0.1, 'trending')], false);

  /** Every memory in the filter scored by brute force: the exact re-ranking. */
  function exactTop(q: Float32Array): string[] {
    const extremes = new Map<string, { min: number; max: number }>();
    for (const r of records) {
      const agent = r.tags.agent_id ?? '';
      const e = extremes.get(agent) ?? { min: Infinity, max: -Infinity };
      e.min = Math.min(e.min, r.numbers.reward ?? 0);
      e.max = Math.max(e.max, r.numbers.reward ?? 0);
      extremes.set(agent, e);
    }
    return records
      .filter((r) => filter.tags.agent_id?.includes(r.tags.agent_id ?? ''))
      .map((r) => {
        const e = extremes.get(r.tags.agent_id ?? '') ?? { min: 0, max: 1 };
        const score =
          1 -
          cosineDistance(q, r.vector) / 2 +
          (0.3 * ((r.numbers.reward ?? 0) - e.min)) / (e.max - e.min) +
          0.1 * Math.pow(0.5, (NOW - (r.numbers.timestamp ?? 0)) / 86_400) +
          (r.tags.regime === 'trending' ? 0.1 : 0);
        return { id: r.id, score };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, K)
      .map((s) => s.id);
  }

  it('finds at least 98% of the exactly re-ranked top 10 through the graph, with a filter', async () => {
    // Brute force only below 50 candidates: every search here walks the graph.
    const index = MemoryIndex.create(EPISODIC_SCHEMA, {
      dim: D,
      m: 16,
      efConstruction: 200,
      efRuntime: 64,
      exactSearchMaxCandidates: 50,
      initialCapacity: N,
    });
    await index.upsert(records);
    let found = 0;
    for (const q of queries) {
      const hits = await index.search(query(Array.from(q), K, rank, filter));
      expect(index.lastPlan).toBe('hnsw_filtered');
      const exact = new Set(exactTop(q));
      found += hits.filter((h) => exact.has(h.id)).length;
    }
    expect(found / (queries.length * K)).toBeGreaterThanOrEqual(0.98);
  });

  it('re-ranks every candidate of a brute-force search: exactly the exact top 10', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, {
      dim: D,
      m: 16,
      efConstruction: 200,
      efRuntime: 64,
      exactSearchMaxCandidates: N,
      initialCapacity: N,
    });
    await index.upsert(records);
    for (const q of queries.slice(0, 10)) {
      const hits = await index.search(query(Array.from(q), K, rank, filter));
      expect(index.lastPlan).toBe('exact');
      expect(hits.map((h) => h.id)).toEqual(exactTop(q));
    }
  });
});
