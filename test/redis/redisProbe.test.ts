import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { registry } from '../../src/metrics/metrics.js';
import { DEFAULT_ROUTER_OPTIONS, RedisRouter } from '../../src/redis/RedisRouter.js';
import { quietLog, startRedis } from '../support/testApp.js';

/** `canServeReads()` sampled every few ms for `ms`: whether it was ever false. */
async function everUnready(router: RedisRouter, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let unready = false;
  while (Date.now() < end) {
    unready ||= !router.canServeReads();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return unready;
}

describe("the router's health view (its master probe) on a real redis-server", () => {
  let redis: RedisProcess;
  let client: Redis;
  let admin: Redis;
  let router: RedisRouter;
  /** `canServeReads()` at each change the router announced. */
  const states: boolean[] = [];
  let unreadyAt = 0;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await client.connect();
    admin = new Redis(redis.url);
    await admin.ping();
    router = new RedisRouter(
      { name: `127.0.0.1:${redis.port}`, client },
      [],
      null,
      {
        ...DEFAULT_ROUTER_OPTIONS,
        maxReplicaLagMs: 1000,
        writeMinReplicas: 0,
        writeReplicaTimeoutMs: 1000,
        probeIntervalMs: 50,
        probeTimeoutMs: 100,
        probeFailuresToUnready: 3,
      },
      quietLog,
    );
    router.onHealthChange(() => {
      states.push(router.canServeReads());
      if (!router.canServeReads()) unreadyAt = Date.now();
    });
    await router.start();
  });

  afterAll(async () => {
    router.stop();
    client.disconnect();
    admin.disconnect();
    await redis.stop();
  });

  it('is ready once INFO is answered, and sets the Redis gauges from it', async () => {
    expect(router.canServeReads()).toBe(true);
    const gauges = await registry.getMetricsAsJSON();
    const value = (name: string): number =>
      gauges.find((m) => m.name === name)?.values[0]?.value ?? 0;
    expect(value('redis_memory_usage_bytes')).toBeGreaterThan(100_000);
    expect(value('redis_connections_active')).toBeGreaterThanOrEqual(2);
  });

  it('stays ready through one slow answer (a burst is not an outage)', async () => {
    // Every command waits 120 ms: at most two probes time out.
    await admin.call('CLIENT', 'PAUSE', '120', 'ALL');
    expect(await everUnready(router, 500)).toBe(false);
  });

  it('is unready after probes fail in a row, and ready again on its own', async () => {
    const before = states.length;
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await vi.waitFor(
      () => {
        expect(router.canServeReads()).toBe(false);
      },
      { timeout: 1400, interval: 10 },
    );
    await vi.waitFor(
      () => {
        expect(router.canServeReads()).toBe(true);
      },
      { timeout: 3000, interval: 10 },
    );
    expect(states.slice(before)).toEqual([false, true]);
  });

  it('is unready at once when the connection drops, ready again once reconnected', async () => {
    const before = states.length;
    const id = String(await client.client('ID'));
    const killedAt = Date.now();
    await admin.call('CLIENT', 'KILL', 'ID', id);
    await vi.waitFor(
      () => {
        expect(states.slice(before)).toEqual([false, true]);
      },
      { timeout: 3000, interval: 5 },
    );
    // Not three failed probes (300 ms at least): the dropped connection itself.
    expect(unreadyAt - killedAt).toBeLessThan(250);
    expect(router.canServeReads()).toBe(true);
  });
});
