import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisProcess } from '../../../src/app/RedisProcess.js';
import { registry } from '../../../src/metrics/metrics.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient, failure } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

const PREFIX = 'spec:';

/** A counter's value for the CacheService (cache="kv"). */
async function counter(name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels.cache === 'kv')?.value ?? 0;
}

describe('CacheService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, {
      MNEMO_KEY_PREFIX: PREFIX,
      MNEMO_CACHE_MAX_VALUE_BYTES: '1024',
      MNEMO_MAX_BATCH: '10',
    });
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  describe('Get and Set', () => {
    it('returns what Set stored, byte for byte, with no expiry as ttl_ms -1', async () => {
      const value = Buffer.from([0, 1, 2, 255, 0x7b]);
      expect(await client.cache.set({ key: 'ticker:BTC-USD', value })).toEqual({ stored: true });
      const got = await client.cache.get({ key: 'ticker:BTC-USD' });
      expect(got.found).toBe(true);
      expect(Buffer.compare(got.value, value)).toBe(0);
      expect(got.ttl_ms).toBe(-1);
    });

    it('answers found false with an empty value for a missing key', async () => {
      expect(await client.cache.get({ key: 'never-set' })).toEqual({
        found: false,
        value: Buffer.alloc(0),
        ttl_ms: -1,
      });
    });

    it('reports the remaining ttl and forgets the entry once it expires', async () => {
      await client.cache.set({ key: 'quote:ETH', value: Buffer.from('3100.5'), ttl_ms: 150 });
      const fresh = await client.cache.get({ key: 'quote:ETH' });
      expect(fresh.found).toBe(true);
      expect(fresh.ttl_ms).toBeGreaterThan(0);
      expect(fresh.ttl_ms).toBeLessThanOrEqual(150);
      await vi.waitFor(
        async () => {
          expect((await client.cache.get({ key: 'quote:ETH' })).found).toBe(false);
        },
        { timeout: 2000, interval: 25 },
      );
    });

    it('writes nothing with only_if_absent when the key exists, and writes when it does not', async () => {
      await client.cache.set({ key: 'lock:rebalance', value: Buffer.from('a') });
      const second = await client.cache.set({
        key: 'lock:rebalance',
        value: Buffer.from('b'),
        only_if_absent: true,
      });
      expect(second.stored).toBe(false);
      expect((await client.cache.get({ key: 'lock:rebalance' })).value.toString()).toBe('a');
      const fresh = await client.cache.set({
        key: 'lock:fresh',
        value: Buffer.from('c'),
        only_if_absent: true,
        ttl_ms: 60_000,
      });
      expect(fresh.stored).toBe(true);
      expect((await client.cache.get({ key: 'lock:fresh' })).ttl_ms).toBeGreaterThan(59_000);
    });

    it('removes a previous expiry when set again with ttl_ms 0', async () => {
      await client.cache.set({ key: 'session:x', value: Buffer.from('1'), ttl_ms: 60_000 });
      await client.cache.set({ key: 'session:x', value: Buffer.from('2') });
      expect((await client.cache.get({ key: 'session:x' })).ttl_ms).toBe(-1);
    });

    it('counts hits and misses in redis_memory_cache_hits_total / _misses_total', async () => {
      const hits = await counter('redis_memory_cache_hits_total');
      const misses = await counter('redis_memory_cache_misses_total');
      await client.cache.set({ key: 'metric:k', value: Buffer.from('v') });
      await client.cache.get({ key: 'metric:k' });
      await client.cache.get({ key: 'metric:k' });
      await client.cache.get({ key: 'metric:absent' });
      expect(await counter('redis_memory_cache_hits_total')).toBe(hits + 2);
      expect(await counter('redis_memory_cache_misses_total')).toBe(misses + 1);
    });
  });

  describe('the namespace boundary', () => {
    it('stores every key under {prefix}cache: and nowhere else', async () => {
      await client.cache.set({ key: 'balance:usd', value: Buffer.from('100') });
      await client.cache.setHash({ key: 'positions', fields: { BTC: '1' } });
      expect(await server.raw.get('spec:cache:balance:usd')).toBe('100');
      expect(await server.raw.exists('balance:usd', 'spec:balance:usd', 'positions')).toBe(0);
      expect(await server.raw.hget('spec:cache:positions', 'BTC')).toBe('1');
    });

    it('cannot read, overwrite or delete keys outside its namespace, whatever the key', async () => {
      await server.raw.set('spec:episodic:m1', 'memory');
      await server.raw.set('outside', 'other');
      await server.raw.hset('spec:audit:tx', 'tx-1', '1-0');
      const tricks = ['outside', '../outside', '*', 'spec:episodic:m1', '../episodic:m1'];
      for (const key of tricks) expect((await client.cache.get({ key })).found).toBe(false);
      expect((await client.cache.getHash({ key: '../audit:tx' })).found).toBe(false);
      expect((await client.cache.getHash({ key: 'spec:audit:tx' })).found).toBe(false);
      expect((await client.cache.delete({ keys: tricks })).deleted).toBe(0);
      await client.cache.set({ key: 'outside', value: Buffer.from('mine') });
      expect(await server.raw.get('outside')).toBe('other');
      expect(await server.raw.get('spec:episodic:m1')).toBe('memory');
      expect(await server.raw.hget('spec:audit:tx', 'tx-1')).toBe('1-0');
    });
  });

  describe('Delete', () => {
    it('deletes values and hashes and counts only the keys that existed', async () => {
      await client.cache.set({ key: 'd:1', value: Buffer.from('x') });
      await client.cache.setHash({ key: 'd:2', fields: { a: '1' } });
      const { deleted } = await client.cache.delete({ keys: ['d:1', 'd:2', 'd:missing'] });
      expect(deleted).toBe(2);
      expect((await client.cache.get({ key: 'd:1' })).found).toBe(false);
      expect((await client.cache.getHash({ key: 'd:2' })).found).toBe(false);
    });
  });

  describe('GetHash and SetHash', () => {
    it('reads all fields, or only the named ones that exist', async () => {
      await client.cache.setHash({
        key: 'balances:agent-1',
        fields: { USD: '1000.5', BTC: '0.25', ETH: '3' },
      });
      const all = await client.cache.getHash({ key: 'balances:agent-1' });
      expect(all).toEqual({
        found: true,
        fields: { USD: '1000.5', BTC: '0.25', ETH: '3' },
        ttl_ms: -1,
      });
      const some = await client.cache.getHash({
        key: 'balances:agent-1',
        fields: ['BTC', 'DOGE'],
      });
      expect(some.fields).toEqual({ BTC: '0.25' });
    });

    it('keeps the fields it does not name and sets the expiry only when asked', async () => {
      await client.cache.setHash({ key: 'session:a', fields: { user: 'u1' }, ttl_ms: 60_000 });
      await client.cache.setHash({ key: 'session:a', fields: { step: '2' } });
      const hash = await client.cache.getHash({ key: 'session:a' });
      expect(hash.fields).toEqual({ user: 'u1', step: '2' });
      expect(hash.ttl_ms).toBeGreaterThan(59_000);
    });

    it('expires a hash written with a ttl', async () => {
      await client.cache.setHash({ key: 'session:short', fields: { a: '1' }, ttl_ms: 100 });
      expect((await client.cache.getHash({ key: 'session:short' })).found).toBe(true);
      await vi.waitFor(
        async () => {
          expect((await client.cache.getHash({ key: 'session:short' })).found).toBe(false);
        },
        { timeout: 2000, interval: 25 },
      );
    });

    it('answers FAILED_PRECONDITION, changing nothing, when value and hash keys are mixed up', async () => {
      await client.cache.set({ key: 'plain', value: Buffer.from('v') });
      const error = await failure(
        client.cache.setHash({ key: 'plain', fields: { a: '1' }, ttl_ms: 5000 }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect(error.message).toMatch(/^key: /);
      expect(await server.raw.pttl('spec:cache:plain')).toBe(-1);
      expect((await failure(client.cache.getHash({ key: 'plain' }))).code).toBe(
        status.FAILED_PRECONDITION,
      );
      await client.cache.setHash({ key: 'a-hash', fields: { a: '1' } });
      expect((await failure(client.cache.get({ key: 'a-hash' }))).code).toBe(
        status.FAILED_PRECONDITION,
      );
    });
  });

  describe('IncrementBy', () => {
    it('adds atomically: 200 concurrent increments of 0.25 make exactly 50', async () => {
      await Promise.all(
        Array.from({ length: 200 }, () =>
          client.cache.incrementBy({ key: 'risk:agent-1', field: 'drawdown', delta: 0.25 }),
        ),
      );
      const { value } = await client.cache.incrementBy({
        key: 'risk:agent-1',
        field: 'drawdown',
        delta: 0,
      });
      expect(value).toBe(50);
    });

    it('counts from 0, subtracts with a negative delta, and sets the expiry when asked', async () => {
      expect(
        (await client.cache.incrementBy({ key: 'pnl:day', field: 'realized', delta: 12.5 })).value,
      ).toBe(12.5);
      const after = await client.cache.incrementBy({
        key: 'pnl:day',
        field: 'realized',
        delta: -20,
        ttl_ms: 60_000,
      });
      expect(after.value).toBe(-7.5);
      expect((await client.cache.getHash({ key: 'pnl:day' })).ttl_ms).toBeGreaterThan(59_000);
    });

    it('answers FAILED_PRECONDITION on a field that is not a number', async () => {
      await client.cache.setHash({ key: 'counts', fields: { label: 'abc' } });
      const error = await failure(
        client.cache.incrementBy({ key: 'counts', field: 'label', delta: 1 }),
      );
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect((await client.cache.getHash({ key: 'counts' })).fields.label).toBe('abc');
    });

    it('answers FAILED_PRECONDITION naming delta on an overflow, storing nothing', async () => {
      const max = Number.MAX_VALUE;
      await client.cache.incrementBy({ key: 'huge', field: 'n', delta: max });
      await client.cache.incrementBy({ key: 'huge', field: 'm', delta: -max });
      for (const [field, delta] of [
        ['n', max],
        ['n', 1e308],
        ['m', -1e308],
      ] as const) {
        const error = await failure(
          client.cache.incrementBy({ key: 'huge', field, delta, ttl_ms: 60_000 }),
        );
        expect(error.code).toBe(status.FAILED_PRECONDITION);
        expect(error.message).toMatch(/^delta: .*not finite/);
      }
      const { fields } = await client.cache.getHash({ key: 'huge' });
      expect([Number(fields.n), Number(fields.m)]).toEqual([max, -max]);
      expect(await server.raw.pttl(`${PREFIX}cache:huge`)).toBe(-1);
      expect((await client.cache.incrementBy({ key: 'huge', field: 'n', delta: -max })).value).toBe(
        0,
      );
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty key', () => client.cache.get({ key: '' }), 'key'],
      ['an empty key to Set', () => client.cache.set({ key: '', value: Buffer.from('x') }), 'key'],
      [
        'a value above MNEMO_CACHE_MAX_VALUE_BYTES',
        () => client.cache.set({ key: 'big', value: Buffer.alloc(1025) }),
        'value',
      ],
      [
        'a negative ttl',
        () => client.cache.set({ key: 'k', value: Buffer.from('x'), ttl_ms: -1 }),
        'ttl_ms',
      ],
      [
        'a negative ttl on SetHash',
        () => client.cache.setHash({ key: 'h', fields: { a: '1' }, ttl_ms: -5 }),
        'ttl_ms',
      ],
      [
        'a negative ttl on IncrementBy',
        () => client.cache.incrementBy({ key: 'h', field: 'a', delta: 1, ttl_ms: -5 }),
        'ttl_ms',
      ],
      ['an empty key among keys', () => client.cache.delete({ keys: ['a', ''] }), 'keys[1]'],
      [
        'more keys than the batch limit',
        () => client.cache.delete({ keys: Array.from({ length: 11 }, (_, i) => `k${i}`) }),
        'keys',
      ],
      [
        'a hash write with no fields',
        () => client.cache.setHash({ key: 'h', fields: {} }),
        'fields',
      ],
      [
        'a hash write above the value limit',
        () => client.cache.setHash({ key: 'h', fields: { a: 'x'.repeat(1100) } }),
        'fields',
      ],
      [
        'an empty field',
        () => client.cache.incrementBy({ key: 'h', field: '', delta: 1 }),
        'field',
      ],
      [
        'a non-finite delta',
        () => client.cache.incrementBy({ key: 'h', field: 'a', delta: Infinity }),
        'delta',
      ],
      [
        'a hash field name above 1024 bytes',
        () => client.cache.setHash({ key: 'h', fields: { ['n'.repeat(2000)]: '1' } }),
        'fields[',
      ],
    ])('rejects %s with INVALID_ARGUMENT naming the field', async (_name, call, field) => {
      const error = await failure(call());
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(field.endsWith('[') ? field : `${field}: `)).toBe(true);
      expect(error.message.length).toBeLessThan(200);
    });

    it('writes nothing for a rejected Set', async () => {
      await failure(client.cache.set({ key: 'big2', value: Buffer.alloc(2000) }));
      expect(await server.raw.exists('spec:cache:big2')).toBe(0);
    });
  });
});

describe('CacheService with its Redis down', () => {
  // A Redis and a server of this test's own: killing them affects no other test.
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

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

  it('fails Set fast with UNAVAILABLE once the breaker is open, and recovers after a restart', async () => {
    expect(await client.cache.set({ key: 'outage', value: Buffer.from('before') })).toEqual({
      stored: true,
    });
    const port = redis.port;
    await redis.stop('SIGKILL');

    // Failed calls (and the router's polling) open the master's breaker.
    await vi.waitFor(
      async () => {
        await failure(client.cache.set({ key: 'outage', value: Buffer.from('down') }));
        expect(server.router.nodes()[0]?.breaker).toBe('open');
      },
      { timeout: 5000, interval: 50 },
    );
    const started = performance.now();
    const error = await failure(client.cache.set({ key: 'outage', value: Buffer.from('down') }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(elapsed).toBeLessThan(200);

    redis = await RedisProcess.start({ port });
    await vi.waitFor(
      async () => {
        expect(await client.cache.set({ key: 'outage', value: Buffer.from('after') })).toEqual({
          stored: true,
        });
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await client.cache.get({ key: 'outage' })).value.toString()).toBe('after');
  });
});
