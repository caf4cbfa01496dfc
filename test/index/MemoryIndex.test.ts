import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexSet } from '../../src/index/IndexSet.js';
import { MemoryIndex } from '../../src/index/MemoryIndex.js';
import { filterAsOf } from '../../src/model/asOf.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';

const DIM = 4;
const OPTIONS = {
  dim: DIM,
  m: 8,
  efConstruction: 32,
  efRuntime: 16,
  exactSearchMaxCandidates: 100,
};

function memory(id: string, payload: string, agent = 'a'): MemoryRecord {
  return {
    id,
    vector: Float32Array.of(1, id.length, 0.5, 0.25),
    tags: { agent_id: agent, product_id: 'p', regime: 'r', terminal: 'false' },
    numbers: { reward: 1, timestamp: 2, outcome_known_at: 2 },
    payload: Buffer.from(payload),
  };
}

describe('MemoryIndex', () => {
  it('tells a stored copy with an older payload or attributes from the one it applied', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert([memory('m1', 'old')]);
    await index.upsert([memory('m1', 'new')]); // same vector and attributes
    expect(index.isCurrent('m1', memory('m1', 'new'))).toBe(true);
    expect(index.isCurrent('m1', memory('m1', 'old'))).toBe(false);
    expect(index.isCurrent('m1', memory('m1', 'new', 'b'))).toBe(false);
    expect(index.isCurrent('m1', null)).toBe(false);
    expect(index.isCurrent('unknown', null)).toBe(true);
  });

  it('gives a memory a new revision with every change, and never one seen before', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    const seen = new Set<number>();
    const note = (id: string): number => {
      const revision = index.revisionOf(id);
      expect(seen.has(revision)).toBe(false);
      seen.add(revision);
      return revision;
    };
    await index.upsert([memory('m1', 'a')]);
    note('m1');
    await index.upsert([memory('m1', 'a')]);
    note('m1');
    index.setAttributes('m1', memory('m1', 'a', 'b'));
    note('m1');
    index.remove(['m1']);
    expect(index.revisionOf('m1')).toBe(-1);
    await index.upsert([memory('m2', 'a')]); // may take m1's label
    note('m2');
    // Another index on the same clock (a rebuild: see IndexSet) never hands out a revision this
    // one did.
    const rebuilt = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS, index.clock);
    await rebuilt.upsert([memory('m2', 'a')]);
    expect(seen.has(rebuilt.revisionOf('m2'))).toBe(false);
  });

  it('keeps earlier outcomes through a snapshot, for as-of searches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-index-'));
    try {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
      const revised: MemoryRecord = {
        ...memory('m1', 'p'),
        numbers: { reward: -1, timestamp: 2, outcome_known_at: 10 },
        versions: [{ knownAt: 2, tags: { terminal: 'false' }, numbers: { reward: 1 } }],
      };
      await index.upsert([revised]);
      await index.save(dir);
      const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, OPTIONS, index.clock);
      const outcome = EPISODIC_SCHEMA.outcome;
      if (outcome === null) throw new Error('episodic memories have an outcome');
      const winners = {
        tags: {},
        ranges: { reward: { min: 0, minExclusive: false, maxExclusive: false } },
      };
      const search = (asOf: number) => ({
        vector: revised.vector,
        k: 1,
        filter: filterAsOf(outcome, winners, asOf),
        efRuntime: 0,
        exact: false,
        asOf,
      });
      expect((await loaded.search(search(5))).map((h) => h.id)).toEqual(['m1']);
      expect(await loaded.search(search(10))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds a memory once when two upserts of it overlap, the one bound last', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, { ...OPTIONS, payloadMaxBytes: 64 });
    const first = memory('m1', 'first');
    const second = { ...memory('m1', 'second'), vector: Float32Array.of(0, 1, 0, 0) };
    await Promise.all([index.upsert([first]), index.upsert([second])]);
    expect(index.size).toBe(1);
    const held = index.heldRecord('m1', index.revisionOf('m1'))?.payload.toString();
    expect(['first', 'second']).toContain(held);
    const query = { k: 5, filter: { tags: {}, ranges: {} }, efRuntime: 0 };
    for (const vector of [first.vector, second.vector]) {
      for (const exact of [false, true]) {
        const hits = await index.search({ ...query, exact, vector });
        expect(hits.map((h) => h.id)).toEqual(['m1']);
      }
    }
    // The other label left the graph: a snapshot of it loads (its labels are checked).
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-index-'));
    try {
      await index.save(dir);
      const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, OPTIONS, index.clock);
      expect(loaded.size).toBe(1);
      expect(await loaded.search({ ...query, exact: true, vector: first.vector })).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves its own revision with every change it applies, and only then', async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    const seen = new Set<number>([index.revision]);
    const moved = (): void => {
      expect(seen.has(index.revision)).toBe(false);
      seen.add(index.revision);
    };
    await index.upsert([memory('m1', 'a'), memory('m22', 'b')]);
    moved();
    const query = { k: 2, filter: { tags: {}, ranges: {} }, efRuntime: 0, exact: false };
    await index.search({ ...query, vector: memory('m1', '').vector });
    expect(index.matchingIds({ tags: {}, ranges: {} })).toHaveLength(2);
    expect(index.revision).toBe([...seen].at(-1)); // reads change nothing
    await index.upsert([memory('m1', 'a')]); // the same memory again: a change all the same
    moved();
    index.setAttributes('m1', { ...memory('m1', 'a'), numbers: { reward: 3, timestamp: 2 } });
    moved();
    index.remove(['m22']);
    moved();
    index.remove(['unknown']);
    expect(index.revision).toBe([...seen].at(-1));
    expect(index.removeAt('m1', index.revisionOf('m1'))).toBe(true);
    moved();
    // A rebuilt index on the same clock starts at a revision of its own, even while empty.
    const rebuilt = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS, index.clock);
    expect(seen.has(rebuilt.revision)).toBe(false);
  });

  it("moves a filter's revision only with changes to memories its tags can match", async () => {
    const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await index.upsert([memory('a1', 'x', 'a'), memory('b22', 'x', 'b')]);
    const filters = {
      a: { tags: { agent_id: ['a'] }, ranges: {} },
      b: { tags: { agent_id: ['b'] }, ranges: {} },
      aOrB: { tags: { agent_id: ['a', 'b'] }, ranges: {} },
      aInBull: { tags: { agent_id: ['a'], regime: ['bull'] }, ranges: {} },
      nobody: { tags: { agent_id: ['nobody'] }, ranges: {} },
      all: { tags: {}, ranges: { reward: { min: 0, minExclusive: false, maxExclusive: false } } },
    };
    type Name = keyof typeof filters;
    let last = Object.fromEntries(
      Object.entries(filters).map(([name, f]) => [name, index.revisionFor(f)]),
    ) as Record<Name, number>;
    /** The filters whose revision moved since last asked. */
    const moved = (): Name[] => {
      const now = Object.fromEntries(
        Object.entries(filters).map(([name, f]) => [name, index.revisionFor(f)]),
      ) as Record<Name, number>;
      const names = (Object.keys(filters) as Name[]).filter((name) => now[name] !== last[name]);
      last = now;
      return names;
    };
    await index.upsert([memory('b333', 'x', 'b')]);
    expect(moved()).toEqual(['b', 'aOrB', 'all']);
    index.setAttributes('b22', memory('b22', 'x', 'a')); // from agent b to agent a
    expect(moved()).toEqual(['a', 'b', 'aOrB', 'all']);
    // Agent a, but in regime r: nothing a filter on agent a in regime bull matches.
    await index.upsert([memory('a1', 'changed', 'a')]);
    expect(moved()).toEqual(['a', 'aOrB', 'all']);
    await index.upsert([{ ...memory('a4444', 'x', 'a'), tags: { agent_id: 'a', regime: 'bull' } }]);
    expect(moved()).toEqual(['a', 'aOrB', 'aInBull', 'all']);
    index.remove(['b333']);
    expect(moved()).toEqual(['b', 'aOrB', 'all']);
    await index.upsert([memory('n55555', 'x', 'nobody')]);
    expect(moved()).toEqual(['nobody', 'all']);
    // A rebuilt index on the same clock: every filter at a revision of its own.
    const rebuilt = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS, index.clock);
    for (const filter of Object.values(filters)) {
      expect(Object.values(last)).not.toContain(rebuilt.revisionFor(filter));
    }
  });

  it('keeps the payload fingerprints through a snapshot, with fresh revisions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-index-'));
    try {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
      await index.upsert([memory('m1', 'current')]);
      await index.save(dir);
      const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, OPTIONS, index.clock);
      expect(loaded.isCurrent('m1', memory('m1', 'current'))).toBe(true);
      expect(loaded.isCurrent('m1', memory('m1', 'stale'))).toBe(false);
      expect(loaded.revisionOf('m1')).toBeGreaterThan(index.revisionOf('m1'));
      expect(loaded.revision).toBeGreaterThan(index.revision);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('heldRecord', () => {
    const HOLDING = { ...OPTIONS, payloadMaxBytes: 16 };
    const withoutVector = (record: MemoryRecord) => ({ ...record, vector: new Float32Array(0) });

    it('gives the memory as applied, without its vector, at its current revision only', async () => {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, HOLDING);
      await index.upsert([memory('m1', 'first')]);
      const revision = index.revisionOf('m1');
      expect(index.heldRecord('m1', revision)).toEqual(withoutVector(memory('m1', 'first')));
      index.setAttributes('m1', memory('m1', 'second', 'b'));
      expect(index.heldRecord('m1', revision)).toBeUndefined();
      expect(index.heldRecord('m1', index.revisionOf('m1'))).toEqual(
        withoutVector(memory('m1', 'second', 'b')),
      );
      expect(index.heldRecord('unknown', revision)).toBeUndefined();
    });

    it('keeps the payload through a change of attributes alone', async () => {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, HOLDING);
      await index.upsert([memory('m1', 'kept')]);
      const { tags, numbers } = memory('m1', '', 'b');
      index.setAttributes('m1', { tags, numbers });
      expect(index.heldRecord('m1', index.revisionOf('m1'))?.payload.toString()).toBe('kept');
    });

    it('holds none for a payload above the limit, a missing field, a removed memory', async () => {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, HOLDING);
      await index.upsert([memory('big', 'a payload above sixteen bytes'), memory('m2', 'small')]);
      expect(index.heldRecord('big', index.revisionOf('big'))).toBeUndefined();
      const partial = memory('m2', 'small');
      delete partial.numbers.reward;
      index.setAttributes('m2', partial);
      expect(index.heldRecord('m2', index.revisionOf('m2'))).toBeUndefined();
      await index.upsert([memory('m3', 'small')]);
      const revision = index.revisionOf('m3');
      index.remove(['m3']);
      expect(index.heldRecord('m3', revision)).toBeUndefined();
      const none = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
      await none.upsert([memory('m1', '')]);
      expect(none.heldRecord('m1', none.revisionOf('m1'))).toBeUndefined();
    });

    it('carries earlier outcomes, and keeps records through a snapshot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mnemo-held-'));
      try {
        const index = MemoryIndex.create(EPISODIC_SCHEMA, HOLDING);
        const revised = memory('m1', 'revised');
        revised.versions = [{ knownAt: 1, tags: { terminal: 'false' }, numbers: { reward: -1 } }];
        await index.upsert([revised, memory('m2', '')]);
        expect(index.heldRecord('m1', index.revisionOf('m1'))?.versions).toEqual(revised.versions);
        await index.save(dir);
        const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, HOLDING, index.clock);
        expect(loaded.heldRecord('m1', loaded.revisionOf('m1'))).toEqual(withoutVector(revised));
        expect(loaded.heldRecord('m2', loaded.revisionOf('m2'))).toEqual(
          withoutVector(memory('m2', '')),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('stores vectors as float16 when asked, and loads such a snapshot only as float16', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-index16-'));
    const half = { ...OPTIONS, vectorPrecision: 'float16' as const };
    try {
      const index = MemoryIndex.create(EPISODIC_SCHEMA, half);
      await index.upsert([memory('m1', 'a'), memory('m22', 'b')]);
      const query = { k: 2, filter: { tags: {}, ranges: {} }, efRuntime: 0, exact: false };
      const [hit] = await index.search({ ...query, vector: memory('m22', '').vector });
      expect(hit?.id).toBe('m22');
      expect(hit?.distance).toBeLessThan(1e-3);
      await index.save(dir);
      const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, half);
      expect((await loaded.search({ ...query, vector: memory('m1', '').vector }))[0]?.id).toBe(
        'm1',
      );
      await expect(MemoryIndex.load(dir, EPISODIC_SCHEMA, OPTIONS)).rejects.toThrow(
        /does not fit .*float16/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('IndexSet', () => {
  it('never hands out a revision seen before, in a rebuilt or a loaded index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-indexset-'));
    try {
      const set = new IndexSet(OPTIONS);
      await set.get('episodic').upsert([memory('m1', 'a')]);
      const seen = set.get('episodic').revisionOf('m1');
      await set.get('episodic').save(dir);
      const rebuilt = set.create('episodic');
      await rebuilt.upsert([memory('m1', 'a')]);
      const loaded = await set.load('episodic', dir);
      const revisions = [seen, rebuilt.revisionOf('m1'), loaded.revisionOf('m1')];
      expect(new Set(revisions).size).toBe(3);
      expect(revisions.every((r) => r > 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
