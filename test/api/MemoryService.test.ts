import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { SemanticMemory } from '../../src/generated/mnemo/v1/SemanticMemory.js';
import { cosineDistance, f32le } from '../../bench/lib/syntheticData.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

const DIM = 8;

function vec(...head: number[]): Float32Array {
  const v = new Float32Array(DIM);
  head.forEach((x, i) => (v[i] = x));
  if (head.length === 0) v[0] = 1;
  return v;
}

function episode(overrides: Partial<EpisodicMemory> & { v?: Float32Array } = {}): EpisodicMemory {
  const { v, ...rest } = overrides;
  return {
    agent_id: 'agent-1',
    product_id: 'BTC-USD',
    regime: 'trending',
    state_vector: { values: Array.from(v ?? vec(1, 0.5)) },
    reward: 1,
    timestamp: 1_700_000_000,
    terminal: false,
    payload: Buffer.from('{"action":"buy"}'),
    ...rest,
  };
}

function concept(overrides: Partial<SemanticMemory> & { v?: Float32Array } = {}): SemanticMemory {
  const { v, ...rest } = overrides;
  return {
    concept_vector: { f32le: f32le(v ?? vec(0.2, 1)) },
    memory_type: 'MEMORY_TYPE_PATTERN',
    regime_name: 'volatile',
    sharpe_ratio: 1.5,
    win_rate: 0.6,
    access_count: 0,
    last_accessed: 0,
    ...rest,
  };
}

