import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import { RedisProcess } from '../../src/app/RedisProcess.js';
import { metrics, registry } from '../../src/metrics/metrics.js';
import { ClusteredData } from '../../bench/lib/syntheticData.js';
import type { MnemoClient } from '../../src/client/index.js';
import { failedTrailers, failure, testClient, startApp } from '../support/testApp.js';
import { commandCalls, Topology } from '../support/topology.js';

const DIM = 8;
const data = new ClusteredData(DIM, 6, 5);

async function counter(metric: {
  get(): Promise<{ values: { value: number }[] }>;
}): Promise<number> {
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function batchStats(): Promise<{ count: number; sum: number }> {
  const values = (await metrics.batchSize.get()).values;
  return {
    count: values.find((v) => v.metricName === 'mnemo_batch_size_count')?.value ?? 0,
    sum: values.find((v) => v.metricName === 'mnemo_batch_size_sum')?.value ?? 0,
  };
}

describe('retrieval over a master and its replicas', () => {
  let topology: Topology;
  let app: App;
  let client: MnemoClient;
  const trailers = failedTrailers();
  const vectors = data.sample(400, 1);
  const queries = data.sample(300, 2).map((v) => ({ f32le: Buffer.from(v.buffer) }));

  beforeAll(async () => {
    topology = await Topology.start(2);
    app = await startApp(topology.master, {
      MNEMO_REDIS_REPLICA_URLS: topology.replicaUrls(),
      MNEMO_KEY_PREFIX: 'rr:',
      // Every search executed and every hit read from Redis, so that both can be counted.
      MNEMO_RECORD_CACHE_MAX_BYTES: '0',
      MNEMO_RESULT_CACHE_TTL_MS: '0',
    });
    client = testClient(app.port, { channelOptions: { interceptors: [trailers.interceptor] } });
    for (let i = 0; i < vectors.length; i += 100) {
      await client.memory.upsertEpisodic({
        memories: vectors.slice(i, i + 100).map((v, j) => ({
          id: `m-${i + j}`,
          agent_id: `agent-${(i + j) % 8}`,
          state_vector: { f32le: Buffer.from(v.buffer) },
          reward: j,
        })),
      });
    }
    await topology.waitInSync();
    await vi.waitFor(() => {
      expect(app.redisNodes().filter((n) => n.inRotation)).toHaveLength(2);
    });
  });

  afterAll(async () => {
    client.close();
    await app.stop();
    await topology.stop();
  });

  it('spreads reads evenly over the replicas and sends none to the master', async () => {
    const [replicaA, replicaB] = topology.replicas as [RedisProcess, RedisProcess];
    const before = await Promise.all(
      [topology.master, replicaA, replicaB].map((p) => commandCalls(p.port, 'hmget')),
    );
    for (const vector of queries.slice(0, 100)) {
      const { hits } = await client.memory.searchEpisodic({ vector, k: 5 });
      expect(hits).toHaveLength(5);
    }
    await client.memory.getEpisodic({ ids: ['m-1', 'm-2'] });
    const after = await Promise.all(
      [topology.master, replicaA, replicaB].map((p) => commandCalls(p.port, 'hmget')),
    );
    const [master, a, b] = after.map((n, i) => n - (before[i] ?? 0)) as [number, number, number];
    expect(master).toBe(0);
    expect(a + b).toBe(100 * 5 + 2);
    expect(Math.min(a, b) / Math.max(a, b)).toBeGreaterThan(0.9);
  });

  it('executes 64 identical concurrent searches once', async () => {
    const coalesced = await counter(metrics.dedupCoalesced);
    const batches = await batchStats();
    const vector = queries[0];
    const answers = await Promise.all(
      Array.from({ length: 64 }, () =>
        client.memory.searchEpisodic({ vector, k: 10, filter: { agent_ids: ['agent-3'] } }),
      ),
    );
    const ids = answers.map((a) => a.hits.map((h) => h.memory?.id).join());
    expect(new Set(ids).size).toBe(1);
    expect((await counter(metrics.dedupCoalesced)) - coalesced).toBe(63);
    expect((await batchStats()).sum - batches.sum).toBe(1);
  });

  it('runs 256 concurrent distinct searches in batches averaging well above 1', async () => {
    const before = await batchStats();
    const answers = await Promise.all(
      queries.slice(0, 256).map((vector) => client.memory.searchEpisodic({ vector, k: 5 })),
    );
    expect(answers.every((a) => a.hits.length === 5)).toBe(true);
    const after = await batchStats();
    const executed = after.sum - before.sum;
    const average = executed / (after.count - before.count);
    expect(executed).toBe(256);
    expect(average).toBeGreaterThan(4);
  });

  it('fails no read when a replica is killed under load', async () => {
    const victim = topology.replicas[1] as RedisProcess;
    let stop = false;
    let done = 0;
    const failures: unknown[] = [];
    const worker = async (w: number) => {
      for (let i = w; !stop; i += 16) {
        try {
          const vector = queries[i % queries.length];
          await (i % 3 === 0
            ? client.memory.getEpisodic({ ids: [`m-${i % 400}`] })
            : client.memory.searchEpisodic({ vector, k: 5 }));
          done++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    try {
      await vi.waitFor(() => {
        expect(done).toBeGreaterThan(200);
      });
      await victim.stop('SIGKILL');
      const atKill = done;
      await vi.waitFor(
        () => {
          expect(done).toBeGreaterThan(atKill + 1000);
        },
        { timeout: 20_000 },
      );
    } finally {
      // Also when a wait fails: workers left running would fail on forever (and fill the heap).
      stop = true;
      await Promise.all(workers);
    }
    expect(failures.map((f) => (f as Error).message)).toEqual([]);
    expect(app.redisNodes().find((n) => n.name === `127.0.0.1:${victim.port}`)?.inRotation).toBe(
      false,
    );
    topology.replicas[1] = await RedisProcess.start({
      port: victim.port,
      args: ['--replicaof', '127.0.0.1', String(topology.masterPort)],
    });
    await topology.waitInSync();
  });

  it('with the master down: reads go on, writes fail fast with UNAVAILABLE, then recover when it returns', async () => {
    await topology.master.stop('SIGKILL');
    const memory = {
      id: 'during-outage',
      agent_id: 'a',
      state_vector: { values: [0, 0, 0, 0, 0, 0, 0, 1] },
    };
    // Reads keep working from the replicas.
    const { hits } = await client.memory.searchEpisodic({ vector: queries[1], k: 3 });
    expect(hits).toHaveLength(3);
    const got = await client.memory.getEpisodic({ ids: ['m-7'] });
    expect(got.memories.map((m) => m.id)).toEqual(['m-7']);
    // The master's breaker opens.
    const masterNode = `127.0.0.1:${topology.masterPort}`;
    await vi.waitFor(async () => {
      expect(app.redisNodes().find((n) => n.role === 'master')?.breaker).toBe('open');
      const exposition = await registry.metrics();
      expect(exposition).toContain(`mnemo_breaker_state{node="${masterNode}"} 2`);
    }, 5000);
    const started = performance.now();
    const error = await failure(client.memory.upsertEpisodic({ memories: [memory] }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(trailers.last()?.get('grpc-retry-pushback-ms')).toHaveLength(1);
    expect(elapsed).toBeLessThan(200);
    // Reads still work with the breaker open.
    expect((await client.memory.searchEpisodic({ vector: queries[2], k: 2 })).hits).toHaveLength(2);

    await topology.startMaster();
    await vi.waitFor(
      async () => {
        const { ids } = await client.memory.upsertEpisodic({ memories: [memory] });
        expect(ids).toEqual(['during-outage']);
      },
      { timeout: 15_000, interval: 200 },
    );
    const { hits: after } = await client.memory.searchEpisodic({
      vector: memory.state_vector,
      k: 1,
    });
    expect(after[0]?.memory?.id).toBe('during-outage');
  });
});
