import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { RawClient, servedMethods } from '../support/rawWire.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

const P1 = 'app1:';
const P2 = 'app2:';

/** Text of exactly `bytes` UTF-8 bytes (2-byte characters, then ASCII). */
const long = (bytes: number, tail = ''): string =>
  'é'.repeat(bytes >> 1) + 'x'.repeat(bytes % 2) + tail;

/** Ids, keys, tags and names an attacker would try: glob, separators, paths, both prefixes. */
const HOSTILE = [
  ...['a*', 'ab', 'a?', '*', '?', '[ab]', 'a[b]', '{a}', 'a{b}c', '\\*', 'a\\', 'a:b', ':'],
  ...['line\nbreak', 'cr\rlf\r\n', 'with space', ' ', '../', `../${P2}x`, `../../${P2}`],
  ...[P1, P2, `${P1}episodic:ab`, `${P2}episodic:ab`, `${P2}cache:k1`, `${P2}ratelimit:b1`],
  ...['mnemo:changes', '../mnemo:changes', 'mnemo:dataset', `${P1}mnemo:changes`],
  ...['audit:log', 'audit:tx', '__proto__', 'constructor', 'toString'],
  ...['a', 'b', 'a,b', 'a|b', 'a b', 'a"b', "a'b", '@agent_id:{a}', '%a%', 'nul\0byte'],
];
const LONG = long(512);
const IDS = [...HOSTILE, LONG];
const vector = (i: number) => ({ values: [1, (i % 7) + 1, i / 10, 0, 0, 0, 0, 1] });
const episode = (id: string, i: number) => ({
  id,
  agent_id: id,
  product_id: id,
  regime: id,
  state_vector: vector(i),
  payload: Buffer.from(id),
});
const sorted = (values: Iterable<string>) => [...values].sort();

