import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient, failure } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

describe('MNEMO_RATE_LIMITS: buckets the server owns', () => {
  let redis: RedisProcess;
  const servers: AgentServer[] = [];
  const clients: MnemoClient[] = [];
  const start = async (env: Record<string, string>): Promise<MnemoClient> => {
    const server = await startAgentServer(redis, env);
    servers.push(server);
    const client = testClient(server.port);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const server of servers) await server.stop();
    await redis.stop();
  });

  it("takes the server's parameters, and refuses a caller's other ones", async () => {
    const client = await start({ MNEMO_KEY_PREFIX: 'own:', MNEMO_RATE_LIMITS: 'orders=2/0' });
    const take = (capacity: number, refill: number) =>
      client.rateLimit.acquire({ bucket: 'orders', capacity, refill_per_second: refill });
    expect(await take(0, 0)).toMatchObject({ allowed: true, remaining: 1 });
    // One call cannot refill the shared bucket for everyone, nor drain it with another capacity.
    const refill = await failure(take(1e9, 1e9));
    expect([refill.code, refill.message]).toEqual([
      status.FAILED_PRECONDITION,
      'capacity: the server configures this bucket with capacity 2: send 0 or 2, got 1000000000',
    ]);
    const rate = await failure(take(2, 1e9));
    expect(rate.message).toMatch(/^refill_per_second: the server configures this bucket/);
    expect(await take(2, 0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await take(0, 0)).toMatchObject({ allowed: false });
    // A bucket the server does not own takes the caller's parameters, as before.
    const other = await client.rateLimit.acquire({
      bucket: 'quotes',
      capacity: 5,
      refill_per_second: 1,
    });
    expect(other).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('refuses every other bucket with MNEMO_RATE_LIMITS_ONLY=true', async () => {
    const client = await start({
      MNEMO_KEY_PREFIX: 'only:',
      MNEMO_RATE_LIMITS: 'orders=2/1',
      MNEMO_RATE_LIMITS_ONLY: 'true',
    });
    expect((await client.rateLimit.acquire({ bucket: 'orders' })).allowed).toBe(true);
    const error = await failure(
      client.rateLimit.acquire({ bucket: 'quotes', capacity: 5, refill_per_second: 1 }),
    );
    expect([error.code, error.message]).toEqual([
      status.FAILED_PRECONDITION,
      'bucket: is not one of the buckets the server configures',
    ]);
  });

  it('is parsed at start: name=capacity/refill_per_second, comma-separated, each checked', () => {
    const config = loadConfig({ MNEMO_RATE_LIMITS: 'orders=100/10, exchange:binance=1200/0' });
    expect([...config.rateLimits]).toEqual([
      ['orders', { capacity: 100, refillPerSecond: 10 }],
      ['exchange:binance', { capacity: 1200, refillPerSecond: 0 }],
    ]);
    for (const [value, message] of [
      ['orders=100', 'MNEMO_RATE_LIMITS must be name=capacity/refill_per_second'],
      ['orders=0/1', 'MNEMO_RATE_LIMITS: bucket "orders": capacity must be a number above 0'],
      ['slow=1000000/0.0001', 'MNEMO_RATE_LIMITS: bucket "slow": refill_per_second 0.0001 refills'],
      ['a=1/1,a=2/2', 'MNEMO_RATE_LIMITS names the bucket "a" twice'],
    ] as const) {
      expect(() => loadConfig({ MNEMO_RATE_LIMITS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ MNEMO_RATE_LIMITS: value })).toThrow(message);
    }
  });
});
