import { describe, expect, it } from 'vitest';
import { AttributeIndex, type Selection } from '../../src/index/AttributeIndex.js';
import { labelsOf } from '../../src/index/bitmaps.js';
import type { MemoryFilter, NumericRange } from '../../src/model/MemoryFilter.js';
import { matchesFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryAttributes } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';
import { rng } from '../../bench/lib/syntheticData.js';

function attributes(agent: string, reward = 0, product = 'BTC-USD'): MemoryAttributes {
  return {
    tags: { agent_id: agent, product_id: product, regime: 'r', terminal: 'false' },
    numbers: { reward, timestamp: 0 },
  };
}

function labelsIn(selection: Selection): number[] {
  const labels = selection.labels ?? labelsOf(selection.bitmap, selection.count);
  return [...labels].sort((a, b) => a - b);
}

const agent = (...ids: string[]): MemoryFilter => ({ tags: { agent_id: ids }, ranges: {} });

function compiled(index: AttributeIndex, filter: MemoryFilter) {
  const result = index.compile(filter);
  if (result === null) throw new Error('the filter matches nothing');
  return result;
}

function range(min?: number, max?: number, minExclusive = false, maxExclusive = false) {
  const r: NumericRange = { minExclusive, maxExclusive };
  if (min !== undefined) r.min = min;
  if (max !== undefined) r.max = max;
  return r;
}

describe('AttributeIndex', () => {
  it('hands out a dense tag value’s own bitmap, kept equal to its labels through removals and growth', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 3000; label++)
      index.set(label, attributes(label % 2 === 0 ? 'even' : 'odd'));
    for (const label of [0, 2, 4, 2998]) index.remove(label);
    index.set(7, attributes('even')); // moved from odd to even
    const expected: number[] = [];
    for (let label = 0; label < 3000; label++) {
      if ((label % 2 === 0 && ![0, 2, 4, 2998].includes(label)) || label === 7)
        expected.push(label);
    }
    const even = index.select(compiled(index, agent('even')), 8192);
    expect(even.count).toBe(expected.length);
    expect(labelsIn(even)).toEqual(expected);
    // The same array every time: nothing is built per query.
    expect(index.select(compiled(index, agent('even')), 8192).bitmap).toBe(even.bitmap);
    const both = index.select(compiled(index, agent('even', 'odd')), 8192);
    expect(both.count).toBe(2996);
  });

  it('walks the postings of a rare value within the list limit, and builds a bitmap beyond it', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 3000; label++)
      index.set(label, attributes(label < 10 ? 'rare' : 'common', label));
    const rare = index.select(compiled(index, agent('rare')), 100);
    expect(rare.bitmap).toBeNull();
    expect(labelsIn(rare)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const overLimit = index.select(compiled(index, agent('rare')), 5);
    expect(overLimit.labels).toBeNull();
    expect(labelsIn(overLimit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('never changes a kept bitmap while intersecting it with other clauses', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 4000; label++)
      index.set(label, attributes(label % 2 === 0 ? 'even' : 'odd', label % 7, `p${label % 3}`));
    const alone = index.select(compiled(index, agent('even')), 0);
    const before = Uint32Array.from(alone.bitmap ?? []);
    const narrowed: MemoryFilter = {
      tags: { agent_id: ['even'], product_id: ['p1'] },
      ranges: { reward: range(2, 4) },
    };
    const selection = index.select(compiled(index, narrowed), 0);
    expect(selection.count).toBeGreaterThan(0);
    expect(Uint32Array.from(alone.bitmap ?? [])).toEqual(before);
  });

  it('selects exactly the labels the filter matches, for any mix of tags, values and bounds', () => {
    const random = rng(7);
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    const stored = new Map<number, MemoryAttributes>();
    // agent a0 holds half the labels (dense), a1…a9 a few percent, a10…a29 are rare.
    const pickAgent = () => {
      const r = random();
      return r < 0.5
        ? 'a0'
        : r < 0.9
          ? `a${1 + Math.floor(random() * 9)}`
          : `a${10 + Math.floor(random() * 20)}`;
    };
    for (let label = 0; label < 6000; label++) {
      const record = attributes(
        pickAgent(),
        Math.round(random() * 20) - 10,
        `p${Math.floor(random() * 4)}`,
      );
      index.set(label, record);
      stored.set(label, record);
    }
    for (let i = 0; i < 600; i++) {
      const label = Math.floor(random() * 6000);
      index.remove(label);
      stored.delete(label);
    }
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const agents = ['a0', 'a1', 'a5', 'a12', 'a29', 'nobody'];
    let checked = 0;
    for (let round = 0; round < 300; round++) {
      const filter: MemoryFilter = { tags: {}, ranges: {} };
      if (random() < 0.7) {
        filter.tags.agent_id = agents.filter(() => random() < 0.4);
        if (filter.tags.agent_id.length === 0) filter.tags.agent_id = [pick(agents)];
      }
      if (random() < 0.5) filter.tags.product_id = [pick(['p0', 'p1', 'p2', 'p3'])];
      if (random() < 0.5) {
        const low = Math.round(random() * 20) - 10;
        filter.ranges.reward = pick([
          range(low),
          range(undefined, low, false, true),
          range(low, low + 5, true, false),
          range(low, low, false, false),
        ]);
      }
      const expected = [...stored]
        .filter(([, record]) => matchesFilter(record, filter))
        .map(([label]) => label)
        .sort((a, b) => a - b);
      const compiledFilter = index.compile(filter);
      if (compiledFilter === null) {
        expect(expected).toEqual([]);
        continue;
      }
      for (const listLimit of [0, 200, Infinity]) {
        const selection = index.select(compiledFilter, listLimit);
        expect(selection.count).toBe(expected.length);
        expect(labelsIn(selection)).toEqual(expected);
      }
      const visited: number[] = [];
      index.forEachMatch(compiledFilter, (label) => {
        visited.push(label);
      });
      expect(visited.sort((a, b) => a - b)).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('selects every live label for an empty filter', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 100; label++) index.set(label, attributes('a'));
    index.remove(50);
    const selection = index.select(compiled(index, { tags: {}, ranges: {} }), 8192);
    expect(selection.count).toBe(99);
    expect(labelsIn(selection)).not.toContain(50);
  });

  it('restores postings and bitmaps from a snapshot', () => {
    const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
    for (let label = 0; label < 2500; label++)
      index.set(label, attributes(label % 3 === 0 ? 'a' : 'b'));
    index.remove(3);
    const restored = AttributeIndex.fromSnapshot(EPISODIC_SCHEMA, index.toSnapshot());
    expect(restored.size).toBe(2499);
    const a = restored.select(compiled(restored, agent('a')), 0);
    expect(a.bitmap).not.toBeNull();
    expect(labelsIn(a)).toEqual(labelsIn(index.select(compiled(index, agent('a')), 0)));
  });
});