describe('key injection', () => {
  let redis: RedisProcess;
  let app1: App;
  let app2: App;
  let raw: Redis;
  let m1: MnemoClient;
  let m2: MnemoClient;
  let a1: MnemoClient;
  let a2: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    [app1, app2] = await Promise.all([
      startApp(redis, { MNEMO_KEY_PREFIX: P1 }),
      startApp(redis, { MNEMO_KEY_PREFIX: P2 }),
    ]);
    raw = new Redis(redis.url);
    [m1, m2] = [testClient(app1.port), testClient(app2.port)];
    [a1, a2] = [testClient(app1.port), testClient(app2.port)];
  });

  afterAll(async () => {
    for (const client of [m1, m2, a1, a2]) client.close();
    await raw.quit();
    await Promise.all([app1.stop(), app2.stop()]);
    await redis.stop();
  });

  /** Every key of one namespace of a prefix (the prefixes hold no glob characters). */
  const keysOf = async (prefix: string, namespace: string) =>
    sorted(await raw.keys(`${prefix}${namespace}*`));

  it('stores an episodic id with glob characters literally and finds it by id, search and filter', async () => {
    const { ids } = await m1.memory.upsertEpisodic({ memories: IDS.map(episode) });
    expect(ids).toEqual(IDS);
    for (const [i, id] of IDS.entries()) {
      const got = await m1.memory.getEpisodic({ ids: [id] });
      expect(got.memories.map((m) => [m.id, m.agent_id, m.payload.toString()])).toEqual([
        [id, id, id],
      ]);
      const search = await m1.memory.searchEpisodic({
        vector: vector(i),
        k: 50,
        filter: { agent_ids: [id] },
      });
      expect(search.hits.map((h) => h.memory?.id)).toEqual([id]);
      for (const filter of [{ product_ids: [id] }, { regimes: [id] }]) {
        const recent = await m1.memory.recentEpisodic({ filter, limit: 50 });
        expect(recent.memories.map((m) => m.id)).toEqual([id]);
      }
    }
    expect(await keysOf(P1, 'episodic:')).toEqual(sorted(IDS.map((id) => `${P1}episodic:${id}`)));
    // Paging (equal rewards: ordered by id) gives every id once.
    const paged: string[] = [];
    let page_token = '';
    do {
      const page = await m1.memory.recentEpisodic({ limit: 7, page_token });
      paged.push(...page.memories.map((m) => m.id));
      page_token = page.next_page_token;
    } while (page_token !== '' && paged.length <= IDS.length);
    expect(sorted(paged)).toEqual(sorted(IDS));
  });

  it('stores a semantic id and regime name literally and finds them by id, search and filter', async () => {
    const memories = IDS.map((id, i) => ({
      id,
      concept_vector: vector(i),
      memory_type: 'MEMORY_TYPE_PATTERN' as const,
      regime_name: id,
    }));
    expect((await m1.memory.upsertSemantic({ memories })).ids).toEqual(IDS);
    for (const [i, id] of IDS.entries()) {
      expect((await m1.memory.getSemantic({ ids: [id] })).memories.map((m) => m.id)).toEqual([id]);
      const search = await m1.memory.searchSemantic({
        vector: vector(i),
        k: 50,
        filter: { regime_names: [id] },
        touch: true,
      });
      expect(search.hits.map((h) => [h.memory?.id, h.memory?.regime_name])).toEqual([[id, id]]);
    }
    // Each search touched its one hit, and only it.
    const touched = await m1.memory.getSemantic({ ids: IDS });
    expect(touched.memories.map((m) => [m.id, m.access_count])).toEqual(IDS.map((id) => [id, 1]));
    expect(await keysOf(P1, 'semantic:')).toEqual(sorted(IDS.map((id) => `${P1}semantic:${id}`)));
  });

  it('deletes only the literal id, never what it would match as a pattern', async () => {
    expect(await m1.memory.deleteEpisodic({ ids: ['a*', '*', '?', '[ab]'] })).toEqual({
      deleted: 4,
    });
    expect(
      (await m1.memory.getEpisodic({ ids: ['a*', 'ab', 'a?', 'a[b]'] })).memories.map((m) => m.id),
    ).toEqual(['ab', 'a?', 'a[b]']);
    const byFilter = await m1.memory.deleteEpisodicByFilter({
      filter: { agent_ids: ['a?', 'nothing*'] },
    });
    expect(byFilter).toEqual({ deleted: 1 });
    expect(await m1.memory.deleteSemantic({ ids: ['a*'] })).toEqual({ deleted: 1 });
    const left = IDS.filter((id) => !['a*', '*', '?', '[ab]', 'a?'].includes(id));
    expect(await keysOf(P1, 'episodic:')).toEqual(sorted(left.map((id) => `${P1}episodic:${id}`)));
    expect((await m1.memory.getSemantic({ ids: ['ab'] })).memories).toHaveLength(1);
  });

  it('keeps the change stream and dataset id whatever a memory id names', async () => {
    expect(await raw.type(`${P1}mnemo:changes`)).toBe('stream');
    expect(await raw.type(`${P1}mnemo:dataset`)).toBe('string');
    expect(await raw.type(`${P1}episodic:mnemo:changes`)).toBe('hash');
    // The stream still carries writes: a new memory is found at once.
    await m1.memory.upsertEpisodic({ memories: [episode('after', 99)] });
    const found = await m1.memory.searchEpisodic({
      vector: vector(99),
      k: 1,
      filter: { agent_ids: ['after'] },
    });
    expect(found.hits.map((h) => h.memory?.id)).toEqual(['after']);
  });

  it('takes ids and tags at their limits and refuses one byte more, in UTF-8 bytes', async () => {
    const atLimit = { ...episode('t', 0), agent_id: long(1024), regime: long(1024) };
    await m1.memory.upsertEpisodic({ memories: [atLimit] });
    const found = await m1.memory.recentEpisodic({ filter: { agent_ids: [long(1024)] } });
    expect(found.memories.map((m) => [m.id, m.regime])).toEqual([['t', long(1024)]]);
    await m1.memory.deleteEpisodic({ ids: ['t'] });
    const tooLong = long(512, 'x');
    const id = await failure(m1.memory.upsertEpisodic({ memories: [episode(tooLong, 0)] }));
    expect([id.code, id.message]).toEqual([
      status.INVALID_ARGUMENT,
      'memories[0].id: is longer than 512 bytes',
    ]);
    const tag = { ...episode('t', 0), agent_id: long(1025) };
    const agent = await failure(m1.memory.upsertEpisodic({ memories: [tag] }));
    expect(agent.message).toBe('memories[0].agent_id: is longer than 1024 bytes');
    const get = await failure(m1.memory.getEpisodic({ ids: [tooLong] }));
    expect(get.message).toBe('ids[0]: is longer than 512 bytes');
    const filter = await failure(m1.memory.recentEpisodic({ filter: { regimes: [long(1025)] } }));
    expect(filter.message).toBe('filter.regimes[0]: is longer than 1024 bytes');
  });

  it('stores cache keys literally: a Delete of k* leaves k1', async () => {
    const keys = [...HOSTILE, 'k*', 'k1', long(1024)];
    for (const key of keys) await a1.cache.set({ key, value: Buffer.from(`v:${key}`) });
    for (const key of keys) {
      expect((await a1.cache.get({ key })).value.toString()).toBe(`v:${key}`);
    }
    expect(await a1.cache.delete({ keys: ['k*', '*', '[ab]'] })).toEqual({ deleted: 3 });
    expect((await a1.cache.get({ key: 'k1' })).found).toBe(true);
    expect((await a1.cache.get({ key: 'ab' })).found).toBe(true);
    const left = keys.filter((k) => !['k*', '*', '[ab]'].includes(k));
    expect(await keysOf(P1, 'cache:')).toEqual(sorted(left.map((k) => `${P1}cache:${k}`)));
    const tooLong = await failure(a1.cache.get({ key: long(1025) }));
    expect(tooLong.message).toBe('key: is 1025 bytes, at most 1024 are allowed');
  });

  it('stores hash field names literally, __proto__ included', async () => {
    const names = [...HOSTILE, 'f*', 'f1', long(1024)];
    const fields = Object.fromEntries(names.map((name) => [name, `v:${name}`]));
    await a1.cache.setHash({ key: 'h*', fields });
    const all = await a1.cache.getHash({ key: 'h*' });
    expect(sorted(Object.keys(all.fields))).toEqual(sorted(names));
    for (const name of names)
      expect(Object.getOwnPropertyDescriptor(all.fields, name)?.value).toBe(`v:${name}`);
    const some = await a1.cache.getHash({ key: 'h*', fields: ['f*', '__proto__', 'nope*'] });
    expect(Object.entries(some.fields)).toEqual([
      ['f*', 'v:f*'],
      ['__proto__', 'v:__proto__'],
    ]);
    await a1.cache.setHash({ key: 'n', fields: { n1: '1' } });
    expect(await a1.cache.incrementBy({ key: 'n', field: 'n*', delta: 5 })).toEqual({ value: 5 });
    expect(await raw.hgetall(`${P1}cache:n`)).toEqual({ n1: '1', 'n*': '5' });
    expect(await raw.exists(`${P1}cache:h`)).toBe(0);
    const over = await failure(a1.cache.incrementBy({ key: 'n', field: long(1025), delta: 1 }));
    expect(over.message).toBe('field: is 1025 bytes, at most 1024 are allowed');
  });

  it('keeps each rate-limit bucket name literal: b* does not drain b1', async () => {
    const buckets = [...HOSTILE, 'b*', 'b1', long(1024)];
    const acquire = (bucket: string, client = a1) =>
      client.rateLimit.acquire({ bucket, capacity: 1, refill_per_second: 0 });
    for (const bucket of buckets) expect((await acquire(bucket)).allowed, bucket).toBe(true);
    for (const bucket of buckets) expect((await acquire(bucket)).allowed, bucket).toBe(false);
    expect(await keysOf(P1, 'ratelimit:')).toEqual(
      sorted(buckets.map((b) => `${P1}ratelimit:${b}`)),
    );
    // The other app's buckets of the same names are its own, full ones.
    for (const bucket of [...buckets, `../${P1}ratelimit:b1`]) {
      expect((await acquire(bucket, a2)).allowed, bucket).toBe(true);
    }
    const over = await failure(acquire(long(1025)));
    expect(over.message).toBe('bucket: is 1025 bytes, at most 1024 are allowed');
  });

  it('keeps audit agent ids and tx ids literal in sums, filters and deduplication', async () => {
    const agents = [...HOSTILE, 'ag*', long(256)];
    for (const [i, agent] of agents.entries()) {
      const entry = {
        agent_id: agent,
        action: 'order',
        tx_id: agent,
        pnl: i + 1,
        wall_time: 1000 + i,
      };
      expect((await a1.audit.append({ entry })).duplicate).toBe(false);
      expect((await a1.audit.append({ entry })).duplicate, agent).toBe(true);
    }
    for (const [i, agent] of agents.entries()) {
      expect(await a1.audit.agentPnl({ agent_id: agent })).toEqual({
        total_pnl: i + 1,
        entries: 1,
      });
      const range = await a1.audit.range({ agent_id: agent });
      expect(range.records.map((r) => r.entry?.tx_id)).toEqual([agent]);
    }
    const widths = [86400, 3600, 60, 1];
    const expected = [`${P1}audit:log`, `${P1}audit:txa`];
    for (const agent of agents) {
      expected.push(
        `${P1}audit:time:${agent}`,
        ...widths.map((w) => `${P1}audit:pnl:${w}:${agent}`),
      );
    }
    expect(await keysOf(P1, 'audit:')).toEqual(sorted(expected));
    expect(sorted(await raw.hkeys(`${P1}audit:txa`))).toEqual(
      sorted(agents.map((agent) => JSON.stringify([agent, agent]))),
    );
    const over = await failure(a1.audit.agentPnl({ agent_id: long(257) }));
    expect(over.message).toBe('agent_id: is 257 bytes, at most 256 are allowed');
    // Tail of agent `*` from the start of the log: its own entry first, no other agent's.
    let first: string | undefined;
    for await (const message of a1.audit.tail({ after_id: '0', agent_id: '*' })) {
      first = message.record?.entry?.agent_id;
      break; // which cancels the tail
    }
    expect(first).toBe('*');
  });

  it('refuses strings that are not UTF-8 in every id, key, tag and name field', async () => {
    const rawClient = new RawClient(app1.port);
    const before = await raw.dbsize();
    try {
      for (const [service, name, request, path] of NOT_UTF8) {
        const method = servedMethods().find(
          (m) => m.service === `mnemo.v1.${service}` && m.name === name,
        );
        if (method === undefined) throw new Error(`no method ${service}.${name}`);
        const bytes = [...method.definition.requestSerialize(request)];
        expect(
          bytes.filter((b) => b === MARK),
          `${name}: one marker`,
        ).toHaveLength(1);
        const spoiled = Uint8Array.from(bytes.map((b) => (b === MARK ? 0xff : b)));
        expect(await rawClient.call(method.definition.path, spoiled), `${name} ${path}`).toEqual({
          code: status.INVALID_ARGUMENT,
          details: path.startsWith('fields:') ? path : `${path}: is not valid UTF-8`,
        });
      }
    } finally {
      rawClient.close();
    }
    expect(await raw.dbsize()).toBe(before);
  });

  it("never shows one prefix's memories, cache, buckets or audit to an app of another prefix", async () => {
    const others = [...IDS, `../${P1}ab`, `${P1}ab`, `../${P1}episodic:ab`];
    expect((await m2.memory.getEpisodic({ ids: others })).memories).toEqual([]);
    expect((await m2.memory.getSemantic({ ids: others })).memories).toEqual([]);
    expect((await m2.memory.searchEpisodic({ vector: vector(1), k: 100 })).hits).toEqual([]);
    expect((await m2.memory.recentEpisodic({ limit: 100 })).memories).toEqual([]);
    for (const key of [...others, `../${P1}cache:k1`, `${P1}cache:k1`]) {
      expect((await a2.cache.get({ key })).found, key).toBe(false);
    }
    expect((await a2.cache.delete({ keys: ['k1', '*', `../${P1}cache:k1`] })).deleted).toBe(0);
    expect((await a2.audit.range({})).records).toEqual([]);
    expect(await a2.audit.agentPnl({ agent_id: 'ag*' })).toEqual({ total_pnl: 0, entries: 0 });
    // app2 writes under its own prefix only, whatever its ids name.
    await m2.memory.upsertEpisodic({
      memories: [episode(`../${P1}episodic:ab`, 1), episode(P1, 2)],
    });
    await a2.cache.set({ key: `../${P1}cache:k1`, value: Buffer.from('2') });
    expect((await a1.cache.get({ key: 'k1' })).value.toString()).toBe('v:k1');
    expect(
      (await m1.memory.searchEpisodic({ vector: vector(1), k: 100 })).hits.map((h) => h.memory?.id),
    ).not.toContain(`../${P1}episodic:ab`);
    const all = await raw.keys('*');
    const namespaces =
      /^app[12]:(episodic:|semantic:|cache:|ratelimit:|audit:(log|tx|time:|pnl:)|mnemo:(changes|dataset)$)/s;
    expect(all.filter((key) => !namespaces.test(key))).toEqual([]);
    expect(await keysOf(P2, 'episodic:')).toEqual(
      sorted([`${P2}episodic:../${P1}episodic:ab`, `${P2}episodic:${P1}`]),
    );
  });
});

