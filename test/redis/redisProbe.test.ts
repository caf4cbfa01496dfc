import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { RedisProbe } from '../../src/redis/RedisProbe.js';
import { registry } from '../../src/metrics/metrics.js';
import { quietLog, startRedis } from '../support/testApp.js';

/** `ready()` sampled every few ms for `ms`: whether it was ever false. */
async function everUnready(probe: RedisProbe, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let unready = false;
  while (Date.now() < end) {
    unready ||= !probe.ready();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return unready;
}

describe('RedisProbe on a real redis-server', () => {
  let redis: RedisProcess;
  let client: Redis;
  let admin: Redis;
  let probe: RedisProbe;
  /** `ready()` at each change the probe announced. */
  const states: boolean[] = [];
  let unreadyAt = 0;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await client.connect();
    admin = new Redis(redis.url);
    await admin.ping();
    probe = new RedisProbe(client, quietLog, {
      intervalMs: 50,
      timeoutMs: 100,
      failuresToUnready: 3,
    });
    probe.onChange(() => {
      states.push(probe.ready());
      if (!probe.ready()) unreadyAt = Date.now();
    });
    await probe.start();
  });

  afterAll(async () => {
    probe.stop();
    client.disconnect();
    admin.disconnect();
    await redis.stop();
  });

  it('is ready once INFO is answered, and sets the Redis gauges from it', async () => {
    expect(probe.ready()).toBe(true);
    const gauges = await registry.getMetricsAsJSON();
    const value = (name: string): number =>
      gauges.find((m) => m.name === name)?.values[0]?.value ?? 0;
    expect(value('redis_memory_usage_bytes')).toBeGreaterThan(100_000);
    expect(value('redis_connections_active')).toBeGreaterThanOrEqual(2);
  });

  it('stays ready through one slow answer (a burst is not an outage)', async () => {
    // Every command waits 120 ms: at most two probes time out.
    await admin.call('CLIENT', 'PAUSE', '120', 'ALL');
    expect(await everUnready(probe, 500)).toBe(false);
  });

  it('is unready after probes fail in a row, and ready again on its own', async () => {
    const before = states.length;
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await vi.waitFor(
      () => {
        expect(probe.ready()).toBe(false);
      },
      { timeout: 1400, interval: 10 },
    );
    await vi.waitFor(
      () => {
        expect(probe.ready()).toBe(true);
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
    expect(probe.ready()).toBe(true);
  });
});
