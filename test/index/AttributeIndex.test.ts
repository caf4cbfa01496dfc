import { describe, expect, it } from 'vitest';
import { AttributeIndex } from '../../src/index/AttributeIndex.js';
import type { MemoryFilter } from '../../src/model/MemoryFilter.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';

function attributes(agent: string, reward = 0) {
  return {
    tags: { agent_id: agent, product_id: 'BTC-USD', regime: 'r', terminal: 'false' },
    numbers: { reward, timestamp: 0 },
  };
}

function bits(bitmap: Uint32Array | null): number[] {
  const labels: number[] = [];
  bitmap?.forEach((word, i) => {
    for (let b = 0; b < 32; b++) if ((word >>> b) & 1) labels.push(i * 32 + b);
  });
  return labels;
}

const agent = (...ids: string[]): MemoryFilter => ({ tags: { agent_id: ids }, ranges: {} });

function compiled(index: AttributeIndex, filter: MemoryFilter) {
  const result = index.compile(filter);
  if (result === null) throw new Error('the filter matches nothing');
  return result;
}

describe('AttributeIndex', () => {
  it('keeps a bitmap of a dense tag value equal to its labels, through removals and growth', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 3000; label++)
      index.set(label, attributes(label % 2 === 0 ? 'even' : 'odd'));
    for (const label of [0, 2, 4, 2998]) index.remove(label);
    index.set(7, attributes('even')); // moved from odd to even
    const even = compiled(index, agent('even'));
    const expected: number[] = [];
    for (let label = 0; label < 3000; label++) {
      if ((label % 2 === 0 && ![0, 2, 4, 2998].includes(label)) || label === 7)
        expected.push(label);
    }
    expect(bits(index.bitmapOf(even))).toEqual(expected);
    const both = compiled(index, agent('even', 'odd'));
    expect(bits(index.bitmapOf(both))).toHaveLength(2996);
  });

  it('has no bitmap for a rare value, nor for a filter with more than one clause', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 3000; label++)
      index.set(label, attributes(label < 10 ? 'rare' : 'common', label));
    expect(index.bitmapOf(compiled(index, agent('rare')))).toBeNull();
    expect(index.bitmapOf(compiled(index, agent('rare', 'common')))).toBeNull();
    const ranged: MemoryFilter = {
      tags: { agent_id: ['common'] },
      ranges: { reward: { min: 100, minExclusive: false, maxExclusive: false } },
    };
    expect(index.bitmapOf(compiled(index, ranged))).toBeNull();
    const matched: number[] = [];
    index.forEachMatch(compiled(index, ranged), (label) => matched.push(label));
    expect(matched).toHaveLength(2900);
  });

  it('restores postings and bitmaps from a snapshot', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 2500; label++)
      index.set(label, attributes(label % 3 === 0 ? 'a' : 'b'));
    index.remove(3);
    const restored = AttributeIndex.fromSnapshot(EPISODIC_SCHEMA, index.toSnapshot());
    expect(restored.size).toBe(2499);
    expect(bits(restored.bitmapOf(compiled(restored, agent('a'))))).toEqual(
      bits(index.bitmapOf(compiled(index, agent('a')))),
    );
  });
});
