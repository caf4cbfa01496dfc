import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { EfCalibrator } from '../../src/sync/EfCalibrator.js';
import { IndexSet } from '../../src/index/IndexSet.js';
import { EF_CALIBRATION_MAX } from '../../src/index/EfTuner.js';
import { MemoryIndex, type IndexOptions } from '../../src/index/MemoryIndex.js';
import { registry } from '../../src/metrics/metrics.js';
import type { MemoryFilter } from '../../src/model/MemoryFilter.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { EPISODIC_SCHEMA } from '../../src/model/MemorySchema.js';
import { ClusteredData, cosineDistance, rng } from '../../bench/lib/syntheticData.js';

const DIM = 64;
const N = 8000;
const K = 10;
const TARGET = 0.95;
/**
 * A sparse graph (M 4) on hard data (24 local dimensions per cluster) whose configured default
 * (ef 1, i.e. k + 1) is far from the target: the calibration has something to find.
 */
const OPTIONS: IndexOptions = {
  dim: DIM,
  m: 4,
  efConstruction: 40,
  efRuntime: 1,
  exactSearchMaxCandidates: 100,
  initialCapacity: N,
};

const data = new ClusteredData(DIM, 40, 11, 24);

/** Memories of `agents` agents, a0, a1 …, an equal share each. */
function records(from: number, count: number, agents = 10): MemoryRecord[] {
  return data.sample(count, 1000 + from).map((vector, i) => ({
    id: `m-${from + i}`,
    vector,
    tags: { agent_id: `a${(from + i) % agents}`, product_id: 'p', regime: 'r', terminal: 'false' },
    numbers: { reward: 0, timestamp: from + i },
    payload: Buffer.alloc(0),
  }));
}

const silent = pino({ level: 'silent' });

