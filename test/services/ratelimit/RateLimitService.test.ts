import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { registry } from '../../../src/metrics/metrics.js';
import { BOUND_BUCKET_RETENTION_MS } from '../../../src/services/ratelimit/RateLimitService.js';
import type { RateLimitServiceAcquireRequest } from '../../../src/generated/mnemo/v1/RateLimitServiceAcquireRequest.js';
import type { RateLimitServiceAcquireResponse__Output } from '../../../src/generated/mnemo/v1/RateLimitServiceAcquireResponse.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient, failure } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

const PREFIX = 'rl:';

async function decisions(decision: string): Promise<number> {
  const metric = await registry.getSingleMetric('mnemo_ratelimit_decisions_total')?.get();
  return metric?.values.find((v) => v.labels.decision === decision)?.value ?? 0;
}

describe('RateLimitService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  const acquire = (
    request: RateLimitServiceAcquireRequest,
  ): Promise<RateLimitServiceAcquireResponse__Output> => client.rateLimit.acquire(request);

  async function concurrently(n: number, request: RateLimitServiceAcquireRequest) {
    return Promise.all(Array.from({ length: n }, () => acquire(request)));
  }

  /** Moves the bucket's last refill back by `ms` on the Redis side, as if that time had passed. */
  async function ageBucket(bucket: string, ms: number): Promise<void> {
    await server.raw.hincrbyfloat(`${PREFIX}ratelimit:${bucket}`, 'ts', -ms);
  }

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

  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits exactly 20 of 300 concurrent acquires on a bucket of 20', async () => {
    const admittedBefore = await decisions('admitted');
    const deniedBefore = await decisions('denied');
    const results = await concurrently(300, {
      bucket: 'exchange:orders',
      capacity: 20,
      refill_per_second: 0.01,
    });
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    for (const denied of results.filter((r) => !r.allowed)) {
      expect(denied.retry_after_ms).toBeGreaterThan(0);
      expect(denied.remaining).toBeLessThan(1);
    }
    expect(await decisions('admitted')).toBe(admittedBefore + 20);
    expect(await decisions('denied')).toBe(deniedBefore + 280);
  });

  it('takes several tokens at once and reports what remains', async () => {
    const request = { bucket: 'weights', capacity: 10, refill_per_second: 0.001, tokens: 4 };
    const first = await acquire(request);
    expect(first.allowed).toBe(true);
    expect(first.remaining).toBeCloseTo(6, 2);
    expect(first.retry_after_ms).toBe(0);
    expect((await acquire(request)).allowed).toBe(true);
    const third = await acquire(request);
    expect(third.allowed).toBe(false);
    expect(third.remaining).toBeCloseTo(2, 2);
  });

  it('refills by elapsed time exactly: 50 s at 0.1 token/s admits exactly 5 of 50 concurrent', async () => {
    const request = { bucket: 'refill', capacity: 10, refill_per_second: 0.1 };
    expect((await concurrently(40, request)).filter((r) => r.allowed)).toHaveLength(10);
    const drained = await acquire(request);
    expect(drained.allowed).toBe(false);
    expect(drained.retry_after_ms).toBeGreaterThan(0);
    expect(drained.retry_after_ms).toBeLessThanOrEqual(10_000);

    await ageBucket('refill', 50_000);
    expect((await concurrently(50, request)).filter((r) => r.allowed)).toHaveLength(5);

    await ageBucket('refill', 600_000);
    expect((await concurrently(50, request)).filter((r) => r.allowed)).toHaveLength(10);
  });

  it('ignores the callers’ clocks: a drained bucket stays drained when the caller jumps an hour', async () => {
    const request = { bucket: 'skew', capacity: 3, refill_per_second: 0.01 };
    expect((await concurrently(5, request)).filter((r) => r.allowed)).toHaveLength(3);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000);
    expect((await acquire(request)).allowed).toBe(false);
    vi.setSystemTime(Date.now() - 7_200_000);
    expect((await acquire(request)).allowed).toBe(false);
  });

  it('keeps the state a day after each call, or until the bucket would be full if later', async () => {
    await acquire({ bucket: 'ttl', capacity: 10, refill_per_second: 10, tokens: 2 });
    const pttl = await server.raw.pttl(`${PREFIX}ratelimit:ttl`);
    expect(pttl).toBeGreaterThan(BOUND_BUCKET_RETENTION_MS - 60_000);
    expect(pttl).toBeLessThanOrEqual(BOUND_BUCKET_RETENTION_MS);

    // 10 days to refill 864000 tokens at 1 per second.
    await acquire({ bucket: 'ttl-long', capacity: 864_000, refill_per_second: 1, tokens: 864_000 });
    const long = await server.raw.pttl(`${PREFIX}ratelimit:ttl-long`);
    expect(long).toBeGreaterThan(864_000_000 - 60_000);
    expect(long).toBeLessThanOrEqual(864_000_000);
  });

  it('never refills a bucket with refill 0: denials say -1 and the state does not expire', async () => {
    const request = { bucket: 'daily-quota', capacity: 2, refill_per_second: 0 };
    await concurrently(2, request);
    const denied = await acquire(request);
    expect(denied).toEqual({ allowed: false, remaining: 0, retry_after_ms: -1 });
    expect(await server.raw.pttl(`${PREFIX}ratelimit:daily-quota`)).toBe(-1);
  });

  it('runs its script by SHA and reloads it after SCRIPT FLUSH (NOSCRIPT)', async () => {
    await acquire({ bucket: 'sha', capacity: 5, refill_per_second: 1 });
    await server.raw.script('FLUSH');
    const after = await acquire({ bucket: 'sha', capacity: 5, refill_per_second: 1 });
    expect(after.allowed).toBe(true);
    expect(after.remaining).toBeGreaterThan(3);
    expect(after.remaining).toBeLessThan(4);
  });

  describe('bad input', () => {
    it.each([
      ['an empty bucket', { bucket: '', capacity: 1, refill_per_second: 1 }, 'bucket'],
      ['a capacity of 0', { bucket: 'b', capacity: 0, refill_per_second: 1 }, 'capacity'],
      ['a negative capacity', { bucket: 'b', capacity: -3, refill_per_second: 1 }, 'capacity'],
      [
        'a negative refill',
        { bucket: 'b', capacity: 1, refill_per_second: -1 },
        'refill_per_second',
      ],
      [
        'tokens above capacity',
        { bucket: 'b', capacity: 2, refill_per_second: 1, tokens: 3 },
        'tokens',
      ],
      [
        'the default token above capacity',
        { bucket: 'b', capacity: 0.5, refill_per_second: 1 },
        'tokens',
      ],
      ['negative tokens', { bucket: 'b', capacity: 2, refill_per_second: 1, tokens: -1 }, 'tokens'],
      [
        'a refill of 1e-15 per second',
        { bucket: 'b', capacity: 1, refill_per_second: 1e-15 },
        'refill_per_second',
      ],
      [
        'a refill of 1e-12 per second (a 30-year TTL)',
        { bucket: 'b', capacity: 1, refill_per_second: 1e-12 },
        'refill_per_second',
      ],
      [
        'a full refill just over 31 days',
        { bucket: 'b', capacity: 31 * 86_400 + 1, refill_per_second: 1 },
        'refill_per_second',
      ],
      [
        'an infinite refill',
        { bucket: 'b', capacity: 1, refill_per_second: Infinity },
        'refill_per_second',
      ],
      [
        'a capacity above 1e12',
        { bucket: 'b', capacity: 2e12, refill_per_second: 1e9 },
        'capacity',
      ],
      [
        'an infinite capacity',
        { bucket: 'b', capacity: Infinity, refill_per_second: 1 },
        'capacity',
      ],
    ])('rejects %s with INVALID_ARGUMENT naming the field', async (_name, request, field) => {
      const error = await failure(acquire(request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
      expect(await server.raw.exists(`${PREFIX}ratelimit:b`)).toBe(0);
    });

    it('accepts a bucket that refills in exactly 31 days, its state expiring within them', async () => {
      const request = { bucket: 'month', capacity: 31 * 86_400, refill_per_second: 1 };
      expect(await acquire(request)).toMatchObject({ allowed: true });
      const ttl = await server.raw.pttl(`${PREFIX}ratelimit:month`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(BOUND_BUCKET_RETENTION_MS);
      const big = await acquire({ ...request, bucket: 'month-big', tokens: 86_400 });
      expect(big.allowed).toBe(true);
      const bigTtl = await server.raw.pttl(`${PREFIX}ratelimit:month-big`);
      expect(bigTtl).toBeGreaterThan(86_000_000);
      expect(bigTtl).toBeLessThanOrEqual(31 * 86_400_000);
    });
  });
});
