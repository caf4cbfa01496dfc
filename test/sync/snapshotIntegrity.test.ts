import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { SemanticMemory } from '../../src/generated/mnemo/v1/SemanticMemory.js';
import { clusteredVectors, rng } from '../../bench/lib/syntheticData.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';
import {
  elementAt,
  graphLayout,
  HEADER,
  recomputeManifest,
  snapshotFiles,
  type GraphLayout,
} from '../support/snapshotFiles.js';

const DIM = 8;
// At most SAMPLE_SIZE (256) per kind: the load samples every memory, so each corruption of a
// vector or label is caught deterministically.
const EPISODIC = 240;
const SEMANTIC = 40;
const PREFIX = 'integrity:';

const episodic: EpisodicMemory[] = clusteredVectors(EPISODIC, DIM, 5, 31).map((v, i) => ({
  id: `e-${i}`,
  agent_id: `agent-${i % 3}`,
  state_vector: { values: Array.from(v) },
  reward: i % 10,
}));
const semantic: SemanticMemory[] = clusteredVectors(SEMANTIC, DIM, 3, 32).map((v, i) => ({
  id: `s-${i}`,
  concept_vector: { values: Array.from(v) },
  memory_type: 'MEMORY_TYPE_PATTERN',
  win_rate: (i % 10) / 10,
}));

