import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { RedisKeys } from '../../src/redis/RedisKeys.js';
import { scriptSource } from '../../src/redis/scripts/loader.js';
import { rateLimitAcquire } from '../../src/redis/scripts/rateLimitAcquire.js';
import { startRedis } from '../support/testApp.js';

const LUA_DIR = join(projectRoot(), 'src', 'redis', 'lua');
const SCRIPTS = readdirSync(LUA_DIR)
  .filter((file) => file.endsWith('.lua'))
  .map((file) => file.slice(0, -'.lua'.length));

describe('the Lua scripts and their loader', () => {
  let redis: RedisProcess;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });

  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('has a typed wrapper for every script', () => {
    const wrappers = readdirSync(join(projectRoot(), 'src', 'redis', 'scripts'));
    expect(SCRIPTS.length).toBeGreaterThan(0);
    for (const name of SCRIPTS) expect(wrappers, name).toContain(`${name}.ts`);
  });

  it.each(SCRIPTS)('%s compiles on Redis, its includes resolved', async (name) => {
    const source = scriptSource(name);
    expect(source).not.toMatch(/^--#include/m);
    expect(await client.script('LOAD', source)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('runs a script again after Redis forgot it (NOSCRIPT: loaded again)', async () => {
    const key = new RedisKeys('scripts-test:').rateLimitBucket('b');
    const input = { key, capacity: 2, refillPerSecond: 0, tokens: 1 };
    expect(await rateLimitAcquire(client, input)).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
    });
    await client.script('FLUSH');
    expect(await rateLimitAcquire(client, input)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
  });

  it('rateLimitAcquire passes PEXPIRE a whole number of ms, however slow the refill', async () => {
    const key = new RedisKeys('scripts-test:').rateLimitBucket('slow');
    const input = { key, capacity: 1, refillPerSecond: 1e-15, tokens: 1 };
    expect(await rateLimitAcquire(client, input)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect(await client.pttl(key)).toBeGreaterThan(1e17);
  });
});
