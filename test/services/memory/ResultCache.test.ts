import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../../src/metrics/metrics.js';
import type { MemoryKind } from '../../../src/model/MemoryRecord.js';
import type { SearchHit, SearchRequest } from '../../../src/services/memory/MemoryService.js';
import { ResultCache } from '../../../src/services/memory/ResultCache.js';
import { searchDedup } from '../../../src/services/memory/searchDedup.js';

function request(seed: number, overrides: Partial<SearchRequest> = {}): SearchRequest {
  return {
    vector: Float32Array.of(seed, 1, 2, 3),
    k: 5,
    filter: { tags: {}, ranges: {} },
    efRuntime: 0,
    exact: false,
    includeVectors: false,
    touch: false,
    ...overrides,
  };
}

function hits(id: string, payload = 'payload'): SearchHit[] {
  const read = Buffer.from(`....${payload}....`); // a payload inside a larger read buffer
  return [
    {
      record: {
        id,
        vector: new Float32Array(0),
        tags: { agent_id: 'a' },
        numbers: { reward: 1 },
        payload: read.subarray(4, 4 + payload.length),
      },
      distance: 0.25,
    },
  ];
}

async function count(cache: 'kv' | 'result', what: 'hits' | 'misses'): Promise<number> {
  const counter = what === 'hits' ? metrics.cacheHits : metrics.cacheMisses;
  return (await counter.get()).values.find((v) => v.labels.cache === cache)?.value ?? 0;
}

describe('ResultCache', () => {
  const revisions: Record<MemoryKind, number> = { episodic: 1, semantic: 1 };
  const revision = (kind: MemoryKind): number => revisions[kind];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    revisions.episodic = 1;
    revisions.semantic = 1;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Keeps an answer of `searched` as the pipeline does: stamped before it executes. */
  function keep(
    cache: ResultCache,
    searched: SearchRequest,
    answer: SearchHit[],
    kind = 'episodic' as MemoryKind,
  ) {
    const key = searchDedup.key(kind, searched) as string;
    const stamp = cache.stamp(kind, searched);
    cache.keep(kind, key, searched, answer, stamp);
  }

  function lookup(cache: ResultCache, asked: SearchRequest, kind = 'episodic' as MemoryKind) {
    return cache.get(kind, searchDedup.key(kind, asked) as string, asked);
  }

  it('answers an identical search within the TTL with the same answer, counted as a hit', async () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    keep(cache, request(1), hits('m1'));
    const before = { hits: await count('result', 'hits'), kv: await count('kv', 'hits') };
    vi.advanceTimersByTime(1000);
    const answer = lookup(cache, request(1));
    expect(answer?.map((h) => [h.record.id, h.distance, h.record.payload.toString()])).toEqual([
      ['m1', 0.25, 'payload'],
    ]);
    expect(await count('result', 'hits')).toBe(before.hits + 1);
    expect(await count('kv', 'hits')).toBe(before.kv);
  });

  it('misses after the TTL, counted as a miss', async () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    keep(cache, request(1), hits('m1'));
    vi.advanceTimersByTime(1001);
    const misses = await count('result', 'misses');
    expect(lookup(cache, request(1))).toBeUndefined();
    expect(await count('result', 'misses')).toBe(misses + 1);
    expect(cache.size).toBe(0);
  });

  it('misses once the index of the kind moved, and only that kind', () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    keep(cache, request(1), hits('e1'), 'episodic');
    keep(cache, request(1), hits('s1'), 'semantic');
    revisions.episodic++;
    expect(lookup(cache, request(1), 'episodic')).toBeUndefined();
    expect(lookup(cache, request(1), 'semantic')?.[0]?.record.id).toBe('s1');
  });

  it('keeps no answer whose search ran while the index moved', () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    const key = searchDedup.key('episodic', request(1)) as string;
    const stamp = cache.stamp('episodic', request(1));
    revisions.episodic++; // a change applied while the search executed
    cache.keep('episodic', key, request(1), hits('m1'), stamp);
    expect(cache.size).toBe(0);
    expect(lookup(cache, request(1))).toBeUndefined();
  });

  it('answers only the very same search: k, filter, ef, exactness, vector need and vector', () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    keep(cache, request(1), hits('m1'));
    for (const other of [
      request(2),
      request(1, { k: 6 }),
      request(1, { efRuntime: 64 }),
      request(1, { exact: true }),
      request(1, { includeVectors: true }),
      request(1, { filter: { tags: { agent_id: ['a'] }, ranges: {} } }),
    ]) {
      expect(lookup(cache, other)).toBeUndefined();
    }
    // Two vectors under one key (a hash collision) are still told apart.
    const key = searchDedup.key('episodic', request(1)) as string;
    expect(cache.get('episodic', key, request(3))).toBeUndefined();
    expect(lookup(cache, request(1))).toBeDefined();
  });

  it('keeps copies of payloads, not views of the read buffers', () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    const answer = hits('m1');
    keep(cache, request(1), answer);
    answer[0]?.record.payload.fill('x'); // the read buffer reused
    expect(lookup(cache, request(1))?.[0]?.record.payload.toString()).toBe('payload');
  });

  it('drops the oldest answers past its byte bound', () => {
    const cache = new ResultCache(60_000, 2500, revision);
    for (let i = 1; i <= 5; i++) {
      keep(cache, request(i), hits(`m${i}`));
      vi.advanceTimersByTime(1);
    }
    expect(cache.size).toBeLessThan(5);
    expect(cache.size).toBeGreaterThan(0);
    expect(lookup(cache, request(1))).toBeUndefined();
    expect(lookup(cache, request(5))?.[0]?.record.id).toBe('m5');
  });

  it('drops expired answers when keeping new ones', () => {
    const cache = new ResultCache(1000, 1 << 20, revision);
    keep(cache, request(1), hits('m1'));
    keep(cache, request(2), hits('m2'));
    vi.advanceTimersByTime(1001);
    keep(cache, request(3), hits('m3'));
    expect(cache.size).toBe(1);
  });

  it('is off with a TTL of 0 or a byte bound of 0', () => {
    for (const cache of [
      new ResultCache(0, 1 << 20, revision),
      new ResultCache(1000, 0, revision),
    ]) {
      expect(cache.enabled).toBe(false);
      keep(cache, request(1), hits('m1'));
      expect(cache.size).toBe(0);
    }
  });
});
