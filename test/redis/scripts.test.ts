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

/** A bucket bound to its first parameters, kept a day after each call. */
const BIND = { parameters: 'bind', retainMs: 86_400_000 } as const;

function decided(allowed: boolean, remaining: number) {
  return { outcome: 'decided', decision: { allowed, remaining, retryAfterMs: 0 } };
}

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
    const input = { ...BIND, key, capacity: 2, refillPerSecond: 0, tokens: 1 };
    expect(await rateLimitAcquire(client, input)).toEqual(decided(true, 1));
    await client.script('FLUSH');
    expect(await rateLimitAcquire(client, input)).toEqual(decided(true, 0));
  });

  it('rateLimitAcquire passes PEXPIRE a whole number of ms, however slow the refill', async () => {
    const key = new RedisKeys('scripts-test:').rateLimitBucket('slow');
    const input = { ...BIND, key, capacity: 1, refillPerSecond: 1e-15, tokens: 1 };
    expect(await rateLimitAcquire(client, input)).toEqual(decided(true, 0));
    expect(await client.pttl(key)).toBeGreaterThan(1e17);
  });

  it('rateLimitAcquire refuses other parameters than those bound, writing nothing', async () => {
    const key = new RedisKeys('scripts-test:').rateLimitBucket('bound');
    const input = { ...BIND, key, capacity: 10, refillPerSecond: 0.1, tokens: 1 };
    expect(await rateLimitAcquire(client, input)).toEqual(decided(true, 9));
    const before = await client.hgetall(key);
    expect(before).toMatchObject({ capacity: '10', refill: '0.1' });
    expect(await rateLimitAcquire(client, { ...input, capacity: 1e9 })).toEqual({
      outcome: 'mismatch',
      mismatch: { field: 'capacity', capacity: 10, refillPerSecond: 0.1 },
    });
    expect(await rateLimitAcquire(client, { ...input, refillPerSecond: 0.2 })).toEqual({
      outcome: 'mismatch',
      mismatch: { field: 'refill_per_second', capacity: 10, refillPerSecond: 0.1 },
    });
    expect(await client.hgetall(key)).toEqual(before);
    // The retention keeps a full bucket's binding; `own` rebinds it.
    expect(await client.pttl(key)).toBeGreaterThan(BIND.retainMs - 60_000);
    const owned = { ...input, capacity: 3, parameters: 'own' as const, retainMs: 0 };
    expect(await rateLimitAcquire(client, owned)).toEqual(decided(true, 2));
    expect(await client.hgetall(key)).toMatchObject({ capacity: '3', refill: '0.1' });
  });
});
