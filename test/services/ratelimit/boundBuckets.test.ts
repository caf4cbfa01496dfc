import { readFileSync, writeFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../../src/app/App.js';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { BOUND_BUCKET_RETENTION_MS } from '../../../src/services/ratelimit/RateLimitService.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { startApp, testClient, failure } from '../../support/testApp.js';
import { writeTokenFile } from '../../support/tokenClients.js';
import type { MnemoClient } from '../../../src/client/index.js';

/**
 * A bucket the server does not configure is bound to the parameters of the call that created it:
 * no caller refills it for everyone nor drains it with other parameters, while it is in use. The
 * server's parameters (MNEMO_RATE_LIMITS, token quotas) rebind a bucket at once.
 */
describe('buckets bound to the parameters they were created with', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;
  const PREFIX = 'bound:';
  const stateOf = (bucket: string) => server.raw.hgetall(`${PREFIX}ratelimit:${bucket}`);

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, { MNEMO_KEY_PREFIX: PREFIX });
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  const take = (bucket: string, capacity: number, refill: number, tokens = 1) =>
    client.rateLimit.acquire({ bucket, capacity, refill_per_second: refill, tokens });

  it('refuses a caller that would refill a drained bucket, changing nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await take('orders', 3, 0.01)).allowed).toBe(true);
    expect((await take('orders', 3, 0.01)).allowed).toBe(false);
    const drained = await stateOf('orders');

    const capacity = await failure(take('orders', 1e9, 1e9));
    expect([capacity.code, capacity.message]).toEqual([
      status.FAILED_PRECONDITION,
      'capacity: the bucket was created with capacity 3 and refill_per_second 0.01, and keeps ' +
        'them while it is in use: send those, got 1000000000',
    ]);
    const refill = await failure(take('orders', 3, 1e9));
    expect([refill.code, refill.message]).toEqual([
      status.FAILED_PRECONDITION,
      'refill_per_second: the bucket was created with capacity 3 and refill_per_second 0.01, ' +
        'and keeps them while it is in use: send those, got 1000000000',
    ]);
    expect(await stateOf('orders')).toEqual(drained);
    expect((await take('orders', 3, 0.01)).allowed).toBe(false);
  });

  it('refuses a caller that would drain a bucket with a smaller capacity', async () => {
    expect(await take('quotes', 100, 1)).toMatchObject({ allowed: true, remaining: 99 });
    const error = await failure(take('quotes', 1, 1));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.message).toMatch(/^capacity: the bucket was created with capacity 100 /);
    const same = await take('quotes', 100, 1, 10);
    expect(same.allowed).toBe(true);
    expect(same.remaining).toBeGreaterThanOrEqual(89);
    expect(same.remaining).toBeLessThan(90);
  });

  it('keeps the binding a day after each call, even once the bucket is full again', async () => {
    await take('fast', 10, 1000); // full again within 1 ms
    const pttl = await server.raw.pttl(`${PREFIX}ratelimit:fast`);
    expect(pttl).toBeGreaterThan(BOUND_BUCKET_RETENTION_MS - 60_000);
    expect(pttl).toBeLessThanOrEqual(BOUND_BUCKET_RETENTION_MS);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await take('fast', 10, 1000)).toMatchObject({ allowed: true, remaining: 9 });
    expect((await failure(take('fast', 1e6, 1000))).code).toBe(status.FAILED_PRECONDITION);
  });

  it('lets the next call create a bucket afresh once its state has expired', async () => {
    await take('expiring', 5, 1);
    await server.raw.pexpire(`${PREFIX}ratelimit:expiring`, 1);
    await vi.waitFor(
      async () => {
        expect(await server.raw.exists(`${PREFIX}ratelimit:expiring`)).toBe(0);
      },
      { timeout: 2000, interval: 10 },
    );
    expect(await take('expiring', 50, 2)).toMatchObject({ allowed: true, remaining: 49 });
    expect((await failure(take('expiring', 5, 1))).code).toBe(status.FAILED_PRECONDITION);
  });

  it('binds a bucket in each token namespace apart', async () => {
    const other = server.services.rateLimit.in('desk-2');
    await take('per-desk', 2, 1);
    const result = await other.acquire({
      bucket: 'per-desk',
      capacity: 7,
      refillPerSecond: 1,
      tokens: 1,
      serverOwned: false,
    });
    expect(result).toMatchObject({ allowed: true, remaining: 6 });
  });

  it('applies a changed quota at once: quota buckets take the server’s parameters', async () => {
    const rateLimit = server.services.rateLimit;
    const slow = { requestsPerSecond: 0.01, burst: 5 };
    expect((await rateLimit.acquireQuota('desk', slow)).remaining).toBe(4);
    // A lower burst caps the tokens at once; a faster refill refills at once.
    const smaller = await rateLimit.acquireQuota('desk', { requestsPerSecond: 0.01, burst: 1 });
    expect(smaller).toMatchObject({ allowed: true, remaining: 0 });
    expect((await rateLimit.acquireQuota('desk', { ...slow, burst: 1 })).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const faster = await rateLimit.acquireQuota('desk', { requestsPerSecond: 1000, burst: 1 });
    expect(faster.allowed).toBe(true);
  });
});

describe('bound buckets and the server’s configuration', () => {
  let redis: RedisProcess;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('hands a bucket bound by a caller over to MNEMO_RATE_LIMITS, which rebinds it', async () => {
    const env = { MNEMO_KEY_PREFIX: 'handover:' };
    const before = await startAgentServer(redis, env);
    const first = testClient(before.port);
    try {
      const request = { bucket: 'orders', capacity: 1e6, refill_per_second: 1e6 };
      expect((await first.rateLimit.acquire(request)).allowed).toBe(true);
    } finally {
      first.close();
      await before.stop();
    }
    const after = await startAgentServer(redis, { ...env, MNEMO_RATE_LIMITS: 'orders=2/0' });
    const second = testClient(after.port);
    try {
      const take = () => second.rateLimit.acquire({ bucket: 'orders' });
      expect(await take()).toMatchObject({ allowed: true, remaining: 1 });
      expect(await take()).toMatchObject({ allowed: true, remaining: 0 });
      expect(await take()).toMatchObject({ allowed: false, retry_after_ms: -1 });
    } finally {
      second.close();
      await after.stop();
    }
  });

  it('applies a quota changed in the token file from the next call after a reload', async () => {
    const file = writeTokenFile([
      { name: 'metered', role: 'reader', quota: { requests_per_second: 0.01, burst: 1 } },
    ]);
    const app: App = await startApp(redis, { MNEMO_AUTH_TOKENS_FILE: file.path });
    const metered = testClient(app.port, { token: file.secrets.metered ?? '' });
    try {
      await metered.cache.get({ key: 'a' });
      expect((await failure(metered.cache.get({ key: 'a' }))).code).toBe(status.RESOURCE_EXHAUSTED);
      const lines = (JSON.parse(readFileSync(file.path, 'utf8')) as { tokens: object[] }).tokens;
      const faster = lines.map((line) => ({
        ...line,
        quota: { requests_per_second: 1000, burst: 10 },
      }));
      writeFileSync(file.path, JSON.stringify({ tokens: faster }));
      await app.reload();
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let i = 0; i < 3; i++) await metered.cache.get({ key: 'a' });
    } finally {
      metered.close();
      await app.stop();
    }
  });
});
