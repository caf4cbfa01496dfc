import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import { clusteredVectors } from '../../bench/lib/syntheticData.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';

const DIM = 8;

function memories(n: number, offset: number): EpisodicMemory[] {
  return clusteredVectors(n, DIM, 5, 21 + offset).map((v, i) => ({
    id: `m-${offset + i}`,
    agent_id: `agent-${i % 3}`,
    state_vector: { values: Array.from(v) },
    reward: i % 10,
  }));
}

describe('index snapshots', () => {
  let redis: RedisProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-snapshot-'));
  const env = {
    MNEMO_KEY_PREFIX: 'snap:',
    MNEMO_DATA_DIR: dataDir,
    MNEMO_CHANGE_STREAM_MAX_LEN: '1000',
    MNEMO_EXACT_SEARCH_MAX_CANDIDATES: '0',
  };
  const queries = clusteredVectors(8, DIM, 5, 77).map((v) => ({ values: Array.from(v) }));

  async function answers(app: App): Promise<string[][]> {
    const client = testClient(app.port);
    try {
      const results = await Promise.all(
        queries.map((vector) => client.memory.searchEpisodic({ vector, k: 10, exact: true })),
      );
      return results.map((r) => r.hits.map((h) => h.memory?.id ?? ''));
    } finally {
      client.close();
    }
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts from the snapshot written at shutdown and replays the changes made since', async () => {
    const first = await startApp(redis, env);
    expect(first.indexSource).toBe('rebuild');
    const client = testClient(first.port);
    await client.memory.upsertEpisodic({ memories: memories(300, 0) });
    client.close();
    await first.stop();

    // Another instance (its own data dir) changes the data while the first is down.
    const other = await startApp(redis, {
      ...env,
      MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-other-')),
    });
    const writer = testClient(other.port);
    await writer.memory.upsertEpisodic({ memories: memories(50, 1000) });
    await writer.memory.deleteEpisodic({ ids: ['m-1', 'm-2', 'm-3'] });
    writer.close();

    const again = await startApp(redis, env);
    expect(again.indexSource).toBe('snapshot');
    await vi.waitFor(() => {
      expect(again.indexes.get('episodic').size).toBe(347);
    });
    expect(await answers(again)).toEqual(await answers(other));
    await again.stop();
    await other.stop();
  });

  it('rebuilds instead when the changes since the snapshot were trimmed from the stream', async () => {
    const other = await startApp(redis, {
      ...env,
      MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-other-')),
    });
    const writer = testClient(other.port);
    for (let i = 0; i < 1300; i++)
      await writer.memory.upsertEpisodic({ memories: memories(1, 5000 + i) });
    writer.close();
    const again = await startApp(redis, env);
    expect(again.indexSource).toBe('rebuild');
    expect(again.indexes.get('episodic').size).toBe(other.indexes.get('episodic').size);
    expect(await answers(again)).toEqual(await answers(other));
    await again.stop();
    await other.stop();
  });

  it('never loads the snapshot of another dataset', async () => {
    const fresh = await startRedis();
    try {
      const app = await startApp(fresh, env);
      expect(app.indexSource).toBe('rebuild');
      expect(app.indexes.get('episodic').size).toBe(0);
      await app.stop();
    } finally {
      await fresh.stop();
    }
  });

  it('keeps applying writes when the snapshot directory cannot be written', async () => {
    const blocked = join(dataDir, 'a-file');
    writeFileSync(blocked, 'not a directory');
    const app = await startApp(redis, {
      ...env,
      MNEMO_KEY_PREFIX: 'snap-blocked:',
      MNEMO_DATA_DIR: join(blocked, 'data'),
      MNEMO_SNAPSHOT_INTERVAL_MS: '20',
    });
    const client = testClient(app.port);
    try {
      for (let round = 0; round < 3; round++) {
        const batch = memories(20, 1000 + 20 * round);
        await client.memory.upsertEpisodic({ memories: batch });
        const found = await client.memory.getEpisodic({ ids: batch.map((m) => m.id ?? '') });
        expect(found.memories).toHaveLength(20);
      }
      expect(app.indexes.get('episodic').size).toBe(60);
    } finally {
      client.close();
      await app.stop();
    }
  });
});