describe('MemoryService over gRPC', () => {
  let redis: RedisProcess;
  let app: App;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, {
      MNEMO_KEY_PREFIX: 'spec:',
      MNEMO_MAX_K: '50',
      MNEMO_MAX_BATCH: '100',
    });
    client = testClient(app.port);
  });

  afterAll(async () => {
    client.close();
    await app.stop();
    await redis.stop();
  });

  describe('UpsertEpisodic', () => {
    it('returns the ids in the order given and generates the empty ones', async () => {
      const { ids } = await client.memory.upsertEpisodic({
        memories: [episode({ id: 'e-first' }), episode({ id: '' }), episode({ id: 'e-third' })],
      });
      expect(ids[0]).toBe('e-first');
      expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[2]).toBe('e-third');
    });

    it('stores one hash per memory with the contract field names and a float32 vector', async () => {
      const { Redis } = await import('ioredis');
      const raw = new Redis(redis.url);
      const v = vec(3, 4);
      await client.memory.upsertEpisodic({
        memories: [episode({ id: 'e-hash', v, reward: -2.5 })],
      });
      const hash = await raw.hgetallBuffer('spec:episodic:e-hash');
      raw.disconnect();
      expect(hash.agent_id?.toString()).toBe('agent-1');
      expect(hash.reward?.toString()).toBe('-2.5');
      expect(hash.terminal?.toString()).toBe('false');
      expect(hash.state_vector?.equals(f32le(v))).toBe(true);
    });

    it('writes nothing of a batch with one bad memory', async () => {
      const error = await failure(
        client.memory.upsertEpisodic({
          memories: [episode({ id: 'e-good' }), episode({ id: 'e-bad', agent_id: '' })],
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('memories[1].agent_id');
      const { memories } = await client.memory.getEpisodic({ ids: ['e-good', 'e-bad'] });
      expect(memories).toEqual([]);
    });

    it('replaces a memory on upsert with the same id, and a search sees it at once', async () => {
      await client.memory.upsertEpisodic({
        memories: [episode({ id: 'e-move', v: vec(0, 0, 1) })],
      });
      await client.memory.upsertEpisodic({
        memories: [episode({ id: 'e-move', v: vec(0, 0, 0, 1), regime: 'calm' })],
      });
      const { hits } = await client.memory.searchEpisodic({
        vector: { values: Array.from(vec(0, 0, 0, 1)) },
        k: 1,
      });
      expect(hits[0]?.memory?.id).toBe('e-move');
      expect(hits[0]?.memory?.regime).toBe('calm');
      expect(hits[0]?.distance).toBeCloseTo(0, 5);
    });
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'a vector of the wrong dimension',
        { state_vector: { values: [1, 2, 3] } },
        'memories[0].state_vector',
      ],
      ['a NaN component', { state_vector: { values: [1, NaN, 0, 0, 0, 0, 0, 0] } }, 'component 1'],
      [
        'an infinite component',
        { state_vector: { values: [Infinity, 0, 0, 0, 0, 0, 0, 0] } },
        'component 0',
      ],
      ['no vector', { state_vector: null }, 'memories[0].state_vector: is required'],
      ['neither values nor f32le', { state_vector: {} }, 'exactly one'],
      [
        'both values and f32le',
        { state_vector: { values: Array.from(vec()), f32le: f32le(vec()) } },
        'exactly one',
      ],
      [
        'an f32le length not a multiple of 4',
        { state_vector: { f32le: Buffer.alloc(30) } },
        'multiple of 4',
      ],
      ['an empty agent_id', { agent_id: '' }, 'memories[0].agent_id'],
      [
        'a zero vector',
        { state_vector: { values: Array.from(new Float32Array(DIM)) } },
        'zero vector',
      ],
    ];
    for (const [what, override, message] of cases) {
      it(`rejects ${what} with INVALID_ARGUMENT naming the field`, async () => {
        const error = await failure(
          client.memory.upsertEpisodic({ memories: [{ ...episode(), ...override }] }),
        );
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toContain(message);
      });
    }

    it('rejects k = 0 and k above MNEMO_MAX_K', async () => {
      for (const k of [0, 51]) {
        const error = await failure(
          client.memory.searchEpisodic({ vector: { values: Array.from(vec()) }, k }),
        );
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toMatch(/^k: must be between 1 and 50/);
      }
    });

    it('rejects a range with min above max', async () => {
      const error = await failure(
        client.memory.searchEpisodic({
          vector: { values: Array.from(vec()) },
          k: 1,
          filter: { reward: { min: 2, max: 1 } },
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('filter.reward');
    });

    it('rejects an unknown enum value', async () => {
      const error = await failure(
        client.memory.upsertSemantic({
          memories: [concept({ memory_type: 7 as unknown as 'MEMORY_TYPE_PATTERN' })],
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('memories[0].memory_type');
      const unspecified = await failure(
        client.memory.upsertSemantic({
          memories: [concept({ memory_type: 'MEMORY_TYPE_UNSPECIFIED' })],
        }),
      );
      expect(unspecified.code).toBe(status.INVALID_ARGUMENT);
      const inFilter = await failure(
        client.memory.searchSemantic({
          vector: { values: Array.from(vec()) },
          k: 1,
          filter: { memory_types: [9 as unknown as 'MEMORY_TYPE_PATTERN'] },
        }),
      );
      expect(inFilter.message).toContain('filter.memory_types[0]');
    });

    it('rejects an oversized batch', async () => {
      const memories = Array.from({ length: 101 }, () => episode());
      const error = await failure(client.memory.upsertEpisodic({ memories }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('memories: has 101 items, at most 100');
    });

    it('rejects a search without a vector or with a bad one', async () => {
      const none = await failure(client.memory.searchEpisodic({ k: 1 }));
      expect(none.message).toBe('vector: is required');
      const batch = await failure(
        client.memory.batchSearchEpisodic({
          searches: [
            { vector: { values: Array.from(vec()) }, k: 1 },
            { vector: { values: [1] }, k: 1 },
          ],
        }),
      );
      expect(batch.code).toBe(status.INVALID_ARGUMENT);
      expect(batch.message).toContain('searches[1].vector');
    });

    it('rejects a delete-by-filter with an empty filter, deleting nothing', async () => {
      const error = await failure(client.memory.deleteEpisodicByFilter({ filter: {} }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('filter');
    });
  });

  describe('GetEpisodic and DeleteEpisodic', () => {
    it('leaves unknown ids out and returns vectors only when asked', async () => {
      const v = vec(1, 2, 3);
      await client.memory.upsertEpisodic({
        memories: [episode({ id: 'g-1', v, payload: Buffer.from([0, 255, 7]) })],
      });
      const plain = await client.memory.getEpisodic({ ids: ['nope', 'g-1'] });
      expect(plain.memories.map((m) => m.id)).toEqual(['g-1']);
      expect(plain.memories[0]?.state_vector).toBeNull();
      expect(Buffer.from(plain.memories[0]?.payload ?? []).equals(Buffer.from([0, 255, 7]))).toBe(
        true,
      );
      const full = await client.memory.getEpisodic({ ids: ['g-1'], include_vectors: true });
      expect(Buffer.from(full.memories[0]?.state_vector?.f32le ?? []).equals(f32le(v))).toBe(true);
    });

    it('counts only memories that existed, and they leave the index', async () => {
      const v = vec(0, 0, 0, 0, 0, 1);
      await client.memory.upsertEpisodic({
        memories: [episode({ id: 'd-1', v }), episode({ id: 'd-2', v })],
      });
      const { deleted } = await client.memory.deleteEpisodic({ ids: ['d-1', 'd-2', 'never'] });
      expect(deleted).toBe(2);
      const { hits } = await client.memory.searchEpisodic({
        vector: { values: Array.from(v) },
        k: 50,
      });
      expect(hits.map((h) => h.memory?.id)).not.toContain('d-1');
    });
  });

  describe('SearchEpisodic', () => {
    const agents = ['alpha', 'beta', 'gamma'];
    beforeAll(async () => {
      const memories: EpisodicMemory[] = [];
      for (let i = 0; i < 60; i++) {
        const v = vec(Math.cos(i / 10), Math.sin(i / 10), (i % 7) / 7, 0.1);
        memories.push(
          episode({
            id: `s-${i}`,
            agent_id: agents[i % 3] ?? 'alpha',
            product_id: i % 2 === 0 ? 'EUR/USD' : 'a.b/c',
            regime: i % 4 === 0 ? 'trénd ✓' : 'calm',
            v,
            reward: i - 30,
            timestamp: 1_700_000_000 + i,
            terminal: i % 5 === 0,
          }),
        );
      }
      await client.memory.upsertEpisodic({ memories });
    });

    it('returns hits by ascending cosine distance, never duplicated', async () => {
      const q = vec(1, 0.2, 0.3, 0.1);
      const { hits } = await client.memory.searchEpisodic({
        vector: { values: Array.from(q) },
        k: 20,
        filter: { agent_ids: agents },
      });
      expect(hits).toHaveLength(20);
      const ids = hits.map((h) => h.memory?.id);
      expect(new Set(ids).size).toBe(20);
      for (let i = 1; i < hits.length; i++) {
        expect(hits[i]?.distance ?? 0).toBeGreaterThanOrEqual(hits[i - 1]?.distance ?? 0);
      }
      const full = await client.memory.getEpisodic({ ids: [ids[0] ?? ''], include_vectors: true });
      const stored = new Float32Array(
        new Uint8Array(full.memories[0]?.state_vector?.f32le ?? []).buffer,
      );
      expect(hits[0]?.distance).toBeCloseTo(cosineDistance(q, stored), 5);
    });

    it('never returns a hit outside the filter', async () => {
      const q = vec(0.3, 1, 0.5, 0.1);
      const { hits } = await client.memory.searchEpisodic({
        vector: { f32le: f32le(q) },
        k: 50,
        filter: {
          agent_ids: ['beta', 'gamma'],
          product_ids: ['a.b/c'],
          reward: { min: -10, max: 20, max_exclusive: true },
          terminal: false,
        },
      });
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) {
        const m = hit.memory;
        expect(['beta', 'gamma']).toContain(m?.agent_id);
        expect(m?.product_id).toBe('a.b/c');
        expect(m?.reward).toBeGreaterThanOrEqual(-10);
        expect(m?.reward).toBeLessThan(20);
        expect(m?.terminal).toBe(false);
      }
      const expected = Array.from({ length: 60 }, (_, i) => i).filter(
        (i) => i % 3 !== 0 && i % 2 === 1 && i - 30 >= -10 && i - 30 < 20 && i % 5 !== 0,
      );
      expect(hits).toHaveLength(expected.length);
    });

    it('matches tag values as opaque strings, and only themselves', async () => {
      const q = { values: Array.from(vec(1, 1)) };
      const slash = await client.memory.searchEpisodic({
        vector: q,
        k: 50,
        filter: { product_ids: ['EUR/USD'] },
      });
      expect(slash.hits).toHaveLength(30);
      expect(slash.hits.every((h) => h.memory?.product_id === 'EUR/USD')).toBe(true);
      const unicode = await client.memory.searchEpisodic({
        vector: q,
        k: 50,
        filter: { regimes: ['trénd ✓'] },
      });
      expect(unicode.hits).toHaveLength(15);
      const prefix = await client.memory.searchEpisodic({
        vector: q,
        k: 50,
        filter: { product_ids: ['EUR'] },
      });
      expect(prefix.hits).toHaveLength(0);
      const wildcard = await client.memory.searchEpisodic({
        vector: q,
        k: 50,
        filter: { product_ids: ['*'] },
      });
      expect(wildcard.hits).toHaveLength(0);
    });

    it('honours exclusive bounds and open-ended ranges on timestamps', async () => {
      const { hits } = await client.memory.searchEpisodic({
        vector: { values: Array.from(vec(1)) },
        k: 50,
        filter: { timestamp: { min: 1_700_000_050, min_exclusive: true } },
      });
      expect(hits.map((h) => h.memory?.id).sort()).toEqual(
        ['s-51', 's-52', 's-53', 's-54', 's-55', 's-56', 's-57', 's-58', 's-59'].sort(),
      );
    });

    it('answers exact searches with the true nearest neighbours', async () => {
      const q = vec(0.9, 0.4, 0.2, 0.1);
      const exact = await client.memory.searchEpisodic({
        vector: { values: Array.from(q) },
        k: 5,
        exact: true,
        filter: { agent_ids: ['alpha'] },
        ef_runtime: 200,
      });
      expect(exact.hits).toHaveLength(5);
      expect(exact.hits.every((h) => h.memory?.agent_id === 'alpha')).toBe(true);
    });
  });

  describe('BatchSearchEpisodic', () => {
    it('answers each search in order, like single searches', async () => {
      const searches = [vec(1), vec(0, 1), vec(1, 1, 1)].map((v) => ({
        vector: { values: Array.from(v) },
        k: 3,
      }));
      const batch = await client.memory.batchSearchEpisodic({ searches });
      const singles = await Promise.all(searches.map((s) => client.memory.searchEpisodic(s)));
      expect(batch.results.map((r) => r.hits.map((h) => h.memory?.id))).toEqual(
        singles.map((r) => r.hits.map((h) => h.memory?.id)),
      );
    });
  });

  describe('GetInfo', () => {
    it('gives the dimension, limits, engine, version and each index as served', async () => {
      const info = await client.memory.getInfo({});
      const episodic = app.indexes.get('episodic');
      expect(info).toMatchObject({
        dimension: DIM,
        vector_precision: 'float32',
        distance: 'cosine',
        max_k: 50,
        max_batch: 100,
        target_recall: 0.98,
      });
      expect(info.index_engine).toMatch(
        /^hnswlib \d+\.\d+\.\d+ \(native, (avx512|avx2|sse2|neon|scalar)\)$/,
      );
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(info.episodic).toMatchObject({
        memories: episodic.size,
        ef_default: episodic.defaultEf,
        hnsw_m: 16,
        hnsw_ef_construction: 200,
      });
      expect(info.semantic?.memories).toBe(app.indexes.get('semantic').size);
    });

    it('counts a write at once', async () => {
      const before = (await client.memory.getInfo({})).episodic?.memories ?? 0;
      await client.memory.upsertEpisodic({ memories: [episode({ id: 'info-1' })] });
      expect((await client.memory.getInfo({})).episodic?.memories).toBe(before + 1);
      await client.memory.deleteEpisodic({ ids: ['info-1'] });
    });
  });

  describe('RecentEpisodic', () => {
    it('pages by reward descending with ties broken by id, stably', async () => {
      const memories = ['r-b', 'r-a', 'r-c', 'r-d', 'r-e'].map((id, i) =>
        episode({ id, agent_id: 'recent-agent', reward: i < 3 ? 5 : i, timestamp: 100 + i }),
      );
      await client.memory.upsertEpisodic({ memories });
      const filter = { agent_ids: ['recent-agent'] };
      const first = await client.memory.recentEpisodic({ filter, limit: 2 });
      expect(first.memories.map((m) => m.id)).toEqual(['r-a', 'r-b']);
      expect(first.memories[0]?.state_vector).toBeNull();
      const second = await client.memory.recentEpisodic({
        filter,
        limit: 2,
        page_token: first.next_page_token,
      });
      expect(second.memories.map((m) => m.id)).toEqual(['r-c', 'r-e']);
      const third = await client.memory.recentEpisodic({
        filter,
        limit: 2,
        page_token: second.next_page_token,
      });
      expect(third.memories.map((m) => m.id)).toEqual(['r-d']);
      expect(third.next_page_token).toBe('');
      const byTime = await client.memory.recentEpisodic({
        filter,
        limit: 3,
        order: 'RECENT_ORDER_TIMESTAMP_DESC',
      });
      expect(byTime.memories.map((m) => m.id)).toEqual(['r-e', 'r-d', 'r-c']);
    });

    it('rejects a page token that is not its own', async () => {
      const error = await failure(client.memory.recentEpisodic({ page_token: 'garbage!' }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toContain('page_token');
    });
  });

  describe('ListSemantic', () => {
    it('pages by the chosen field descending, ties by id, vectors on request', async () => {
      const regime = 'list-regime';
      const memories = ['s-b', 's-a', 's-c', 's-d'].map((id, i) =>
        concept({ id, regime_name: regime, sharpe_ratio: i < 2 ? 2 : i, win_rate: 0.1 * i }),
      );
      await client.memory.upsertSemantic({ memories });
      const filter = { regime_names: [regime] };
      const first = await client.memory.listSemantic({ filter, page_size: 3 });
      expect(first.memories.map((m) => m.id)).toEqual(['s-d', 's-a', 's-b']);
      expect(first.memories[0]?.concept_vector).toBeNull();
      const rest = await client.memory.listSemantic({
        filter,
        page_size: 3,
        page_token: first.next_page_token,
        include_vectors: true,
      });
      expect(rest.memories.map((m) => m.id)).toEqual(['s-c']);
      expect(rest.memories[0]?.concept_vector?.f32le.length).toBe(DIM * 4);
      expect(rest.next_page_token).toBe('');
      const byWinRate = await client.memory.listSemantic({
        filter,
        order: 'SEMANTIC_ORDER_WIN_RATE_DESC',
        page_size: 10,
      });
      expect(byWinRate.memories.map((m) => m.id)).toEqual(['s-d', 's-c', 's-a', 's-b']);
      const mixed = await failure(
        client.memory.listSemantic({
          filter,
          order: 'SEMANTIC_ORDER_WIN_RATE_DESC',
          page_token: first.next_page_token,
        }),
      );
      expect(mixed.code).toBe(status.INVALID_ARGUMENT);
      expect(mixed.message).toContain('page_token');
      await client.memory.deleteSemantic({ ids: memories.map((m) => m.id ?? '') });
    });
  });

  describe('DeleteEpisodicByFilter', () => {
    it('prunes exactly the memories older than a cutoff', async () => {
      const memories = [1, 2, 3, 4].map((i) =>
        episode({ id: `p-${i}`, agent_id: 'pruner', timestamp: i * 1000 }),
      );
      await client.memory.upsertEpisodic({ memories });
      const { deleted } = await client.memory.deleteEpisodicByFilter({
        filter: { agent_ids: ['pruner'], timestamp: { max: 2000 } },
      });
      expect(deleted).toBe(2);
      const left = await client.memory.getEpisodic({ ids: memories.map((m) => m.id ?? '') });
      expect(left.memories.map((m) => m.id)).toEqual(['p-3', 'p-4']);
      const recent = await client.memory.recentEpisodic({ filter: { agent_ids: ['pruner'] } });
      expect(recent.memories.map((m) => m.id).sort()).toEqual(['p-3', 'p-4']);
    });
  });

  describe('semantic memory', () => {
    it('upserts, gets, filters by type and sharpe, and deletes', async () => {
      const { ids } = await client.memory.upsertSemantic({
        memories: [
          concept({ id: 'c-1', memory_type: 'MEMORY_TYPE_PATTERN', sharpe_ratio: 2 }),
          concept({
            id: 'c-2',
            memory_type: 'MEMORY_TYPE_STRATEGY',
            sharpe_ratio: 0.5,
            v: vec(0.3, 1),
          }),
          concept({ id: 'c-3', memory_type: 'MEMORY_TYPE_REGIME', sharpe_ratio: 3, v: vec(1, 1) }),
        ],
      });
      expect(ids).toEqual(['c-1', 'c-2', 'c-3']);
      const got = await client.memory.getSemantic({ ids: ['c-2'] });
      expect(got.memories[0]?.memory_type).toBe('MEMORY_TYPE_STRATEGY');
      const { hits } = await client.memory.searchSemantic({
        vector: { values: Array.from(vec(0.2, 1)) },
        k: 10,
        filter: {
          memory_types: ['MEMORY_TYPE_PATTERN', 'MEMORY_TYPE_REGIME'],
          sharpe_ratio: { min: 1 },
        },
      });
      expect(hits.map((h) => h.memory?.id).sort()).toEqual(['c-1', 'c-3']);
      const { deleted } = await client.memory.deleteSemantic({ ids: ['c-2'] });
      expect(deleted).toBe(1);
    });

    it('touch increments access_count and sets last_accessed on every hit', async () => {
      await client.memory.upsertSemantic({
        memories: [
          concept({ id: 't-1', regime_name: 'touchy', access_count: 4 }),
          concept({ id: 't-2', regime_name: 'touchy' }),
        ],
      });
      const before = Date.now() / 1000;
      const { hits } = await client.memory.searchSemantic({
        vector: { values: Array.from(vec(0.2, 1)) },
        k: 10,
        filter: { regime_names: ['touchy'] },
        touch: true,
      });
      expect(hits.map((h) => [h.memory?.id, h.memory?.access_count]).sort()).toEqual([
        ['t-1', 5],
        ['t-2', 1],
      ]);
      const stored = await client.memory.getSemantic({ ids: ['t-1', 't-2'] });
      expect(stored.memories.map((m) => m.access_count)).toEqual([5, 1]);
      expect(stored.memories[0]?.last_accessed).toBeGreaterThanOrEqual(Math.floor(before) - 1);
      const counted = await client.memory.searchSemantic({
        vector: { values: Array.from(vec(0.2, 1)) },
        k: 10,
        filter: { regime_names: ['touchy'], access_count: { min: 5 } },
      });
      expect(counted.hits.map((h) => h.memory?.id)).toEqual(['t-1']);
    });
  });
});
