import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import { registry } from '../../src/metrics/metrics.js';
import { clusteredVectors } from '../../bench/lib/syntheticData.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';

const DIM = 8;
const COUNT = 500;
const vectors = clusteredVectors(COUNT, DIM, 5, 41);

function memories(): EpisodicMemory[] {
  return vectors.map((v, i) => ({
    id: `m-${i}`,
    agent_id: `agent-${i % 4}`,
    state_vector: { values: Array.from(v) },
    reward: i % 10,
    timestamp: 1000 + i,
  }));
}

/** Sum of a counter's values whose labels include `labels`. */
async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  let sum = 0;
  for (const value of metric?.values ?? []) {
    const own = value.labels as Record<string, string>;
    if (Object.entries(labels).every(([k, v]) => own[k] === v)) sum += value.value;
  }
  return sum;
}

interface Fixture {
  redis: RedisProcess;
  app: App;
  client: MnemoClient;
  raw: Redis;
}

async function setUp(redisArgs: string[], env: Record<string, string>): Promise<Fixture> {
  const redis = await startRedis(redisArgs);
  const app = await startApp(redis, {
    MNEMO_RECONCILE_PER_SECOND: '0',
    MNEMO_DATASET_CHECK_INTERVAL_MS: '200',
    ...env,
  });
  const client = testClient(app.port);
  const raw = new Redis(redis.url);
  await client.memory.upsertEpisodic({ memories: memories() });
  return { redis, app, client, raw };
}

async function tearDown(fixture: Fixture): Promise<void> {
  fixture.client.close();
  fixture.raw.disconnect();
  await fixture.app.stop();
  await fixture.redis.stop();
}

/** The ids the episodic index holds. */
function indexIds(app: App): Set<string> {
  return new Set(
    app.indexes
      .get('episodic')
      .heldFrom(0, Number.MAX_SAFE_INTEGER)
      .held.map((memory) => memory.id),
  );
}

/** Every id answered by an exact search (k = 5) of each of these memories' own vectors. */
async function answered(client: Fixture['client'], which: readonly number[]): Promise<string[]> {
  const results = await Promise.all(
    which.map((i) =>
      client.memory.searchEpisodic({
        vector: { values: Array.from(vectors[i] ?? []) },
        k: 5,
        filter: { agent_ids: [`agent-${i % 4}`] },
      }),
    ),
  );
  return results.flatMap((r) => r.hits.map((h) => h.memory?.id ?? ''));
}

const deletedIds = Array.from({ length: 100 }, (_, i) => `m-${i * 5}`);
const deletedRows = deletedIds.map((_, i) => i * 5);

