import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryIndex } from '../../src/index/MemoryIndex.js';
import type { MemoryFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';
import { ClusteredData, cosineDistance } from '../../bench/lib/syntheticData.js';

const N = 20_000;
const DIM = 64;
const QUERIES = 60;
const K = 10;
const LOCAL_DIMS = Number(process.env.RECALL_LOCAL_DIMS ?? 24);

/** Agents get shares of the data such that filters hit every selectivity from 0.1% to 100%. */
function agentFor(i: number): string {
  const r = (i * 2654435761) % 1000;
  if (r < 1) return 'a-0.1';
  if (r < 11) return 'a-1';
  if (r < 61) return 'a-5';
  if (r < 161) return 'a-10';
  if (r < 461) return 'a-30';
  return 'a-rest';
}

describe('MemoryIndex recall on clustered data', () => {
  // 24 local dimensions per cluster: harder than typical embeddings (see ClusteredData).
  const data = new ClusteredData(DIM, 40, 7, LOCAL_DIMS);
  const vectors = data.sample(N, 1);
  const records: MemoryRecord[] = vectors.map((vector, i) => ({
    id: `m-${i}`,
    vector,
    tags: { agent_id: agentFor(i), product_id: 'BTC-USD', regime: 'r', terminal: 'false' },
    numbers: { reward: (i % 200) / 100 - 1, timestamp: i },
    payload: Buffer.alloc(0),
  }));
  const queries = data.sample(QUERIES, 2);
  let index: MemoryIndex;
  /** Brute force only below 50 candidates: every filter here goes through the graph. */
  let graphOnly: MemoryIndex;
  /** Default settings with the vectors stored as float16. */
  let half: MemoryIndex;

  beforeAll(async () => {
    const options = { dim: DIM, m: 16, efConstruction: 200, efRuntime: 64, initialCapacity: N };
    index = MemoryIndex.create(EPISODIC_SCHEMA, { ...options, exactSearchMaxCandidates: 4096 });
    graphOnly = MemoryIndex.create(EPISODIC_SCHEMA, { ...options, exactSearchMaxCandidates: 50 });
    half = MemoryIndex.create(EPISODIC_SCHEMA, {
      ...options,
      exactSearchMaxCandidates: 4096,
      vectorPrecision: 'float16',
    });
    for (let i = 0; i < N; i += 2000) {
      await index.upsert(records.slice(i, i + 2000));
      await graphOnly.upsert(records.slice(i, i + 2000));
      await half.upsert(records.slice(i, i + 2000));
    }
  }, 120_000);

  function truth(query: Float32Array, filter: (r: MemoryRecord) => boolean): string[] {
    return records
      .filter(filter)
      .map((r) => ({ id: r.id, d: cosineDistance(query, r.vector) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, K)
      .map((x) => x.id);
  }

  const cases: [string, MemoryFilter, (r: MemoryRecord) => boolean][] = [
    [
      '0.1% (one rare agent)',
      { tags: { agent_id: ['a-0.1'] }, ranges: {} },
      (r) => r.tags.agent_id === 'a-0.1',
    ],
    ['1%', { tags: { agent_id: ['a-1'] }, ranges: {} }, (r) => r.tags.agent_id === 'a-1'],
    ['5%', { tags: { agent_id: ['a-5'] }, ranges: {} }, (r) => r.tags.agent_id === 'a-5'],
    ['10%', { tags: { agent_id: ['a-10'] }, ranges: {} }, (r) => r.tags.agent_id === 'a-10'],
    [
      '~15% (agent OR + reward range)',
      {
        tags: { agent_id: ['a-10', 'a-30'] },
        ranges: { reward: { min: 0, minExclusive: false, maxExclusive: false } },
      },
      (r) => ['a-10', 'a-30'].includes(r.tags.agent_id ?? '') && (r.numbers.reward ?? 0) >= 0,
    ],
    ['30%', { tags: { agent_id: ['a-30'] }, ranges: {} }, (r) => r.tags.agent_id === 'a-30'],
    [
      '50% (reward ≥ 0)',
      { tags: {}, ranges: { reward: { min: 0, minExclusive: false, maxExclusive: false } } },
      (r) => (r.numbers.reward ?? 0) >= 0,
    ],
    ['100% (no filter)', { tags: {}, ranges: {} }, () => true],
  ];

  async function recallOf(
    target: MemoryIndex,
    filter: MemoryFilter,
    predicate: (r: MemoryRecord) => boolean,
  ): Promise<number> {
    let found = 0;
    let expected = 0;
    for (const query of queries) {
      const want = truth(query, predicate);
      const hits = await target.search({ vector: query, k: K, filter, efRuntime: 0, exact: false });
      for (const hit of hits) {
        const record = records[Number(hit.id.slice(2))];
        expect(record && predicate(record)).toBe(true);
      }
      const got = new Set(hits.map((h) => h.id));
      expected += want.length;
      found += want.filter((id) => got.has(id)).length;
    }
    expect(expected).toBeGreaterThan(0);
    return found / expected;
  }

  for (const [name, filter, predicate] of cases) {
    it(`keeps recall@10 ≥ 0.98 with default settings at selectivity ${name}, never leaving the filter`, async () => {
      expect(await recallOf(index, filter, predicate)).toBeGreaterThanOrEqual(0.98);
    });
  }

  for (const [name, filter, predicate] of cases.slice(1)) {
    it(`keeps recall@10 ≥ 0.98 through the graph alone at selectivity ${name}, with the default ef scaled to the share`, async () => {
      expect(await recallOf(graphOnly, filter, predicate)).toBeGreaterThanOrEqual(0.98);
      expect(graphOnly.lastPlan).toBe(name.startsWith('100%') ? 'hnsw' : 'hnsw_filtered');
    });
  }

  for (const [name, filter, predicate] of cases) {
    it(`keeps recall@10 ≥ 0.98 against float32 truth with float16 storage at selectivity ${name}`, async () => {
      expect(await recallOf(half, filter, predicate)).toBeGreaterThanOrEqual(0.98);
    });
  }

  it('answers exact: true with the brute-force truth', async () => {
    const query = queries[0] ?? new Float32Array(DIM);
    const hits = await index.search({
      vector: query,
      k: K,
      filter: { tags: {}, ranges: {} },
      efRuntime: 0,
      exact: true,
    });
    expect(hits.map((h) => h.id)).toEqual(truth(query, () => true));
    expect(index.lastPlan).toBe('exact');
  });

  it('plans brute force for few candidates and the graph for many', async () => {
    const query = queries[1] ?? new Float32Array(DIM);
    await index.search({
      vector: query,
      k: K,
      filter: { tags: { agent_id: ['a-1'] }, ranges: {} },
      efRuntime: 0,
      exact: false,
    });
    expect(index.lastPlan).toBe('exact');
    await index.search({
      vector: query,
      k: K,
      filter: { tags: { agent_id: ['a-30'] }, ranges: {} },
      efRuntime: 0,
      exact: false,
    });
    expect(index.lastPlan).toBe('hnsw_filtered');
    await index.search({
      vector: query,
      k: K,
      filter: { tags: {}, ranges: {} },
      efRuntime: 0,
      exact: false,
    });
    expect(index.lastPlan).toBe('hnsw');
  });
});
