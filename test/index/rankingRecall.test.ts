/**
 * Recall of ranked searches (issue 17): the top k a ranked search returns against the exact
 * re-ranking (every memory passing the filter scored by brute force), on the benchmark data set
 * (clustered, 10 agents, rewards uniform) in an in-process index, per filter, at the server's
 * default weights; with the mean time of a ranked and an unranked index search. At 100k:
 *
 *   RANKING_RECALL_MEMORIES=100000 RANKING_RECALL_DIM=256 RANKING_RECALL_QUERIES=100 \
 *     npx vitest run test/index/rankingRecall.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineDistance } from '../../bench/lib/syntheticData.js';
import { AGENTS, attributesOf, Dataset, timestampOf } from '../../bench/lib/dataset.js';
import { MemoryIndex } from '../../src/index/MemoryIndex.js';
import { filterAsOf } from '../../src/model/asOf.js';
import type { MemoryFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';

const outcomeSchema = EPISODIC_SCHEMA.outcome ?? fail('the episodic schema has an outcome');
function fail(message: string): never {
  throw new Error(message);
}
import type { Ranking } from '../../src/model/Ranking.js';

const size = Number(process.env.RANKING_RECALL_MEMORIES ?? 10_000);
const dim = Number(process.env.RANKING_RECALL_DIM ?? 64);
const queryCount = Number(process.env.RANKING_RECALL_QUERIES ?? 40);

const K = 10;
const SEED = 42;
const HALF_LIFE_S = 86_400;
const dataset = new Dataset('clustered', dim, SEED, size);
const nowS = 1_700_000_000 + size;

/** The server's default weights (MNEMO_RANKING_*), regime 'trending'. */
const ranking: Ranking = {
  similarityWeight: 1,
  explain: false,
  terms: [
    { kind: 'minmax', name: 'outcome', weight: 0.5, field: 'reward', groupBy: 'agent_id' },
    {
      kind: 'decay',
      name: 'recency',
      weight: 0.25,
      field: 'timestamp',
      halfLifeS: HALF_LIFE_S,
      nowS,
      zeroIsNever: false,
    },
    { kind: 'match', name: 'regime', weight: 0.25, field: 'regime', value: 'trending' },
  ],
};

/** How long after it happened memory i's outcome is known: up to a tenth of the history. */
function knownAfter(i: number): number {
  return ((i * 7919) % 11) * Math.ceil(size / 100);
}

const FILTERS: { name: string; filter: MemoryFilter; share: string }[] = [
  { name: 'none', filter: { tags: {}, ranges: {} }, share: '100%' },
  { name: 'agent', filter: { tags: { agent_id: ['agent-3'] }, ranges: {} }, share: '10%' },
  {
    name: 'agent + SOL',
    filter: { tags: { agent_id: ['agent-3'], product_id: ['SOL-USD'] }, ranges: {} },
    share: '1%',
  },
];