const MARK = 0x23; // '#', spoiled into 0xff
type Case = [service: string, method: string, request: object, path: string];
const v = { values: [1, 0, 0, 0, 0, 0, 0, 0] };
const NOT_UTF8: Case[] = [
  [
    'MemoryService',
    'UpsertEpisodic',
    { memories: [{ id: 'i#', agent_id: 'a', state_vector: v }] },
    'memories[0].id',
  ],
  [
    'MemoryService',
    'UpsertEpisodic',
    { memories: [{ id: 'i', agent_id: 'a#', state_vector: v }] },
    'memories[0].agent_id',
  ],
  [
    'MemoryService',
    'UpsertEpisodic',
    { memories: [{ id: 'i', agent_id: 'a', regime: '#', state_vector: v }] },
    'memories[0].regime',
  ],
  [
    'MemoryService',
    'UpsertSemantic',
    { memories: [{ id: 'i#', concept_vector: v }] },
    'memories[0].id',
  ],
  [
    'MemoryService',
    'UpsertSemantic',
    { memories: [{ id: 'i', concept_vector: v, regime_name: '#' }] },
    'memories[0].regime_name',
  ],
  ['MemoryService', 'GetEpisodic', { ids: ['a', 'b#'] }, 'ids[1]'],
  ['MemoryService', 'DeleteSemantic', { ids: ['#'] }, 'ids[0]'],
  [
    'MemoryService',
    'DeleteEpisodicByFilter',
    { filter: { product_ids: ['#'] } },
    'filter.product_ids[0]',
  ],
  [
    'MemoryService',
    'SearchEpisodic',
    { vector: v, k: 1, filter: { agent_ids: ['#'] } },
    'filter.agent_ids[0]',
  ],
  [
    'MemoryService',
    'SearchSemantic',
    { vector: v, k: 1, filter: { regime_names: ['#'] } },
    'filter.regime_names[0]',
  ],
  ['MemoryService', 'RecentEpisodic', { filter: { regimes: ['#'] } }, 'filter.regimes[0]'],
  ['CacheService', 'Set', { key: 'k#', value: Buffer.from('v') }, 'key'],
  ['CacheService', 'Get', { key: '#' }, 'key'],
  ['CacheService', 'Delete', { keys: ['k', '#'] }, 'keys[1]'],
  ['CacheService', 'GetHash', { key: 'h', fields: ['#'] }, 'fields[0]'],
  [
    'CacheService',
    'SetHash',
    { key: 'h', fields: { 'f#': 'v' } },
    'fields: has a key that is not valid UTF-8',
  ],
  ['CacheService', 'IncrementBy', { key: 'h', field: 'f#', delta: 1 }, 'field'],
  ['RateLimitService', 'Acquire', { bucket: 'b#', capacity: 1 }, 'bucket'],
  ['AuditService', 'Append', { entry: { agent_id: 'a#', action: 'o' } }, 'entry.agent_id'],
  ['AuditService', 'Append', { entry: { agent_id: 'a', action: 'o', tx_id: '#' } }, 'entry.tx_id'],
  ['AuditService', 'Range', { agent_id: '#' }, 'agent_id'],
  ['AuditService', 'AgentPnl', { agent_id: '#' }, 'agent_id'],
  ['SessionService', 'StartSession', { agent_id: 'a#' }, 'agent_id'],
  ['SessionService', 'GetSession', { agent_id: '#' }, 'agent_id'],
  ['SessionService', 'RecordTrade', { agent_id: 'a', tx_id: '#' }, 'tx_id'],
  ['SessionService', 'WatchSessions', { agent_ids: ['a', '#'] }, 'agent_ids[1]'],
];

