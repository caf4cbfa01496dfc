import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors } from '../../bench/lib/syntheticData.js';
import { freePort, type RedisProcess } from '../../src/app/RedisProcess.js';
import { spawnServer, type ServerProcess } from '../support/serverProcess.js';
import { testClient, startRedis } from '../support/testApp.js';

const DIM = 64;
const MEMORIES = 20_000;

/** Interrupted writes in a snapshot folder: `next-<pid>` and `old-<pid>`. */
function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^(next|old)-\d+$/.test(name)) : [];
}

describe('kill -9 during a snapshot write', () => {
  let redis: RedisProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-kill-'));
  const snapshots = join(dataDir, 'index', 'default');
  const env = (port: number): Record<string, string> => ({
    MNEMO_REDIS_URL: redis.url,
    MNEMO_GRPC_ADDRESS: `127.0.0.1:${port}`,
    MNEMO_VECTOR_DIM: String(DIM),
    MNEMO_DATA_DIR: dataDir,
    MNEMO_SNAPSHOT_INTERVAL_MS: '20',
  });
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
    await redis.stop();
  });

  it('leaves nothing behind after the next start, which serves every memory', async () => {
    const port = await freePort();
    let server = await spawnServer(env(port));
    servers.push(server);
    const client = testClient(port);
    const vectors = clusteredVectors(MEMORIES, DIM, 20, 5);
    for (let i = 0; i < MEMORIES; i += 1000) {
      await client.memory.upsertEpisodic({
        memories: vectors.slice(i, i + 1000).map((v, j) => ({
          id: `m-${i + j}`,
          agent_id: `agent-${(i + j) % 7}`,
          state_vector: { f32le: Buffer.from(v.buffer, v.byteOffset, v.byteLength) },
        })),
      });
    }
    // Writes keep coming, so a snapshot is written every 20 ms; kill -9 as soon as one is under
    // way, until a kill has left a write behind.
    let caught: string[] = [];
    for (let attempt = 0; attempt < 10 && caught.length === 0; attempt++) {
      let writing = true;
      const writer = (async () => {
        for (let n = 0; writing; n++) {
          const v = vectors[n % MEMORIES] ?? new Float32Array(DIM);
          await client.memory
            .upsertEpisodic({
              memories: [
                {
                  id: `m-${n % MEMORIES}`,
                  agent_id: 'agent-0',
                  state_vector: { values: Array.from(v) },
                },
              ],
            })
            .catch(() => undefined);
        }
      })();
      const started = Date.now();
      while (Date.now() - started < 10_000 && leftovers(snapshots).length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.once('exit', resolve));
      writing = false;
      await writer;
      caught = leftovers(snapshots);
      if (caught.length === 0) {
        server = await spawnServer(env(port));
        servers.push(server);
      }
    }
    client.close();
    expect(caught.length).toBeGreaterThan(0);

    server = await spawnServer(env(port));
    servers.push(server);
    // The new server's own write in progress (its first snapshot) is not a leftover.
    const own = new RegExp(`-${server.child.pid ?? 0}$`);
    expect(leftovers(snapshots).filter((name) => !own.test(name))).toEqual([]);
    const after = testClient(port);
    const info = await after.memory.getInfo({});
    expect(info.episodic?.memories).toBe(MEMORIES);
    const probe = vectors[123] ?? new Float32Array(DIM);
    const { hits } = await after.memory.searchEpisodic({
      vector: { values: Array.from(probe) },
      k: 1,
      exact: true,
    });
    expect(hits[0]?.distance).toBeLessThan(1e-5);
    after.close();
    await server.stop();
    servers = [];
  }, 120_000);
});