/** Recall@10 at the default ef of 150 new queries, each filtered on agent `agent` if given. */
async function defaultRecall(
  index: MemoryIndex,
  stored: MemoryRecord[],
  seed: number,
  agent?: string,
): Promise<number> {
  const queries = data.sample(150, seed);
  const tags: Record<string, string[]> = agent === undefined ? {} : { agent_id: [agent] };
  const filter: MemoryFilter = { tags, ranges: {} };
  let found = 0;
  for (const query of queries) {
    const truth = stored
      .filter((r) => agent === undefined || r.tags.agent_id === agent)
      .map((r) => ({ id: r.id, d: cosineDistance(query, r.vector) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, K)
      .map((x) => x.id);
    const hits = await index.search({ vector: query, k: K, filter, efRuntime: 0, exact: false });
    const got = new Set(hits.map((h) => h.id));
    found += truth.filter((id) => got.has(id)).length;
  }
  return found / (queries.length * K);
}

/**
 * Serves `count` searches (what a calibration draws from), unfiltered or each on one of `agents`
 * agents.
 */
async function searchSome(
  index: MemoryIndex,
  count: number,
  byAgent = false,
  agents = 10,
): Promise<void> {
  const vectors = data.sample(count, byAgent ? 10 : 9);
  for (const [i, vector] of vectors.entries()) {
    const filter: MemoryFilter = {
      tags: byAgent ? { agent_id: [`a${i % agents}`] } : {},
      ranges: {},
    };
    await index.search({ vector, k: K, filter, efRuntime: 0, exact: false });
  }
}

async function build(stored: MemoryRecord[], options = OPTIONS): Promise<MemoryIndex> {
  const index = MemoryIndex.create(EPISODIC_SCHEMA, options);
  for (let i = 0; i < stored.length; i += 2000) await index.upsert(stored.slice(i, i + 2000));
  return index;
}

describe('MemoryIndex.calibrateEf', () => {
  let index: MemoryIndex;
  const stored = records(0, N);

  beforeAll(async () => {
    index = await build(stored);
  }, 60_000);

  it('raises the default ef until the searches clients make reach the target recall', async () => {
    // These searches are the calibration's queries (the index keeps the last ones it served).
    expect(await defaultRecall(index, stored, 5)).toBeLessThan(TARGET - 0.1);
    const agent = { tags: { agent_id: ['a1'] }, ranges: {} };
    const revisions = [index.revision, index.revisionFor(agent)];
    const calibration = await index.calibrateEf(TARGET, 128, undefined, rng(3));
    expect(calibration).not.toBeNull();
    // Searches answer differently now: the index's revisions say so (the result cache's check).
    expect(index.revision).not.toBe(revisions[0]);
    expect(index.revisionFor(agent)).not.toBe(revisions[1]);
    expect(calibration?.recall).toBeGreaterThanOrEqual(TARGET);
    expect(calibration?.size).toBe(N);
    expect(index.defaultEf).toBe(calibration?.ef);
    expect(index.defaultEf).toBeGreaterThan(K);
    // Other queries from the same distribution: within the estimate's error of the target.
    expect(await defaultRecall(index, stored, 6)).toBeGreaterThanOrEqual(TARGET - 0.03);
    // No filtered search was served: nothing to measure the filtered default on.
    expect(calibration?.filteredScale).toBe(1);
    expect(calibration?.filteredRecall).toBeNull();
  });

  it('lowers the default ef where the configured one is more than the target needs', async () => {
    const easy = await build(stored, { ...OPTIONS, m: 16, efConstruction: 100, efRuntime: 256 });
    await searchSome(easy, 128);
    const calibration = await easy.calibrateEf(TARGET, 128, undefined, rng(12));
    expect(calibration?.recall).toBeGreaterThanOrEqual(TARGET);
    expect(easy.defaultEf).toBe(calibration?.ef);
    expect(easy.defaultEf).toBeLessThan(128);
    expect(await defaultRecall(easy, stored, 13)).toBeGreaterThanOrEqual(TARGET - 0.03);
  });

  it('scales the filtered default ef to the filtered searches served', async () => {
    // 25 agents of 4% each: a filtered walk of the default's share of ef falls short here.
    const shared = records(0, N, 25);
    const filtered = await build(shared);
    await searchSome(filtered, 128);
    await searchSome(filtered, 128, true, 25); // each on one agent's 4%: through the graph
    const calibration = await filtered.calibrateEf(TARGET, 128, undefined, rng(8));
    expect(calibration?.filteredRecall).toBeGreaterThanOrEqual(TARGET);
    // This sparse graph needs a wider filtered walk than the unscaled default gives.
    expect(calibration?.filteredScale).toBeGreaterThan(1);
    for (const agent of ['a3', 'a17']) {
      expect(await defaultRecall(filtered, shared, 11, agent)).toBeGreaterThanOrEqual(
        TARGET - 0.03,
      );
    }
  });

  it('waits for searches to calibrate on: stored vectors are no stand-in for queries', async () => {
    const fresh = await build(stored.slice(0, 4000));
    expect(await fresh.calibrateEf(TARGET, 128, undefined, rng(4))).toBeNull();
    expect(fresh.defaultEf).toBe(OPTIONS.efRuntime);
  });

  it('stops raising ef where recall levels off below the target', async () => {
    // Every vector stored four times: among equal distances, which copies a search returns is
    // arbitrary, so recall levels off below 1 whatever the ef (a dense graph gets there early).
    const copies = records(0, 2500).flatMap((r) =>
      [0, 1, 2, 3].map((c) => ({ ...r, id: `${r.id}-${c}` })),
    );
    const tied = await build(copies, { ...OPTIONS, m: 16, efConstruction: 100, efRuntime: 16 });
    await searchSome(tied, 128);
    const calibration = await tied.calibrateEf(TARGET, 128, undefined, rng(5));
    expect(calibration?.recall).toBeLessThan(TARGET);
    expect(calibration?.ef).toBeLessThan(EF_CALIBRATION_MAX);
  });

  it('keeps the configured default while unfiltered searches are exact', async () => {
    const small = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await small.upsert(stored.slice(0, 100));
    await searchSome(small, 64);
    expect(await small.calibrateEf(TARGET, 64)).toBeNull();
    expect(small.defaultEf).toBe(OPTIONS.efRuntime);
  });

  it('changes nothing when stopped midway', async () => {
    const other = MemoryIndex.create(EPISODIC_SCHEMA, OPTIONS);
    await other.upsert(stored.slice(0, 2000));
    await searchSome(other, 64);
    const stop = new AbortController();
    stop.abort();
    expect(await other.calibrateEf(TARGET, 64, stop.signal)).toBeNull();
    expect(other.efCalibration).toBeNull();
  });

  it('keeps its calibration in the snapshot, and a rebuilt index inherits it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-ef-'));
    try {
      await index.save(dir);
      const loaded = await MemoryIndex.load(dir, EPISODIC_SCHEMA, OPTIONS);
      expect(loaded.efCalibration).toEqual(index.efCalibration);
      expect(loaded.defaultEf).toBe(index.defaultEf);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const set = new IndexSet(OPTIONS);
    set.replace('episodic', index);
    const rebuilt = set.create('episodic');
    set.replace('episodic', rebuilt);
    expect(rebuilt.defaultEf).toBe(index.defaultEf);
  });
});