describe('key injection: prefixes', () => {
  it("refuses a prefix that would lie in a namespace of a shorter prefix's callers", () => {
    // With `app1:` and `app1:cache:` on one Redis, app1's cache key `episodic:x` is a memory of
    // the other, and its cache key `mnemo:changes` the other's change stream.
    expect(() => loadConfig({ MNEMO_KEY_PREFIX: `${P1}cache:` })).toThrow(
      new ConfigError(
        'MNEMO_KEY_PREFIX must not contain "cache:": its keys would be in that namespace of ' +
          `the prefix "${P1}", open to that deployment's callers`,
      ),
    );
    for (const prefix of [
      'episodic:',
      `${P2}semantic:x:`,
      'ratelimit:',
      'a:audit:time:',
      'mycache:',
    ]) {
      expect(() => loadConfig({ MNEMO_KEY_PREFIX: prefix }), prefix).toThrow(ConfigError);
    }
    for (const prefix of ['mnemo:', 'app1:mnemo:', 'caches', '\\{x}:', 'ép:']) {
      expect(loadConfig({ MNEMO_KEY_PREFIX: prefix }).keyPrefix).toBe(prefix);
    }
  });
});

describe('key injection: index rebuild', () => {
  // Unescaped, the SCAN pattern of `t\{1}:` would match the keys of `t{1}:`, and so on.
  const PREFIXES = ['t{1}:', 't\\{1}:', 't\\\\{1}:', 't:'];
  const idsOf = (prefix: string) => [`own ${prefix}`, ...IDS];

  it('reloads each prefix from its own snapshot and keys only, \\ and {} in the prefix included', async () => {
    const redis = await startRedis();
    const shared = mkdtempSync(join(tmpdir(), 'mnemo-keys-'));
    try {
      // One data dir for all: each prefix snapshots to its own folder on stop, then loads it.
      for (const round of ['write', 'snapshot', 'rebuild']) {
        const dir: Record<string, string> = round === 'rebuild' ? {} : { MNEMO_DATA_DIR: shared };
        const apps = await Promise.all(
          PREFIXES.map((p) => startApp(redis, { MNEMO_KEY_PREFIX: p, ...dir })),
        );
        try {
          for (const [i, prefix] of PREFIXES.entries()) {
            const client = testClient(apps[i]?.port ?? 0);
            try {
              const ids = idsOf(prefix);
              if (round === 'write') {
                await client.memory.upsertEpisodic({
                  memories: ids.map((id, n) => episode(id, n)),
                });
              }
              const hits = await client.memory.searchEpisodic({
                vector: vector(1),
                k: 100,
                exact: true,
              });
              const found = sorted(hits.hits.map((h) => h.memory?.id ?? ''));
              expect(found, `${round} ${prefix}`).toEqual(sorted(ids));
              const recent = await client.memory.recentEpisodic({ filter: { agent_ids: ['a*'] } });
              expect(recent.memories.map((m) => m.id)).toEqual(['a*']);
            } finally {
              client.close();
            }
          }
        } finally {
          await Promise.all(apps.map((app) => app.stop()));
        }
        if (round === 'write') expect(readdirSync(join(shared, 'index'))).toHaveLength(4);
      }
    } finally {
      await redis.stop();
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
