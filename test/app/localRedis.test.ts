import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.js';
import { freePort, RedisBinaryMissing, RedisProcess } from '../../src/app/RedisProcess.js';
import { loadConfig } from '../../src/config/config.js';
import { testClient, quietLog } from '../support/testApp.js';

describe('App without a configured Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-data-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a local redis-server with AOF under the data dir, and keeps memories across restarts', async () => {
    const config = loadConfig({
      MNEMO_GRPC_ADDRESS: '127.0.0.1:0',
      MNEMO_VECTOR_DIM: '4',
      MNEMO_DATA_DIR: dataDir,
      MNEMO_METRICS_ADDRESS: '127.0.0.1:0',
    });
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    let app = await App.start(config, quietLog, nobody);
    let client = testClient(app.port);
    await client.memory.upsertEpisodic({
      memories: [{ id: 'kept', agent_id: 'a', state_vector: { values: [1, 2, 3, 4] } }],
    });
    client.close();
    await app.stop();
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);

    app = await App.start(config, quietLog, nobody);
    client = testClient(app.port);
    const { hits } = await client.memory.searchEpisodic({ vector: { values: [1, 2, 3, 4] }, k: 1 });
    expect(hits[0]?.memory?.id).toBe('kept');
    client.close();
    await app.stop();
  });

  it('says how to install redis-server when there is none', async () => {
    const started = RedisProcess.start({ binary: join(dataDir, 'no-such-redis-server') });
    await expect(started).rejects.toBeInstanceOf(RedisBinaryMissing);
    await expect(started).rejects.toThrow(/apt-get install redis-server/);
  });
});