describe('The index follows Redis', () => {
  describe('a FLUSHALL behind a running mnemo', () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await setUp([], {});
    });
    afterAll(async () => {
      await tearDown(fixture);
    });

    it('is found within the dataset check and answered by a rebuild', async () => {
      const { app, client, raw } = fixture;
      const all = Array.from({ length: 50 }, (_, i) => i * 10);
      expect((await answered(client, all)).length).toBeGreaterThan(0); // warms the record cache
      const resets = await counter('mnemo_index_resyncs_total', { reason: 'dataset_reset' });
      const statuses: string[] = [];
      const set = app.health.set.bind(app.health);
      vi.spyOn(app.health, 'set').mockImplementation((service, status) => {
        if (service === 'mnemo.v1.MemoryService') statuses.push(status);
        set(service, status);
      });
      await raw.flushall();
      await vi.waitFor(
        async () => {
          expect(await counter('mnemo_index_resyncs_total', { reason: 'dataset_reset' })).toBe(
            resets + 1,
          );
          expect(app.indexes.get('episodic').size).toBe(0);
          expect(app.health.status('mnemo.v1.MemoryService')).toBe('SERVING');
        },
        { timeout: 5000, interval: 50 },
      );
      expect(statuses).toContain('NOT_SERVING'); // while it rebuilt, as at start
      expect(await answered(client, all)).toEqual([]);
      expect((await client.memory.getEpisodic({ ids: ['m-0', 'm-10'] })).memories).toEqual([]);
      const page = await client.memory.recentEpisodic({ limit: 10 });
      expect(page.memories).toEqual([]);
      expect(page.next_page_token).toBe('');
    });

    it('serves the new dataset: writes after the reset are found', async () => {
      const { client } = fixture;
      await client.memory.upsertEpisodic({ memories: memories().slice(0, 20) });
      const hits = await answered(client, [0, 1, 2, 3]);
      expect(hits).toContain('m-0');
      expect(hits.every((id) => Number(id.slice(2)) < 20)).toBe(true);
    });
  });

  describe('keys deleted behind mnemo, with no notifications and no reconciliation', () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await setUp(['--notify-keyspace-events', ''], {
        MNEMO_RECORD_CACHE_MAX_AGE_MS: '200',
        MNEMO_RESULT_CACHE_TTL_MS: '200',
      });
    });
    afterAll(async () => {
      await tearDown(fixture);
    });

    it('are never answered after the caches’ max ages, and leave the index when hit', async () => {
      const { app, client, raw } = fixture;
      expect((await answered(client, deletedRows)).length).toBeGreaterThan(0); // cached
      const repaired = await counter('mnemo_index_repairs_total', { source: 'read' });
      await raw.del(...deletedIds.map((id) => `episodic:${id}`));
      await new Promise((resolve) => setTimeout(resolve, 250));
      const hits = await answered(client, deletedRows);
      expect(hits.filter((id) => deletedIds.includes(id))).toEqual([]);
      await vi.waitFor(async () => {
        const dropped = (await counter('mnemo_index_repairs_total', { source: 'read' })) - repaired;
        const held = indexIds(app);
        // Each deleted memory is its own exact search's nearest hit: every one was found missing.
        expect(dropped).toBe(100);
        expect(deletedIds.filter((id) => held.has(id))).toEqual([]);
      });
      expect(app.indexes.get('episodic').size).toBe(COUNT - 100);
    });
  });

  describe('the background reconciliation', () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await setUp(['--notify-keyspace-events', ''], {
        MNEMO_RECONCILE_PER_SECOND: '4000',
      });
    });
    afterAll(async () => {
      await tearDown(fixture);
    });

    it('drops memories deleted behind mnemo within a pass, without any search', async () => {
      const { app, raw } = fixture;
      const repaired = await counter('mnemo_index_repairs_total', { source: 'reconcile' });
      await raw.del(...deletedIds.map((id) => `episodic:${id}`));
      // A pass over 500 memories at 4,000 a second: well under a second.
      await vi.waitFor(
        async () => {
          expect(app.indexes.get('episodic').size).toBe(COUNT - 100);
          expect(await counter('mnemo_index_repairs_total', { source: 'reconcile' })).toBe(
            repaired + 100,
          );
        },
        { timeout: 3000, interval: 50 },
      );
      expect(await counter('mnemo_reconcile_checked_total')).toBeGreaterThanOrEqual(COUNT);
    });

    it('never undoes a write made through mnemo while it runs', async () => {
      const { app, client, raw } = fixture;
      const again = memories().slice(0, 60);
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          raw.del(...again.map((m) => `episodic:${m.id}`)),
          client.memory.upsertEpisodic({ memories: again }),
        ]);
        await client.memory.upsertEpisodic({ memories: again });
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // passes run meanwhile
      const held = indexIds(app);
      expect(again.filter((m) => !held.has(m.id ?? ''))).toEqual([]);
      const stored = await raw.exists(...again.map((m) => `episodic:${m.id ?? ''}`));
      expect(stored).toBe(again.length);
    });
  });

  describe('with keyspace notifications on', () => {
    let fixture: Fixture;
    beforeAll(async () => {
      fixture = await setUp(['--notify-keyspace-events', 'Egxe'], {});
    });
    afterAll(async () => {
      await tearDown(fixture);
    });

    it('follows expirations at once', async () => {
      const { app, raw } = fixture;
      const expiring = deletedIds.slice(0, 50);
      const repaired = await counter('mnemo_index_repairs_total', { source: 'notification' });
      await Promise.all(expiring.map((id) => raw.pexpire(`episodic:${id}`, 50)));
      await vi.waitFor(
        async () => {
          const held = indexIds(app);
          expect(expiring.filter((id) => held.has(id))).toEqual([]);
          expect(await counter('mnemo_index_repairs_total', { source: 'notification' })).toBe(
            repaired + 50,
          );
        },
        { timeout: 3000, interval: 50 },
      );
    });

    it('follows a manual DEL', async () => {
      const { app, raw } = fixture;
      const gone = deletedIds.slice(50);
      await raw.del(...gone.map((id) => `episodic:${id}`));
      await vi.waitFor(() => {
        const held = indexIds(app);
        expect(gone.filter((id) => held.has(id))).toEqual([]);
      });
      expect(app.indexes.get('episodic').size).toBe(COUNT - 100);
    });
  });

  describe('under maxmemory eviction', () => {
    let fixture: Fixture;
    afterEach(async () => {
      await tearDown(fixture);
    });

    it('ends with the index holding exactly what Redis holds', async () => {
      fixture = await setUp(
        ['--notify-keyspace-events', 'Ee', '--maxmemory-policy', 'allkeys-random'],
        { MNEMO_RECONCILE_PER_SECOND: '2000' },
      );
      const { app, client, raw } = fixture;
      const info = await raw.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
      await raw.config('SET', 'maxmemory', String(used + 64 * 1024));
      const filler = 'x'.repeat(1024);
      for (let i = 0; i < 400; i++) await raw.set(`filler:${i}`, filler);
      const stats = await raw.info('stats');
      expect(Number(/evicted_keys:(\d+)/.exec(stats)?.[1])).toBeGreaterThan(0);
      await raw.config('SET', 'maxmemory', '0');
      const inRedis = async (): Promise<Set<string>> => {
        const keys = await raw.keys('episodic:*');
        return new Set(keys.map((key) => key.slice('episodic:'.length)));
      };
      expect((await inRedis()).size).toBeLessThan(COUNT);
      await vi.waitFor(
        async () => {
          expect([...indexIds(app)].sort()).toEqual([...(await inRedis())].sort());
        },
        { timeout: 8000, interval: 100 },
      );
      const present = await inRedis();
      const hits = await answered(
        client,
        vectors.map((_, i) => i),
      );
      expect(hits.filter((id) => !present.has(id))).toEqual([]);
    });
  });
});
