import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HnswEngine } from '../../src/index/HnswEngine.js';
import { gaussian, rng } from '../../bench/lib/syntheticData.js';
import { elementAt, graphLayout, HEADER, type GraphLayout } from '../support/snapshotFiles.js';

const DIM = 8;
const COUNT = 300;
const OPTIONS = { dim: DIM, m: 4, efConstruction: 50, initialCapacity: 0 } as const;
/** Header offsets beyond those test/support/snapshotFiles.ts names. */
const MAX_LEVEL = 48;
const ENTRY = 52;
const MAX_M = 56;
const M = 72;

/** Per element: its level and the offset of its upper-layer link lists (after their size). */
function upperLists(graph: Buffer, layout: GraphLayout): { level: number; at: number }[] {
  const perLevel = Number(graph.readBigUInt64LE(MAX_M)) * 4 + 4;
  const lists: { level: number; at: number }[] = [];
  let at = elementAt(layout, layout.count);
  for (let i = 0; i < layout.count; i++) {
    const size = graph.readUInt32LE(at);
    lists.push({ level: size / perLevel, at: at + 4 });
    at += 4 + size;
  }
  return lists;
}

describe('HnswEngine.load of a corrupted graph', () => {
  let dir: string;
  let saved: Buffer;
  let layout: GraphLayout;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-graph-checks-'));
    const random = rng(7);
    const vectors = Float32Array.from({ length: COUNT * DIM }, () => gaussian(random));
    const engine = new HnswEngine(OPTIONS);
    await engine.add(
      Uint32Array.from({ length: COUNT }, (_, i) => i),
      vectors,
    );
    engine.remove(Uint32Array.of(3, 4));
    await engine.save(join(dir, 'graph.hnsw'));
    saved = await readFile(join(dir, 'graph.hnsw'));
    layout = graphLayout(saved);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Loads the saved graph as `edit` changed it, or as the Buffer it returns (the label limit: the
   * labels handed out).
   */
  async function load(edit: (graph: Buffer) => unknown, labelLimit = COUNT) {
    const graph = Buffer.from(saved);
    const path = join(dir, 'edited.hnsw');
    const edited = edit(graph);
    await writeFile(path, Buffer.isBuffer(edited) ? edited : graph);
    return HnswEngine.load(path, OPTIONS, labelLimit);
  }

  it('loads the graph as saved', async () => {
    const engine = await load(() => undefined);
    expect(engine.size).toBe(COUNT - 2);
    expect(engine.liveLabels()).toHaveLength(COUNT - 2);
  });

  it.each([
    ['the element count', HEADER.count, 1n << 40n, /element count/],
    ['the element size', HEADER.perElement, 4n, /element layout/],
    ['the label offset', HEADER.labelOffset, 1n << 50n, /element layout/],
    ['M', M, 1n << 33n, /M out of range/],
    ['maxM', MAX_M, 5n, /M out of range/],
  ])('refuses a garbled header field: %s', async (_name, offset, value, error) => {
    await expect(load((g) => g.writeBigUInt64LE(value, offset))).rejects.toThrow(error);
  });

  it('refuses an entry point or top level out of range', async () => {
    await expect(load((g) => g.writeUInt32LE(COUNT, ENTRY))).rejects.toThrow(/entry point/);
    await expect(
      load((g) => g.writeInt32LE(g.readInt32LE(MAX_LEVEL) + 1, MAX_LEVEL)),
    ).rejects.toThrow(/entry point|top level/);
    await expect(load((g) => g.writeInt32LE(-5, MAX_LEVEL))).rejects.toThrow(/top level/);
  });

  it('refuses every truncation and trailing bytes', async () => {
    for (let length = 0; length < saved.length; length += Math.ceil(saved.length / 60)) {
      await expect(load((g) => g.subarray(0, length))).rejects.toThrow(/corrupted/);
    }
    await expect(load((g) => Buffer.concat([g, Buffer.alloc(3)]))).rejects.toThrow(/trailing/);
  });

  it('refuses an upper-layer link list size out of range', async () => {
    const [first] = upperLists(saved, layout);
    await expect(load((g) => g.writeUInt32LE(7, (first?.at ?? 0) - 4))).rejects.toThrow(
      /link list size of element 0/,
    );
  });

  it('refuses level-0 links out of range or too many of them', async () => {
    const links = elementAt(layout, 10);
    await expect(load((g) => g.writeUInt32LE(COUNT + 1, links + 4))).rejects.toThrow(
      /link of element 10 on level 0 out of range/,
    );
    await expect(load((g) => g.writeUInt16LE(layout.maxM0 + 1, links))).rejects.toThrow(
      /too many links of element 10 on level 0/,
    );
  });

  it('refuses an upper-layer link to an element without that layer', async () => {
    const lists = upperLists(saved, layout);
    const upper = lists.findIndex((list) => list.level >= 1);
    const flat = lists.findIndex((list) => list.level === 0);
    const at = lists[upper]?.at ?? 0;
    await expect(
      load((g) => {
        g.writeUInt16LE(1, at);
        g.writeUInt32LE(flat, at + 4);
      }),
    ).rejects.toThrow(new RegExp(`link of element ${upper} on level 1 out of range`));
  });

  it('refuses unknown flags, repeated labels, labels beyond the limit and vectors not finite', async () => {
    await expect(load((g) => g.writeUInt8(1, elementAt(layout, 5) + 3))).rejects.toThrow(
      /unknown flags on element 5/,
    );
    const label = (i: number) => elementAt(layout, i) + layout.labelOffset;
    await expect(
      load((g) => g.writeBigUInt64LE(g.readBigUInt64LE(label(0)), label(1))),
    ).rejects.toThrow(/labels are not unique/);
    await expect(load((g) => g.writeBigUInt64LE(5000n, label(1)))).rejects.toThrow(
      /label 5000 of element 1 out of range/,
    );
    await expect(load((g) => g.writeBigUInt64LE(1n << 40n, label(1)), 2 ** 32)).rejects.toThrow(
      /out of range/,
    );
    await expect(
      load((g) => g.writeFloatLE(Number.NaN, elementAt(layout, 2) + layout.offsetData)),
    ).rejects.toThrow(/vector of element 2 not finite/);
  });
});
