import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

const episode = (id: string, agent: string, reward: number) => ({
  id,
  agent_id: agent,
  product_id: 'BTC-USD',
  state_vector: { values: [1, reward, 0, 0, 0, 0, 0, 0] },
  reward,
  timestamp: 1_700_000_000,
});

describe('DeleteEpisodicByFilter', () => {
  let redis: RedisProcess;
  let app: App;
  let client: MnemoClient;
  const ids = ['a-1', 'a-2', 'b-1'];
  const count = async () => (await client.memory.getEpisodic({ ids })).memories.length;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis);
    client = testClient(app.port);
  });

  beforeEach(async () => {
    await client.memory.upsertEpisodic({
      memories: [episode('a-1', 'alice', 1), episode('a-2', 'alice', -1), episode('b-1', 'bob', 2)],
    });
  });

  afterAll(async () => {
    client.close();
    await app.stop();
    await redis.stop();
  });

  it('refuses a filter that matches every memory, deleting nothing', async () => {
    const error = await failure(
      client.memory.deleteEpisodicByFilter({ filter: { reward: { min: -1e9 } } }),
    );
    expect([error.code, error.message]).toEqual([
      status.FAILED_PRECONDITION,
      'filter: matches every episodic memory (3); set allow_match_all to delete them all',
    ]);
    expect(await count()).toBe(3);
  });

  it('refuses an empty filter, pointing at allow_match_all', async () => {
    const error = await failure(client.memory.deleteEpisodicByFilter({ filter: {} }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.message).toMatch(/^filter: must constrain at least one field .*allow_match_all/);
  });

  it('answers a dry run with the count it would delete, deleting nothing', async () => {
    const dry = await client.memory.deleteEpisodicByFilter({
      filter: { agent_ids: ['alice'] },
      dry_run: true,
    });
    expect(dry.deleted).toBe(2);
    expect(await count()).toBe(3);
    // A dry run passes the same guard.
    const all = await failure(
      client.memory.deleteEpisodicByFilter({ filter: { product_ids: ['BTC-USD'] }, dry_run: true }),
    );
    expect(all.code).toBe(status.FAILED_PRECONDITION);
  });

  it('deletes what a narrower filter matches', async () => {
    expect(
      (await client.memory.deleteEpisodicByFilter({ filter: { agent_ids: ['alice'] } })).deleted,
    ).toBe(2);
    expect(await count()).toBe(1);
  });

  it('deletes everything when the request says so explicitly', async () => {
    const dry = await client.memory.deleteEpisodicByFilter({
      filter: {},
      allow_match_all: true,
      dry_run: true,
    });
    expect(dry.deleted).toBe(3);
    const wiped = await client.memory.deleteEpisodicByFilter({ filter: {}, allow_match_all: true });
    expect(wiped.deleted).toBe(3);
    expect(await count()).toBe(0);
  });
});