describe(`ranked search recall at ${size} memories × ${dim}`, () => {
  let index: MemoryIndex;
  const records: MemoryRecord[] = [];
  const extremes = new Map<string, { min: number; max: number }>();

  beforeAll(async () => {
    index = MemoryIndex.create(EPISODIC_SCHEMA, {
      dim,
      m: 16,
      efConstruction: 200,
      efRuntime: 64,
      exactSearchMaxCandidates: 8192,
      initialCapacity: size,
    });
    const next = dataset.memoryStream();
    while (records.length < size) {
      const batch = next(5000).map((m, j): MemoryRecord => {
        const a = attributesOf(records.length + j, SEED);
        const bytes = new Uint8Array(m.state_vector?.f32le as Buffer);
        return {
          id: m.id ?? '',
          vector: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
          tags: {
            agent_id: a.agent_id,
            product_id: a.product_id,
            regime: a.regime,
            terminal: String(a.terminal),
          },
          numbers: {
            reward: a.reward,
            timestamp: a.timestamp,
            outcome_known_at: a.timestamp + knownAfter(records.length + j),
          },
          payload: Buffer.alloc(0),
        };
      });
      await index.upsert(batch);
      records.push(...batch);
    }
    for (const r of records) {
      const agent = r.tags.agent_id ?? '';
      const e = extremes.get(agent) ?? { min: Infinity, max: -Infinity };
      e.min = Math.min(e.min, r.numbers.reward ?? 0);
      e.max = Math.max(e.max, r.numbers.reward ?? 0);
      extremes.set(agent, e);
    }
  }, 1_800_000);

  /**
   * Every memory passing the filter scored by brute force: the exact re-ranking's top k; as of
   * `asOf`, over the memories of then, a pending outcome scoring 0.5 and the others normalised
   * over their agent's known then.
   */
  function exactTop(
    q: Float32Array,
    passing: readonly MemoryRecord[],
    asOf?: { at: number; extremes: Map<string, { min: number; max: number }> },
  ): Set<string> {
    const now = asOf?.at ?? nowS;
    const top = passing
      .filter((r) => asOf === undefined || (r.numbers.timestamp ?? 0) <= asOf.at)
      .map((r) => {
        const e = (asOf?.extremes ?? extremes).get(r.tags.agent_id ?? '') ?? { min: 0, max: 1 };
        const pending = asOf !== undefined && (r.numbers.outcome_known_at ?? 0) > asOf.at;
        const outcome = pending ? 0.5 : ((r.numbers.reward ?? 0) - e.min) / (e.max - e.min);
        const age = Math.max(0, now - (r.numbers.timestamp ?? 0));
        const score =
          1 -
          cosineDistance(q, r.vector) / 2 +
          0.5 * outcome +
          0.25 * Math.pow(0.5, age / HALF_LIFE_S) +
          (r.tags.regime === 'trending' ? 0.25 : 0);
        return { id: r.id, score };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, K);
    return new Set(top.map((t) => t.id));
  }

  for (const { name, filter, share } of FILTERS) {
    it(`finds ≥ 98% of the exactly re-ranked top ${K} with filter ${name} (${share} of ${AGENTS} agents' memories)`, async () => {
      const passing = records.filter((r) =>
        Object.entries(filter.tags).every(([f, vs]) => vs.includes(r.tags[f] ?? '')),
      );
      const queries = dataset.queries(queryCount);
      let found = 0;
      let rankedMs = 0;
      let plainMs = 0;
      for (const q of queries) {
        const base = { vector: q, k: K, filter, efRuntime: 0, exact: false };
        let t = performance.now();
        const hits = await index.search({ ...base, ranking });
        rankedMs += performance.now() - t;
        t = performance.now();
        await index.search(base);
        plainMs += performance.now() - t;
        const want = exactTop(q, passing);
        found += hits.filter((h) => want.has(h.id)).length;
      }
      const recall = found / (queries.length * K);
      const n = queries.length;
      console.log(
        `ranking recall@${K} ${size}×${dim} filter ${name} (${share}): ${recall.toFixed(4)}; ms/search ranked ${(rankedMs / n).toFixed(2)}, unranked ${(plainMs / n).toFixed(2)}`,
      );
      expect(recall).toBeGreaterThanOrEqual(0.98);
    }, 600_000);
  }

  it(`finds ≥ 98% of the exactly re-ranked top ${K} as of the middle of the history (agent filter)`, async () => {
    const at = timestampOf(Math.floor(size / 2));
    const known = new Map<string, { min: number; max: number }>();
    for (const r of records) {
      if ((r.numbers.outcome_known_at ?? 0) > at) continue;
      const agent = r.tags.agent_id ?? '';
      const e = known.get(agent) ?? { min: Infinity, max: -Infinity };
      e.min = Math.min(e.min, r.numbers.reward ?? 0);
      e.max = Math.max(e.max, r.numbers.reward ?? 0);
      known.set(agent, e);
    }
    const filter: MemoryFilter = { tags: { agent_id: ['agent-3'] }, ranges: {} };
    const passing = records.filter((r) => r.tags.agent_id === 'agent-3');
    const asOfRanking: Ranking = {
      ...ranking,
      terms: ranking.terms.map((t) => (t.kind === 'decay' ? { ...t, nowS: at } : t)),
    };
    const queries = dataset.queries(queryCount);
    let found = 0;
    let rankedMs = 0;
    for (const q of queries) {
      const t = performance.now();
      const hits = await index.search({
        vector: q,
        k: K,
        filter: filterAsOf(outcomeSchema, filter, at),
        efRuntime: 0,
        exact: false,
        asOf: at,
        ranking: asOfRanking,
      });
      rankedMs += performance.now() - t;
      const want = exactTop(q, passing, { at, extremes: known });
      found += hits.filter((h) => want.has(h.id)).length;
    }
    const recall = found / (queries.length * K);
    console.log(
      `ranking recall@${K} ${size}×${dim} as of the middle, agent (10%): ${recall.toFixed(4)}; ms/search ranked ${(rankedMs / queries.length).toFixed(2)}`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.98);
  }, 600_000);
});
