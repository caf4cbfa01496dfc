import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import { startApp } from '../support/testApp.js';
import { Topology } from '../support/topology.js';

describe('Sentinel failover', () => {
  let topology: Topology;
  let app: App;
  let sentinel: Redis;

  beforeAll(async () => {
    topology = await Topology.start(2);
    await topology.startSentinels(3);
    sentinel = new Redis((topology.sentinels[0] ?? topology.master).port, '127.0.0.1');
    await vi.waitFor(
      async () => {
        const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', 'mymaster')) as unknown[];
        expect(replicas).toHaveLength(2);
      },
      { timeout: 15_000, interval: 200 },
    );
    app = await startApp(topology.master, {
      MNEMO_REDIS_URL: '',
      MNEMO_REDIS_SENTINELS: topology.sentinelList(),
      MNEMO_REDIS_SENTINEL_MASTER: 'mymaster',
      MNEMO_WRITE_MIN_REPLICAS: '1',
      MNEMO_KEY_PREFIX: 'failover:',
    });
  });

  afterAll(async () => {
    sentinel.disconnect();
    await app.stop();
    await topology.stop();
  });

  it('loses no acknowledged write when Sentinel promotes a replica, and writes resume on their own', async () => {
    const { testClient } = await import('../support/testApp.js');
    const client = testClient(app.port);
    const acknowledged: string[] = [];
    let failed = 0;
    let killedAt = 0;
    let longestAfterKillMs = 0;
    let killedPort = 0;
    const currentMasterPort = async (): Promise<number> => {
      const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as [
        string,
        string,
      ];
      return Number(port);
    };
    let streak = 0;
    // Write until 20 writes in a row succeed after the master was killed.
    for (let i = 0; killedAt === 0 || streak < 20; i++) {
      if (i === 50) {
        // The master as Sentinel sees it now (a loaded machine may already have failed over).
        killedPort = await currentMasterPort();
        const victim = [topology.master, ...topology.replicas].find((p) => p.port === killedPort);
        await victim?.stop('SIGKILL');
        killedAt = Date.now();
        streak = 0;
      }
      const id = `w-${i}`;
      const started = Date.now();
      try {
        await client.memory.upsertEpisodic({
          memories: [
            { id, agent_id: 'writer', state_vector: { values: [1, i % 7, 0, 0, 0, 0, 0, 1] } },
          ],
        });
        acknowledged.push(id);
        streak++;
      } catch {
        failed++;
        streak = 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (killedAt > 0) longestAfterKillMs = Math.max(longestAfterKillMs, Date.now() - started);
      if (killedAt > 0 && Date.now() - killedAt > 30_000) throw new Error('writes never resumed');
    }
    expect(killedAt).toBeGreaterThan(0);
    // The outage was felt: writes failed, or one was held until the new master was known (a
    // write during the failover may wait in the client's queue rather than fail).
    expect(failed > 0 || longestAfterKillMs >= 1000).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(70);

    const [host, port] = (await sentinel.call(
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      'mymaster',
    )) as [string, string];
    expect(Number(port)).not.toBe(killedPort);
    const promoted = new Redis(Number(port), host);
    const stored = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await promoted.scan(
        cursor,
        'MATCH',
        'failover:episodic:*',
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of keys) stored.add(key.slice('failover:episodic:'.length));
    } while (cursor !== '0');
    promoted.disconnect();
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

    // The index followed the new master: it holds exactly what the new master holds (a write
    // that failed to be acknowledged may still have been applied).
    await vi.waitFor(async () => {
      const { memories } = await client.memory.recentEpisodic({
        filter: { agent_ids: ['writer'] },
        limit: 1000,
      });
      const indexed = new Set(memories.map((m) => m.id));
      expect([...stored].filter((id) => !indexed.has(id))).toEqual([]);
      expect([...indexed].filter((id) => !stored.has(id))).toEqual([]);
    }, 5000);
    client.close();
  });
});