describe('EfCalibrator', () => {
  async function gauge(name: string): Promise<number | undefined> {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => v.labels.kind === 'episodic')?.value;
  }

  it('calibrates an index once it needs the graph, and again only after it grew by a quarter', async () => {
    const set = new IndexSet(OPTIONS);
    const index = set.get('episodic');
    const calibrator = new EfCalibrator(
      set,
      { targetRecall: TARGET, checkIntervalMs: 60_000, samples: 32 },
      silent,
    );
    await index.upsert(records(0, 50));
    await calibrator.check();
    expect(index.efCalibration).toBeNull(); // 50 memories: unfiltered searches are exact

    await index.upsert(records(50, 2950));
    await calibrator.check();
    expect(index.efCalibration).toBeNull(); // no searches yet to calibrate on
    await searchSome(index, 32);
    await calibrator.check();
    const first = index.efCalibration;
    expect(first?.size).toBe(3000);
    expect(await gauge('mnemo_index_ef_default')).toBe(first?.ef);
    expect(await gauge('mnemo_index_recall_estimate')).toBe(first?.recall);

    await index.upsert(records(3000, 500)); // +17%: not yet
    await calibrator.check();
    expect(index.efCalibration).toBe(first);

    await index.upsert(records(3500, 500)); // +33%
    await calibrator.check();
    const second = index.efCalibration;
    expect(second?.size).toBe(4000);
    expect(second?.filteredRecall).toBeNull();

    await searchSome(index, 16, true); // filtered searches, at the same size: measured once
    await calibrator.check();
    expect(index.efCalibration).not.toBe(second);
    expect(index.efCalibration?.filteredRecall).not.toBeNull();
    expect(await gauge('mnemo_index_filtered_ef_scale')).toBe(index.efCalibration?.filteredScale);
    await calibrator.stop();
  }, 60_000);

  it('measures a rebuilt index on its own graph at the next check, on the searches served before', async () => {
    const set = new IndexSet(OPTIONS);
    const calibrator = new EfCalibrator(
      set,
      { targetRecall: TARGET, checkIntervalMs: 60_000, samples: 32 },
      silent,
    );
    const old = set.get('episodic');
    await old.upsert(records(0, 3000));
    await searchSome(old, 32);
    await calibrator.check();
    const first = old.efCalibration;
    expect(first?.size).toBe(3000);

    const rebuilt = set.create('episodic');
    await rebuilt.upsert(records(0, 3000));
    set.replace('episodic', rebuilt);
    expect(rebuilt.efCalibration).toBe(first); // until measured: the old graph's default
    expect(rebuilt.calibrationInherited).toBe(true);
    await calibrator.check(); // same size, and no search served since the swap
    expect(rebuilt.efCalibration).not.toBe(first);
    expect(rebuilt.efCalibration?.size).toBe(3000);
    expect(rebuilt.calibrationInherited).toBe(false);
    expect(await gauge('mnemo_index_ef_default')).toBe(rebuilt.defaultEf);
    await calibrator.stop();
  }, 60_000);
});
