import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HnswEngine, type HnswOptions } from '../../src/index/HnswEngine.js';
import { gaussian, rng } from '../../bench/lib/syntheticData.js';

const DIM = 256;
const OPTIONS = { dim: DIM, m: 16, efConstruction: 16 } as const;
const HUGE_PAGE = 2 << 20;
/** What an element takes in the base layer: 2·M + 1 link words, the vector and the label. */
const ELEMENT_BYTES = (2 * OPTIONS.m + 1) * 4 + DIM * 4 + 8;
/** Linux with transparent huge pages built in (else the advice is refused and nothing moves). */
const THP = process.platform === 'linux' && existsSync('/sys/kernel/mm/transparent_hugepage');

function engine(initialCapacity: number): HnswEngine {
  const options: HnswOptions = { ...OPTIONS, initialCapacity };
  return new HnswEngine(options);
}

function vectors(n: number, seed: number): Float32Array {
  const random = rng(seed);
  return Float32Array.from({ length: n * DIM }, () => gaussian(random));
}

function labels(from: number, n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => from + i);
}

/** Sizes in bytes of this process's mappings the kernel holds advised for huge pages. */
function advisedMappings(): number[] {
  const sizes: number[] = [];
  let size = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const kb = /^Size:\s+(\d+) kB/.exec(line);
    if (kb !== null) size = Number(kb[1]) * 1024;
    if (line.startsWith('VmFlags:') && line.split(/\s+/).includes('hg')) sizes.push(size);
  }
  return sizes;
}

describe('HnswEngine base layer on huge pages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-huge-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(THP)('advises a base layer spanning huge pages for them from its creation', () => {
    const e = engine(4096);
    const advised = e.stats().hugePageBytes;
    expect(advised % HUGE_PAGE).toBe(0);
    expect(advised).toBeGreaterThanOrEqual(4096 * ELEMENT_BYTES - HUGE_PAGE);
    expect(advised).toBeLessThanOrEqual(4096 * ELEMENT_BYTES);
    // The kernel holds the advice (whether it maps huge pages is its THP setting's call).
    expect(Math.max(0, ...advisedMappings())).toBeGreaterThanOrEqual(advised);
  });

  it('leaves a base layer smaller than a huge page as it is', () => {
    expect(engine(64).stats().hugePageBytes).toBe(0);
  });

  it.runIf(THP)('keeps the advice as the graph grows and when it is loaded', async () => {
    const e = engine(1000);
    expect(e.stats().hugePageBytes).toBe(0);
    const data = vectors(4000, 7);
    await e.add(labels(0, 4000), data);
    const grown = e.stats();
    expect(grown.capacity).toBeGreaterThanOrEqual(4000);
    expect(grown.hugePageBytes).toBeGreaterThan(0);
    expect(grown.hugePageBytes).toBeLessThanOrEqual(grown.capacity * ELEMENT_BYTES);

    const path = join(dir, 'grown.hnsw');
    await e.save(path);
    const loaded = await HnswEngine.load(path, { ...OPTIONS, initialCapacity: 0 });
    expect(loaded.stats().hugePageBytes).toBeGreaterThanOrEqual(4000 * ELEMENT_BYTES - HUGE_PAGE);
    // The elements moved with their base layer: the same answers, exactly.
    const q = vectors(20, 8);
    const [a, b] = await Promise.all([e.search(q, 10, 64), loaded.search(q, 10, 64)]);
    expect(b.map((r) => Array.from(r.labels))).toEqual(a.map((r) => Array.from(r.labels)));
    expect(b.map((r) => Array.from(r.distances))).toEqual(a.map((r) => Array.from(r.distances)));
    expect(loaded.getVector(1234)).toEqual(e.getVector(1234));

    // Full after the load: the moved base layer grows (realloc) and keeps every element.
    const more = vectors(2000, 9);
    await loaded.add(labels(4000, 2000), more);
    const regrown = loaded.stats();
    expect(regrown.capacity).toBeGreaterThanOrEqual(6000);
    expect(regrown.hugePageBytes).toBeGreaterThanOrEqual(4000 * ELEMENT_BYTES - HUGE_PAGE);
    expect(loaded.getVector(1234)).toEqual(e.getVector(1234));
    const [self] = await loaded.searchExact(more.subarray(0, DIM), 1, null);
    expect(self?.labels[0]).toBe(4000);
  });
});
