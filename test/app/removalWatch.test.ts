import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RemovalWatch } from '../../src/app/RemovalWatch.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { registry } from '../../src/metrics/metrics.js';
import { createBlockingClient } from '../../src/redis/clients.js';
import { followMemoryRemovals } from '../../src/redis/keyspaceEvents.js';
import { RedisKeys } from '../../src/redis/RedisKeys.js';
import { startRedis } from '../support/testApp.js';

/** A logger keeping each line it writes, parsed. */
function capturingLog(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

async function followedGauge(): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('mnemo_key_removals_followed')?.get();
  return metric?.values[0]?.value;
}

describe('RemovalWatch (whether cached hits may outlive their max age) on a real redis-server', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let subscriber: Redis;
  let stopFollowing: () => Promise<void>;
  let watch: RemovalWatch;
  const changes: boolean[] = [];
  const { log, lines } = capturingLog();

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    await admin.config('SET', 'notify-keyspace-events', '');
    subscriber = createBlockingClient(redis.url, 'mnemo-keyspace-test');
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    stopFollowing = await followMemoryRemovals(subscriber, new RedisKeys('t:'), () => undefined);
    watch = new RemovalWatch({
      redis: admin,
      subscriber,
      checkIntervalMs: 100,
      log,
      onChange: (followed) => changes.push(followed),
    });
  });

  afterAll(async () => {
    watch.stop();
    await stopFollowing();
    subscriber.disconnect();
    admin.disconnect();
    await redis.stop();
  });

  it('is off while Redis does not publish every removal event (DEL, expiry, eviction)', async () => {
    await watch.check();
    expect(watch.following).toBe(false);
    await admin.config('SET', 'notify-keyspace-events', 'Egx');
    await watch.check();
    expect(watch.following).toBe(false);
    expect(changes).toEqual([]);
    expect(await followedGauge()).toBe(0);
  });

  it('warns once, at its first check, naming the setting and the events Redis does not publish', async () => {
    await watch.check();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('notify-keyspace-events Egxe');
    expect(warnings[0]?.msg).toContain('MNEMO_RECORD_CACHE_MAX_AGE_MS');
    expect(warnings[0]).toMatchObject({ setting: '', missing: ['del', 'expired', 'evicted'] });
  });

  it('turns on once they are all published, seen by its periodic check', async () => {
    await admin.config('SET', 'notify-keyspace-events', 'Egxe');
    await vi.waitFor(
      () => {
        expect(watch.following).toBe(true);
      },
      { timeout: 3000, interval: 20 },
    );
    expect(changes).toEqual([true]);
    expect(await followedGauge()).toBe(1);
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
  });

  it('turns off at once when the subscriber loses its connection, and on after it is back', async () => {
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await vi.waitFor(
      () => {
        expect(changes).toEqual([true, false]);
      },
      {
        timeout: 3000,
        interval: 10,
      },
    );
    await vi.waitFor(
      () => {
        expect(watch.following).toBe(true);
      },
      { timeout: 5000, interval: 20 },
    );
    expect(changes).toEqual([true, false, true]);
    // Subscribed again: a removal still reaches the subscriber.
    expect(await admin.pubsub('NUMSUB', '__keyevent@0__:del')).toEqual(['__keyevent@0__:del', 1]);
  });

  it('turns off when the setting is changed at runtime', async () => {
    await admin.config('SET', 'notify-keyspace-events', 'E');
    await vi.waitFor(
      () => {
        expect(watch.following).toBe(false);
      },
      { timeout: 3000, interval: 20 },
    );
    expect(changes).toEqual([true, false, true, false]);
  });
});
