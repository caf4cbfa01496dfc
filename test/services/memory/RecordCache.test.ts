import { describe, expect, it } from 'vitest';
import type { MemoryRecord } from '../../../src/model/MemoryRecord.js';
import { RecordCache } from '../../../src/services/memory/RecordCache.js';

function record(id: string, payloadBytes = 10): MemoryRecord {
  return {
    id,
    vector: new Float32Array(0),
    tags: { agent_id: 'a' },
    numbers: { reward: 1 },
    payload: Buffer.alloc(payloadBytes, 7),
  };
}

describe('RecordCache', () => {
  it('answers only at the revision a record was kept at', () => {
    const cache = new RecordCache(1 << 20);
    cache.set('episodic', record('m1'), 5);
    expect(cache.get('episodic', 'm1', 5)?.id).toBe('m1');
    expect(cache.get('episodic', 'm1', 6)).toBeUndefined();
    expect(cache.get('semantic', 'm1', 5)).toBeUndefined();
  });

  it('answers for at most its max age after the read, then misses until read again', () => {
    let now = 1000;
    const cache = new RecordCache(1 << 20, 200, () => now);
    cache.set('episodic', record('m1'), 5);
    now += 200;
    expect(cache.get('episodic', 'm1', 5)?.id).toBe('m1');
    now += 1;
    expect(cache.get('episodic', 'm1', 5)).toBeUndefined();
    cache.set('episodic', record('m1'), 5);
    expect(cache.get('episodic', 'm1', 5)?.id).toBe('m1');
  });

  it('answers whatever the age while removals are followed, dropping what it kept before', () => {
    let now = 1000;
    const cache = new RecordCache(1 << 20, 200, () => now);
    cache.set('episodic', record('m0'), 1);
    cache.followRemovals(true);
    // Kept while a removal could have gone unreported: dropped.
    expect(cache.get('episodic', 'm0', 1)).toBeUndefined();
    cache.set('episodic', record('m1'), 5);
    now += 60_000;
    expect(cache.get('episodic', 'm1', 5)?.id).toBe('m1');
    // Still only at the revision it was kept at.
    expect(cache.get('episodic', 'm1', 6)).toBeUndefined();
    // Not followed any more: the max age applies again at once.
    cache.followRemovals(false);
    expect(cache.get('episodic', 'm1', 5)).toBeUndefined();
  });

  it('never keeps a record of a memory the index does not hold (revision -1)', () => {
    const cache = new RecordCache(1 << 20);
    cache.set('episodic', record('m1'), -1);
    expect(cache.size).toBe(0);
  });

  it('keeps a copy, so neither the read buffer nor later changes to the record leak in', () => {
    const cache = new RecordCache(1 << 20);
    const original = record('m1');
    cache.set('episodic', original, 1);
    original.payload.fill(9);
    original.tags.agent_id = 'changed';
    const cached = cache.get('episodic', 'm1', 1);
    expect(cached?.payload.every((b) => b === 7)).toBe(true);
    expect(cached?.tags.agent_id).toBe('a');
  });

  it('evicts the least recently used records past its byte budget', () => {
    const cache = new RecordCache(4000);
    for (let i = 0; i < 20; i++) cache.set('episodic', record(`m${i}`, 500), i);
    expect(cache.size).toBeLessThan(20);
    expect(cache.size).toBeGreaterThan(0);
    // The newest survive, the oldest went first.
    expect(cache.get('episodic', 'm19', 19)).toBeDefined();
    expect(cache.get('episodic', 'm0', 0)).toBeUndefined();
    // A use makes a record recent again: m19's neighbour goes before it.
    const kept = cache.size;
    cache.get('episodic', `m${20 - kept}`, 20 - kept);
    cache.set('episodic', record('new', 500), 100);
    expect(cache.get('episodic', `m${20 - kept}`, 20 - kept)).toBeDefined();
    expect(cache.get('episodic', `m${21 - kept}`, 21 - kept)).toBeUndefined();
  });

  it('evicts by the latest read of a record, across kinds, however often it was read again', () => {
    const cache = new RecordCache(4000);
    cache.set('episodic', record('a', 500), 1);
    cache.set('semantic', record('b', 500), 1);
    // Read again many times: each read replaces the entry and makes it the newest.
    for (let revision = 2; revision < 5000; revision++)
      cache.set('episodic', record('a', 500), revision);
    expect(cache.size).toBe(2);
    for (let i = 0; i < 3; i++) cache.set('episodic', record(`m${i}`, 500), 1);
    // Four fit; b was read before a's latest read, so b goes first.
    expect(cache.get('semantic', 'b', 1)).toBeUndefined();
    expect(cache.get('episodic', 'a', 4999)).toBeDefined();
    // Churn far past the budget keeps the budget and the newest.
    for (let i = 0; i < 10_000; i++)
      cache.set(i % 2 ? 'semantic' : 'episodic', record(`c${i}`, 500), i);
    expect(cache.size).toBe(4);
    expect(cache.get('semantic', 'c9999', 9999)).toBeDefined();
    expect(cache.get('episodic', 'c9998', 9998)).toBeDefined();
    expect(cache.get('episodic', 'a', 4999)).toBeUndefined();
  });

  it('keeps nothing when its budget is 0', () => {
    const cache = new RecordCache(0);
    cache.set('episodic', record('m1'), 1);
    expect(cache.enabled).toBe(false);
    expect(cache.get('episodic', 'm1', 1)).toBeUndefined();
  });
});