describe('Index snapshots', () => {
  let redis: RedisProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-integrity-'));
  const env = {
    MNEMO_KEY_PREFIX: PREFIX,
    MNEMO_DATA_DIR: dataDir,
    MNEMO_EXACT_SEARCH_MAX_CANDIDATES: '0',
  };
  const current = join(
    dataDir,
    'index',
    `prefix-${Buffer.from(PREFIX).toString('base64url')}`,
    'current',
  );
  const pristine = join(dataDir, 'pristine');
  const file = (path: string) => join(current, path);

  /** Puts the snapshot written after the memories were stored back in place. */
  function restore(): void {
    rmSync(current, { recursive: true, force: true });
    cpSync(pristine, current, { recursive: true });
  }

  /** Every memory found under its own id by an exact and a graph search of its own vector. */
  async function expectCorrectAnswers(app: App): Promise<void> {
    expect(app.indexes.get('episodic').size).toBe(EPISODIC);
    expect(app.indexes.get('semantic').size).toBe(SEMANTIC);
    const client = testClient(app.port);
    try {
      for (const exact of [true, false]) {
        const k = exact ? 1 : 5;
        const e = await Promise.all(
          episodic.map((m) => client.memory.searchEpisodic({ vector: m.state_vector, k, exact })),
        );
        e.forEach((reply, i) => {
          const ids = reply.hits.map((hit) => hit.memory?.id);
          expect(ids, `episodic ${i}, exact ${exact}`).toContain(episodic[i]?.id);
        });
        const s = await Promise.all(
          semantic.map((m) => client.memory.searchSemantic({ vector: m.concept_vector, k, exact })),
        );
        s.forEach((reply, i) => {
          const ids = reply.hits.map((hit) => hit.memory?.id);
          expect(ids, `semantic ${i}, exact ${exact}`).toContain(semantic[i]?.id);
        });
      }
    } finally {
      client.close();
    }
  }

  /** Starts an instance on the snapshot as it is now, checks its answers, stops it. */
  async function start(): Promise<App['indexSource']> {
    const app = await startApp(redis, env);
    try {
      await expectCorrectAnswers(app);
      return app.indexSource;
    } finally {
      await app.stop();
    }
  }

  function editGraph(edit: (graph: Buffer, layout: GraphLayout) => void): void {
    const graph = readFileSync(file('episodic/graph.hnsw'));
    edit(graph, graphLayout(graph));
    writeFileSync(file('episodic/graph.hnsw'), graph);
  }

  function editState(edit: (state: { labelToId: (string | undefined)[] }) => void): void {
    const state = deserialize(readFileSync(file('episodic/state.v8'))) as {
      labelToId: (string | undefined)[];
    };
    edit(state);
    writeFileSync(file('episodic/state.v8'), serialize(state));
  }

  function readMeta(): { files?: Record<string, unknown> } {
    return JSON.parse(readFileSync(file('meta.json'), 'utf8')) as {
      files?: Record<string, unknown>;
    };
  }

  beforeAll(async () => {
    redis = await startRedis();
    const app = await startApp(redis, env);
    const client = testClient(app.port);
    await client.memory.upsertEpisodic({ memories: episodic });
    await client.memory.upsertSemantic({ memories: semantic });
    client.close();
    await app.stop(); // writes the snapshot
    cpSync(current, pristine, { recursive: true });
  });

  afterAll(async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads an intact snapshot: its checksums, graph, state and sample all agree', async () => {
    restore();
    expect(await start()).toBe('snapshot');
  });

  /** A corruption, and whether a forger could also have made the manifest's checksums match. */
  const corruptions: { name: string; corrupt: () => void; forgeable: boolean }[] = [
    {
      name: '(1) the graph file is truncated',
      corrupt: () => {
        const path = file('episodic/graph.hnsw');
        truncateSync(path, readFileSync(path).length - 37);
      },
      forgeable: true,
    },
    {
      name: "(2) the graph header's element count is garbled",
      corrupt: () => {
        editGraph((graph) => graph.writeBigUInt64LE(1n << 40n, HEADER.count));
      },
      forgeable: true,
    },
    {
      name: "(2) the graph header's element size is garbled",
      corrupt: () => {
        editGraph((graph, { perElement }) =>
          graph.writeBigUInt64LE(BigInt(perElement + 8), HEADER.perElement),
        );
      },
      forgeable: true,
    },
    {
      name: "(3) 49 vectors are overwritten with another element's",
      corrupt: () => {
        editGraph((graph, layout) => {
          const bytes = layout.labelOffset - layout.offsetData;
          for (let i = 0; i < 49; i++) {
            const from = elementAt(layout, i + 100) + layout.offsetData;
            graph.copy(graph, elementAt(layout, i) + layout.offsetData, from, from + bytes);
          }
        });
      },
      forgeable: true,
    },
    {
      name: '(4) the labels of 100 elements are swapped in the graph',
      corrupt: () => {
        editGraph((graph, layout) => {
          for (let i = 0; i < 100; i += 2) {
            const a = elementAt(layout, i) + layout.labelOffset;
            const b = elementAt(layout, i + 1) + layout.labelOffset;
            const label = graph.readBigUInt64LE(a);
            graph.writeBigUInt64LE(graph.readBigUInt64LE(b), a);
            graph.writeBigUInt64LE(label, b);
          }
        });
      },
      forgeable: true,
    },
    {
      name: '(5) level-0 neighbour ids are out of range',
      corrupt: () => {
        editGraph((graph, layout) => {
          for (let i = 0; i < 10; i++)
            graph.writeUInt32LE(layout.count + 7 * i, elementAt(layout, i) + 4);
        });
      },
      forgeable: true,
    },
    {
      name: '(6) state.v8 is truncated',
      corrupt: () => {
        const path = file('episodic/state.v8');
        truncateSync(path, Math.floor(readFileSync(path).length / 2));
      },
      forgeable: true,
    },
    {
      name: '(6) state.v8 is garbled',
      corrupt: () => {
        const path = file('episodic/state.v8');
        const state = readFileSync(path);
        state.fill(0xff, Math.floor(state.length / 3), Math.floor(state.length / 3) + 64);
        writeFileSync(path, state);
      },
      forgeable: true,
    },
    {
      name: "(7) state.v8's labels of 100 memories are swapped",
      corrupt: () => {
        editState(({ labelToId }) => {
          for (let label = 0; label < 100; label += 2) {
            [labelToId[label], labelToId[label + 1]] = [labelToId[label + 1], labelToId[label]];
          }
        });
      },
      forgeable: true,
    },
    {
      name: '(8) meta.json is garbled',
      corrupt: () => {
        writeFileSync(file('meta.json'), '{"datasetId": "');
      },
      forgeable: false,
    },
    {
      name: '(8) meta.json has no checksums (a snapshot of an earlier version)',
      corrupt: () => {
        const meta = readMeta();
        delete meta.files;
        writeFileSync(file('meta.json'), JSON.stringify(meta));
      },
      forgeable: false,
    },
    {
      name: "(8) a file's checksum is missing from meta.json",
      corrupt: () => {
        const meta = readMeta();
        delete meta.files?.['semantic/state.v8'];
        writeFileSync(file('meta.json'), JSON.stringify(meta));
      },
      forgeable: false,
    },
    {
      name: '(9) a file is deleted',
      corrupt: () => {
        rmSync(file('episodic/state.v8'));
      },
      forgeable: true,
    },
    {
      name: '(9) an extra file is present',
      corrupt: () => {
        writeFileSync(file('episodic/extra.bin'), 'extra');
      },
      forgeable: false,
    },
  ];

  for (const { name, corrupt, forgeable } of corruptions) {
    it(`rebuilds from Redis when ${name}`, async () => {
      restore();
      corrupt();
      expect(await start()).toBe('rebuild');
    });
    if (!forgeable) continue;
    it(`rebuilds from Redis when ${name}, even with the checksums recomputed to match`, async () => {
      restore();
      corrupt();
      recomputeManifest(current);
      expect(await start()).toBe('rebuild');
    });
  }

  it('serves correct answers or rebuilds, never crashes, with random bytes flipped', async () => {
    const seed = 20261203;
    const random = rng(seed);
    const pick = (n: number) => Math.floor(random() * n);
    for (let round = 0; round < 20; round++) {
      restore();
      const paths = [...snapshotFiles(current), 'meta.json'];
      const path = paths[pick(paths.length)] ?? 'meta.json';
      const bytes = readFileSync(file(path));
      const flips = 1 + pick(4);
      for (let f = 0; f < flips; f++) {
        // A quarter of the flips hit the first 128 bytes: the graph's header, the state's start.
        const span = random() < 0.25 ? Math.min(128, bytes.length) : bytes.length;
        const at = pick(span);
        bytes[at] = (bytes[at] ?? 0) ^ (1 + pick(255));
      }
      writeFileSync(file(path), bytes);
      const forged = round % 2 === 1 && path !== 'meta.json';
      if (forged) recomputeManifest(current);
      const where = `seed ${seed}, round ${round}: ${flips} bytes of ${path}${forged ? ', forged' : ''}`;
      const source = await start().catch((error: unknown) => {
        throw new Error(`${where}: ${String(error)}`);
      });
      expect(['snapshot', 'rebuild'], where).toContain(source);
    }
  });

  it('rebuilds when a stored vector differs and only attributes changed since (touch)', async () => {
    restore();
    const graphPath = file('semantic/graph.hnsw');
    const graph = readFileSync(graphPath);
    const layout = graphLayout(graph);
    const from = elementAt(layout, 1) + layout.offsetData;
    graph.copy(graph, elementAt(layout, 0) + layout.offsetData, from, from + DIM * 4);
    writeFileSync(graphPath, graph);
    recomputeManifest(current);
    // Attributes-only entries for every semantic memory: their replay keeps the stored vectors,
    // so they must not excuse the overwritten one.
    const other = await startApp(redis, {
      ...env,
      MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-integrity-other-')),
    });
    const client = testClient(other.port);
    const touched = await client.memory.searchSemantic({
      vector: semantic[0]?.concept_vector,
      k: SEMANTIC,
      exact: true,
      touch: true,
    });
    client.close();
    await other.stop();
    expect(touched.hits).toHaveLength(SEMANTIC);
    expect(await start()).toBe('rebuild');
  });

  it('loads a snapshot whose memories changed in Redis after its position, then replays them', async () => {
    restore();
    const other = await startApp(redis, {
      ...env,
      MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-integrity-other-')),
    });
    const writer = testClient(other.port);
    const moved = clusteredVectors(20, DIM, 2, 99).map((v, i) => ({
      ...episodic[i],
      state_vector: { values: Array.from(v) },
    }));
    await writer.memory.upsertEpisodic({ memories: moved });
    await writer.memory.deleteEpisodic({ ids: ['e-20', 'e-21', 'e-22'] });
    writer.close();
    await other.stop();

    const app = await startApp(redis, env);
    try {
      expect(app.indexSource).toBe('snapshot');
      const index = app.indexes.get('episodic');
      await vi.waitFor(() => {
        expect(index.size).toBe(EPISODIC - 3);
      });
      const client = testClient(app.port);
      const found = await Promise.all(
        moved.map((m) =>
          client.memory.searchEpisodic({ vector: m.state_vector, k: 1, exact: true }),
        ),
      );
      client.close();
      expect(found.map((r) => r.hits[0]?.memory?.id)).toEqual(moved.map((m) => m.id));
      expect(index.has('e-20')).toBe(false);
    } finally {
      await app.stop();
    }
  });
});
