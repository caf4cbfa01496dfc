import { describe, expect, it, vi } from 'vitest';
import { AttributeIndex, type Selection } from '../../src/index/AttributeIndex.js';
import { labelsOf } from '../../src/index/bitmaps.js';
import { SelectionMemo } from '../../src/index/SelectionMemo.js';
import { metrics } from '../../src/metrics/metrics.js';
import { filterKey, type MemoryFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryAttributes } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';

function attributes(agent: string, reward: number): MemoryAttributes {
  return {
    tags: { agent_id: agent, product_id: 'BTC-USD', regime: 'r', terminal: 'false' },
    numbers: { reward, timestamp: 0 },
  };
}

function labelsIn(selection: Selection): number[] {
  return [...(selection.labels ?? labelsOf(selection.bitmap, selection.count))];
}

/** 1,000 memories: agents a0…a9 in turn, rewards 0…999. */
function filled(): AttributeIndex {
  const index = new AttributeIndex(EPISODIC_SCHEMA, 16);
  for (let label = 0; label < 1000; label++) index.set(label, attributes(`a${label % 10}`, label));
  return index;
}

function selectWith(memo: SelectionMemo, index: AttributeIndex, filter: MemoryFilter): Selection {
  const compiled = index.compile(filter);
  if (compiled === null) throw new Error('the filter matches nothing');
  return memo.select(index, filterKey(filter), compiled, 8192);
}

const agentAbove = (agent: string, min: number): MemoryFilter => ({
  tags: { agent_id: [agent] },
  ranges: { reward: { min, minExclusive: false, maxExclusive: false } },
});

async function selections(result: 'kept' | 'selected'): Promise<number> {
  const values = (await metrics.filterSelections.get()).values;
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('SelectionMemo', () => {
  it('counts each answer as kept or selected (mnemo_index_filter_selections_total)', async () => {
    const index = filled();
    const memo = new SelectionMemo();
    const [kept, selected] = [await selections('kept'), await selections('selected')];
    selectWith(memo, index, agentAbove('a3', 500));
    selectWith(memo, index, agentAbove('a3', 500));
    selectWith(memo, index, agentAbove('a4', 500));
    index.remove(503);
    selectWith(memo, index, agentAbove('a3', 500));
    expect(await selections('kept')).toBe(kept + 1);
    expect(await selections('selected')).toBe(selected + 3);
  });

  it('answers a filter asked again with the selection select() gave, without selecting', () => {
    const index = filled();
    const memo = new SelectionMemo();
    const first = selectWith(memo, index, agentAbove('a3', 500));
    const select = vi.spyOn(index, 'select');
    const again = selectWith(memo, index, agentAbove('a3', 500));
    expect(again).toBe(first);
    expect(select).not.toHaveBeenCalled();
    expect(labelsIn(again)).toEqual(Array.from({ length: 50 }, (_, i) => 503 + 10 * i));
  });

  it('selects again once the index changed: a set or a remove is seen by the next search', () => {
    const index = filled();
    const memo = new SelectionMemo();
    expect(selectWith(memo, index, agentAbove('a3', 500)).count).toBe(50);
    index.set(1000, attributes('a3', 999));
    expect(labelsIn(selectWith(memo, index, agentAbove('a3', 500)))).toContain(1000);
    index.remove(503);
    const after = selectWith(memo, index, agentAbove('a3', 500));
    expect(after.count).toBe(50);
    expect(labelsIn(after)).not.toContain(503);
  });

  it('never answers one index with another’s selection', () => {
    const memo = new SelectionMemo();
    const one = filled();
    const other = new AttributeIndex(EPISODIC_SCHEMA, 16);
    other.set(7, attributes('a3', 600));
    expect(selectWith(memo, one, agentAbove('a3', 500)).count).toBe(50);
    expect(labelsIn(selectWith(memo, other, agentAbove('a3', 500)))).toEqual([7]);
  });

  it('keeps apart filters that differ only by an infinite bound', () => {
    const index = filled();
    const memo = new SelectionMemo();
    expect(selectWith(memo, index, agentAbove('a3', -Infinity)).count).toBe(100);
    expect(selectWith(memo, index, agentAbove('a3', Infinity)).count).toBe(0);
  });

  it('forgets the least recently used filters past its bound, keeping the recent ones', () => {
    const index = filled();
    const memo = new SelectionMemo();
    const kept = selectWith(memo, index, agentAbove('a1', 0));
    for (let min = 0; min < 300; min++) {
      selectWith(memo, index, agentAbove('a2', min));
      // a1's filter stays in use, so it is never the least recently used.
      expect(selectWith(memo, index, agentAbove('a1', 0))).toBe(kept);
    }
    const select = vi.spyOn(index, 'select');
    selectWith(memo, index, agentAbove('a2', 299));
    expect(select).not.toHaveBeenCalled();
    selectWith(memo, index, agentAbove('a2', 0));
    expect(select).toHaveBeenCalledTimes(1);
  });
});
