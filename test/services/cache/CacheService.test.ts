import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisProcess } from '../../../src/app/RedisProcess.js';
import { registry } from '../../../src/metrics/metrics.js';
import {
  agentClients,
  rejection,
  startAgentServer,
  startOwnRedis,
  type AgentClients,
  type AgentServer,
} from '../../support/agentServer.js';

const PREFIX = 'spec:';

/** A counter's value for the CacheService (cache="kv"). */
async function counter(name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels.cache === 'kv')?.value ?? 0;
}

describe('CacheService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: AgentClients;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, {
      MNEMO_KEY_PREFIX: PREFIX,
      MNEMO_CACHE_MAX_VALUE_BYTES: '1024',
      MNEMO_MAX_BATCH: '10',
    });
    client = agentClients(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  describe('Get and Set', () => {
    it('returns what Set stored, byte for byte, with no expiry as ttl_ms -1', async () => {
      const value = Buffer.from([0, 1, 2, 255, 0x7b]);
      expect(await client.cache.Set({ key: 'ticker:BTC-USD', value })).toEqual({ stored: true });
      const got = await client.cache.Get({ key: 'ticker:BTC-USD' });
      expect(got.found).toBe(true);
      expect(Buffer.compare(got.value, value)).toBe(0);
      expect(got.ttl_ms).toBe(-1);
    });

    it('answers found false with an empty value for a missing key', async () => {
      expect(await client.cache.Get({ key: 'never-set' })).toEqual({
        found: false,
        value: Buffer.alloc(0),
        ttl_ms: -1,
      });
    });

    it('reports the remaining ttl and forgets the entry once it expires', async () => {
      await client.cache.Set({ key: 'quote:ETH', value: Buffer.from('3100.5'), ttl_ms: 150 });
      const fresh = await client.cache.Get({ key: 'quote:ETH' });
      expect(fresh.found).toBe(true);
      expect(fresh.ttl_ms).toBeGreaterThan(0);
      expect(fresh.ttl_ms).toBeLessThanOrEqual(150);
      await vi.waitFor(
        async () => {
          expect((await client.cache.Get({ key: 'quote:ETH' })).found).toBe(false);
        },
        { timeout: 2000, interval: 25 },
      );
    });

    it('writes nothing with only_if_absent when the key exists, and writes when it does not', async () => {
      await client.cache.Set({ key: 'lock:rebalance', value: Buffer.from('a') });
      const second = await client.cache.Set({
        key: 'lock:rebalance',
        value: Buffer.from('b'),
        only_if_absent: true,
      });
      expect(second.stored).toBe(false);
      expect((await client.cache.Get({ key: 'lock:rebalance' })).value.toString()).toBe('a');
      const fresh = await client.cache.Set({
        key: 'lock:fresh',
        value: Buffer.from('c'),
        only_if_absent: true,
        ttl_ms: 60_000,
      });
      expect(fresh.stored).toBe(true);
      expect((await client.cache.Get({ key: 'lock:fresh' })).ttl_ms).toBeGreaterThan(59_000);
    });

    it('removes a previous expiry when set again with ttl_ms 0', async () => {
      await client.cache.Set({ key: 'session:x', value: Buffer.from('1'), ttl_ms: 60_000 });
      await client.cache.Set({ key: 'session:x', value: Buffer.from('2') });
      expect((await client.cache.Get({ key: 'session:x' })).ttl_ms).toBe(-1);
    });

    it('counts hits and misses in redis_memory_cache_hits_total / _misses_total', async () => {
      const hits = await counter('redis_memory_cache_hits_total');
      const misses = await counter('redis_memory_cache_misses_total');
      await client.cache.Set({ key: 'metric:k', value: Buffer.from('v') });
      await client.cache.Get({ key: 'metric:k' });
      await client.cache.Get({ key: 'metric:k' });
      await client.cache.Get({ key: 'metric:absent' });
      expect(await counter('redis_memory_cache_hits_total')).toBe(hits + 2);
      expect(await counter('redis_memory_cache_misses_total')).toBe(misses + 1);
    });
  });

  describe('the namespace boundary', () => {
    it('stores every key under {prefix}cache: and nowhere else', async () => {
      await client.cache.Set({ key: 'balance:usd', value: Buffer.from('100') });
      await client.cache.SetHash({ key: 'positions', fields: { BTC: '1' } });
      expect(await server.raw.get('spec:cache:balance:usd')).toBe('100');
      expect(await server.raw.exists('balance:usd', 'spec:balance:usd', 'positions')).toBe(0);
      expect(await server.raw.hget('spec:cache:positions', 'BTC')).toBe('1');
    });

    it('cannot read, overwrite or delete keys outside its namespace, whatever the key', async () => {
      await server.raw.set('spec:episodic:m1', 'memory');
      await server.raw.set('outside', 'other');
      await server.raw.hset('spec:audit:tx', 'tx-1', '1-0');
      const tricks = ['outside', '../outside', '*', 'spec:episodic:m1', '../episodic:m1'];
      for (const key of tricks) expect((await client.cache.Get({ key })).found).toBe(false);
      expect((await client.cache.GetHash({ key: '../audit:tx' })).found).toBe(false);
      expect((await client.cache.GetHash({ key: 'spec:audit:tx' })).found).toBe(false);
      expect((await client.cache.Delete({ keys: tricks })).deleted).toBe(0);
      await client.cache.Set({ key: 'outside', value: Buffer.from('mine') });
      expect(await server.raw.get('outside')).toBe('other');
      expect(await server.raw.get('spec:episodic:m1')).toBe('memory');
      expect(await server.raw.hget('spec:audit:tx', 'tx-1')).toBe('1-0');
    });
  });

  describe('Delete', () => {
    it('deletes values and hashes and counts only the keys that existed', async () => {
      await client.cache.Set({ key: 'd:1', value: Buffer.from('x') });
      await client.cache.SetHash({ key: 'd:2', fields: { a: '1' } });
      const { deleted } = await client.cache.Delete({ keys: ['d:1', 'd:2', 'd:missing'] });
      expect(deleted).toBe(2);
      expect((await client.cache.Get({ key: 'd:1' })).found).toBe(false);
      expect((await client.cache.GetHash({ key: 'd:2' })).found).toBe(false);
    });
  });

  describe('GetHash and SetHash', () => {
    it('reads all fields, or only the named ones that exist', async () => {
      await client.cache.SetHash({
        key: 'balances:agent-1',
        fields: { USD: '1000.5', BTC: '0.25', ETH: '3' },
      });
      const all = await client.cache.GetHash({ key: 'balances:agent-1' });
      expect(all).toEqual({
        found: true,
        fields: { USD: '1000.5', BTC: '0.25', ETH: '3' },
        ttl_ms: -1,
      });
      const some = await client.cache.GetHash({
        key: 'balances:agent-1',
        fields: ['BTC', 'DOGE'],
      });
      expect(some.fields).toEqual({ BTC: '0.25' });
    });

    it('keeps the fields it does not name and sets the expiry only when asked', async () => {
      await client.cache.SetHash({ key: 'session:a', fields: { user: 'u1' }, ttl_ms: 60_000 });
      await client.cache.SetHash({ key: 'session:a', fields: { step: '2' } });
      const hash = await client.cache.GetHash({ key: 'session:a' });
      expect(hash.fields).toEqual({ user: 'u1', step: '2' });
      expect(hash.ttl_ms).toBeGreaterThan(59_000);
    });

    it('expires a hash written with a ttl', async () => {
      await client.cache.SetHash({ key: 'session:short', fields: { a: '1' }, ttl_ms: 100 });
      expect((await client.cache.GetHash({ key: 'session:short' })).found).toBe(true);
      await vi.waitFor(
        async () => {
          expect((await client.cache.GetHash({ key: 'session:short' })).found).toBe(false);
        },
        { timeout: 2000, interval: 25 },
      );
    });

    it('answers FAILED_PRECONDITION, changing nothing, when value and hash keys are mixed up', async () => {
      await client.cache.Set({ key: 'plain', value: Buffer.from('v') });
      const error = await rejection(
        client.cache.SetHash({ key: 'plain', fields: { a: '1' }, ttl_ms: 5000 }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect(error.details).toMatch(/^key: /);
      expect(await server.raw.pttl('spec:cache:plain')).toBe(-1);
      expect((await rejection(client.cache.GetHash({ key: 'plain' }))).code).toBe(
        status.FAILED_PRECONDITION,
      );
      await client.cache.SetHash({ key: 'a-hash', fields: { a: '1' } });
      expect((await rejection(client.cache.Get({ key: 'a-hash' }))).code).toBe(
        status.FAILED_PRECONDITION,
      );
    });
  });

  describe('IncrementBy', () => {
    it('adds atomically: 200 concurrent increments of 0.25 make exactly 50', async () => {
      await Promise.all(
        Array.from({ length: 200 }, () =>
          client.cache.IncrementBy({ key: 'risk:agent-1', field: 'drawdown', delta: 0.25 }),
        ),
      );
      const { value } = await client.cache.IncrementBy({
        key: 'risk:agent-1',
        field: 'drawdown',
        delta: 0,
      });
      expect(value).toBe(50);
    });

    it('counts from 0, subtracts with a negative delta, and sets the expiry when asked', async () => {
      expect(
        (await client.cache.IncrementBy({ key: 'pnl:day', field: 'realized', delta: 12.5 })).value,
      ).toBe(12.5);
      const after = await client.cache.IncrementBy({
        key: 'pnl:day',
        field: 'realized',
        delta: -20,
        ttl_ms: 60_000,
      });
      expect(after.value).toBe(-7.5);
      expect((await client.cache.GetHash({ key: 'pnl:day' })).ttl_ms).toBeGreaterThan(59_000);
    });

    it('answers FAILED_PRECONDITION on a field that is not a number', async () => {
      await client.cache.SetHash({ key: 'counts', fields: { label: 'abc' } });
      const error = await rejection(
        client.cache.IncrementBy({ key: 'counts', field: 'label', delta: 1 }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect((await client.cache.GetHash({ key: 'counts' })).fields.label).toBe('abc');
    });

    it('answers FAILED_PRECONDITION naming delta on an overflow, storing nothing', async () => {
      const max = Number.MAX_VALUE;
      await client.cache.IncrementBy({ key: 'huge', field: 'n', delta: max });
      await client.cache.IncrementBy({ key: 'huge', field: 'm', delta: -max });
      for (const [field, delta] of [
        ['n', max],
        ['n', 1e308],
        ['m', -1e308],
      ] as const) {
        const error = await rejection(
          client.cache.IncrementBy({ key: 'huge', field, delta, ttl_ms: 60_000 }),
        );
        expect(error.code).toBe(status.FAILED_PRECONDITION);
        expect(error.details).toMatch(/^delta: .*not finite/);
      }
      const { fields } = await client.cache.GetHash({ key: 'huge' });
      expect([Number(fields.n), Number(fields.m)]).toEqual([max, -max]);
      expect(await server.raw.pttl(`${PREFIX}cache:huge`)).toBe(-1);
      expect((await client.cache.IncrementBy({ key: 'huge', field: 'n', delta: -max })).value).toBe(
        0,
      );
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty key', () => client.cache.Get({ key: '' }), 'key'],
      ['an empty key to Set', () => client.cache.Set({ key: '', value: Buffer.from('x') }), 'key'],
      [
        'a value above MNEMO_CACHE_MAX_VALUE_BYTES',
        () => client.cache.Set({ key: 'big', value: Buffer.alloc(1025) }),
        'value',
      ],
      [
        'a negative ttl',
        () => client.cache.Set({ key: 'k', value: Buffer.from('x'), ttl_ms: -1 }),
        'ttl_ms',
      ],
      [
        'a negative ttl on SetHash',
        () => client.cache.SetHash({ key: 'h', fields: { a: '1' }, ttl_ms: -5 }),
        'ttl_ms',
      ],
      [
        'a negative ttl on IncrementBy',
        () => client.cache.IncrementBy({ key: 'h', field: 'a', delta: 1, ttl_ms: -5 }),
        'ttl_ms',
      ],
      ['an empty key among keys', () => client.cache.Delete({ keys: ['a', ''] }), 'keys[1]'],
      [
        'more keys than the batch limit',
        () => client.cache.Delete({ keys: Array.from({ length: 11 }, (_, i) => `k${i}`) }),
        'keys',
      ],
      [
        'a hash write with no fields',
        () => client.cache.SetHash({ key: 'h', fields: {} }),
        'fields',
      ],
      [
        'a hash write above the value limit',
        () => client.cache.SetHash({ key: 'h', fields: { a: 'x'.repeat(1100) } }),
        'fields',
      ],
      [
        'an empty field',
        () => client.cache.IncrementBy({ key: 'h', field: '', delta: 1 }),
        'field',
      ],
      [
        'a non-finite delta',
        () => client.cache.IncrementBy({ key: 'h', field: 'a', delta: Infinity }),
        'delta',
      ],
      [
        'a hash field name above 1024 bytes',
        () => client.cache.SetHash({ key: 'h', fields: { ['n'.repeat(2000)]: '1' } }),
        'fields[',
      ],
    ])('rejects %s with INVALID_ARGUMENT naming the field', async (_name, call, field) => {
      const error = await rejection(call());
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details.startsWith(field.endsWith('[') ? field : `${field}: `)).toBe(true);
      expect(error.details.length).toBeLessThan(200);
    });

    it('writes nothing for a rejected Set', async () => {
      await rejection(client.cache.Set({ key: 'big2', value: Buffer.alloc(2000) }));
      expect(await server.raw.exists('spec:cache:big2')).toBe(0);
    });
  });
});

describe('CacheService with its Redis down', () => {
  // A Redis and a server of this test's own: killing them affects no other test.
  let redis: RedisProcess;
  let server: AgentServer;
  let client: AgentClients;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, { MNEMO_KEY_PREFIX: PREFIX });
    client = agentClients(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  it('fails Set fast with UNAVAILABLE once the breaker is open, and recovers after a restart', async () => {
    expect(await client.cache.Set({ key: 'outage', value: Buffer.from('before') })).toEqual({
      stored: true,
    });
    const port = redis.port;
    await redis.stop('SIGKILL');

    // Failed calls (and the router's polling) open the master's breaker.
    await vi.waitFor(
      async () => {
        await rejection(client.cache.Set({ key: 'outage', value: Buffer.from('down') }));
        expect(server.router.nodes()[0]?.breaker).toBe('open');
      },
      { timeout: 5000, interval: 50 },
    );
    const started = performance.now();
    const error = await rejection(client.cache.Set({ key: 'outage', value: Buffer.from('down') }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(elapsed).toBeLessThan(200);

    redis = await RedisProcess.start({ port });
    await vi.waitFor(
      async () => {
        expect(await client.cache.Set({ key: 'outage', value: Buffer.from('after') })).toEqual({
          stored: true,
        });
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await client.cache.Get({ key: 'outage' })).value.toString()).toBe('after');
  });
});
