import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../../src/app/App.js';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { metrics } from '../../../src/metrics/metrics.js';
import type { MnemoClient } from '../../../src/client/index.js';
import { testClient, startApp, startRedis } from '../../support/testApp.js';

const DIM = 8;

function vector(...head: number[]): { values: number[] } {
  const values = new Array<number>(DIM).fill(0.01);
  head.forEach((x, i) => (values[i] = x));
  return { values };
}

/** The result cache's lookups so far (cache="result"), of every instance in this process. */
async function lookups(): Promise<{ hits: number; misses: number }> {
  const of = async (counter: typeof metrics.cacheHits): Promise<number> =>
    (await counter.get()).values.find((v) => v.labels.cache === 'result')?.value ?? 0;
  return { hits: await of(metrics.cacheHits), misses: await of(metrics.cacheMisses) };
}

/** Runs `call` and answers how many result cache hits and misses it made. */
async function counted(call: () => Promise<unknown>): Promise<{ hits: number; misses: number }> {
  const before = await lookups();
  await call();
  const after = await lookups();
  return { hits: after.hits - before.hits, misses: after.misses - before.misses };
}

describe('Search answers from the result cache', () => {
  let redis: RedisProcess;
  let app: App;
  let other: App;
  let off: App;
  let client: MnemoClient;
  let otherClient: MnemoClient;
  let offClient: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    // A TTL far longer than the tests: an answer that changes was invalidated, not expired.
    app = await startApp(redis, { MNEMO_KEY_PREFIX: 'qc:', MNEMO_RESULT_CACHE_TTL_MS: '60000' });
    other = await startApp(redis, { MNEMO_KEY_PREFIX: 'qc:' });
    off = await startApp(redis, { MNEMO_KEY_PREFIX: 'qc:', MNEMO_RESULT_CACHE_TTL_MS: '0' });
    client = testClient(app.port);
    otherClient = testClient(other.port);
    offClient = testClient(off.port);
    await client.memory.upsertEpisodic({
      memories: [1, 2, 3].map((i) => ({
        id: `tick-${i}`,
        agent_id: 'ticker',
        state_vector: vector(1, i / 10),
        reward: i,
        payload: Buffer.from(`payload ${i}`),
      })),
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    for (const c of [client, otherClient, offClient]) c.close();
    await Promise.all([app.stop(), other.stop(), off.stop()]);
    await redis.stop();
  });

  const ask = (target = client, agent = 'ticker') =>
    target.memory.searchEpisodic({ vector: vector(1, 0.05), k: 3, filter: { agent_ids: [agent] } });
  const ids = async (target = client, agent = 'ticker'): Promise<string[]> =>
    (await ask(target, agent)).hits.map((h) => h.memory?.id ?? '');

  it('answers a search repeated within the TTL from the cache, with the same answer', async () => {
    const first = await ask();
    let second: Awaited<ReturnType<typeof ask>> | undefined;
    expect(await counted(async () => (second = await ask()))).toEqual({ hits: 1, misses: 0 });
    expect(second?.hits).toEqual(first.hits);
    expect(second?.hits.map((h) => h.memory?.payload?.toString()).sort()).toEqual([
      'payload 1',
      'payload 2',
      'payload 3',
    ]);
  });

  it('misses once the answer is older than the TTL', async () => {
    await ask();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_001);
    expect(await counted(() => ask())).toEqual({ hits: 0, misses: 1 });
    vi.useRealTimers();
    expect(await counted(() => ask())).toEqual({ hits: 1, misses: 0 });
  });

  it("keeps an agent's answers through writes of other agents and of the other kind", async () => {
    const unfiltered = () => client.memory.searchEpisodic({ vector: vector(1, 0.05), k: 3 });
    await ask();
    await unfiltered();
    await client.memory.upsertSemantic({
      memories: [
        {
          id: 'unrelated-s',
          concept_vector: vector(0, 1),
          memory_type: 'MEMORY_TYPE_REGIME',
          regime_name: 'x',
        },
      ],
    });
    expect(await counted(() => ask())).toEqual({ hits: 1, misses: 0 });
    expect(await counted(unfiltered)).toEqual({ hits: 1, misses: 0 });
    await client.memory.upsertEpisodic({
      memories: [{ id: 'elsewhere', agent_id: 'someone-else', state_vector: vector(1, 0.05) }],
    });
    expect(await counted(() => ask())).toEqual({ hits: 1, misses: 0 });
    // A search without an agent filter can find the other agent's memory: it misses.
    let all: Awaited<ReturnType<typeof unfiltered>> | undefined;
    expect(await counted(async () => (all = await unfiltered()))).toEqual({ hits: 0, misses: 1 });
    expect(all?.hits[0]?.memory?.id).toBe('elsewhere');
    // The other agent's memory handed over to this one: it misses, and finds it.
    await client.memory.upsertEpisodic({
      memories: [{ id: 'elsewhere', agent_id: 'ticker', state_vector: vector(1, 0.05) }],
    });
    let mine: string[] = [];
    expect(await counted(async () => (mine = await ids()))).toEqual({ hits: 0, misses: 1 });
    expect(mine[0]).toBe('elsewhere');
    await client.memory.deleteEpisodic({ ids: ['elsewhere'] });
    expect(await ids()).not.toContain('elsewhere');
  });

  it('reads its own upsert, delete and delete by filter', async () => {
    /** The ids a search finds, asserting whether the cache answered it. */
    const found = async (cached: boolean): Promise<string[]> => {
      let answer: string[] = [];
      const lookups = await counted(async () => (answer = await ids()));
      expect(lookups).toEqual(cached ? { hits: 1, misses: 0 } : { hits: 0, misses: 1 });
      return answer;
    };
    await ids();
    const before = await found(true);
    await client.memory.upsertEpisodic({
      memories: [{ id: 'tick-new', agent_id: 'ticker', state_vector: vector(1, 0.05) }],
    });
    expect((await found(false))[0]).toBe('tick-new');
    expect((await found(true))[0]).toBe('tick-new');
    await client.memory.deleteEpisodic({ ids: ['tick-new'] });
    expect(await found(false)).toEqual(before);
    await client.memory.upsertEpisodic({
      memories: [
        { id: 'doomed', agent_id: 'ticker', product_id: 'doomed', state_vector: vector(1, 0.05) },
      ],
    });
    expect((await found(false))[0]).toBe('doomed');
    expect((await found(true))[0]).toBe('doomed');
    const { deleted } = await client.memory.deleteEpisodicByFilter({
      filter: { product_ids: ['doomed'] },
    });
    expect(deleted).toBe(1);
    expect(await found(false)).toEqual(before);
  });

  it('reads the access counts its touch searches wrote, and never answers a touch from the cache', async () => {
    await client.memory.upsertSemantic({
      memories: [
        {
          id: 'recalled',
          concept_vector: vector(0.5, 0.5, 1),
          memory_type: 'MEMORY_TYPE_PATTERN',
          regime_name: 'cache-touch',
          access_count: 0,
        },
      ],
    });
    const search = async (touch: boolean) =>
      (
        await client.memory.searchSemantic({
          vector: vector(0.5, 0.5, 1),
          k: 1,
          filter: { regime_names: ['cache-touch'] },
          touch,
        })
      ).hits[0]?.memory?.access_count;
    expect(await search(false)).toBe(0);
    expect(await counted(() => search(false))).toEqual({ hits: 1, misses: 0 });
    let touched: number | undefined;
    expect(await counted(async () => (touched = await search(true)))).toEqual({
      hits: 0,
      misses: 0,
    });
    expect(touched).toBe(1);
    expect(await search(true)).toBe(2);
    expect(await search(false)).toBe(2);
  });

  it("misses after another instance's write once this instance has applied it", async () => {
    const before = await ids(client, 'shared');
    expect(await counted(() => ids(client, 'shared'))).toEqual({ hits: 1, misses: 0 });
    await otherClient.memory.upsertEpisodic({
      memories: [{ id: 'from-other', agent_id: 'shared', state_vector: vector(1, 0.05) }],
    });
    await vi.waitFor(() => {
      expect(app.indexes.get('episodic').has('from-other')).toBe(true);
    });
    expect(await ids(client, 'shared')).toEqual(['from-other', ...before]);
  });

  it('answers each search of a batch on its own', async () => {
    await ask();
    const fresh = { vector: vector(0.2, 1), k: 2, filter: { agent_ids: ['ticker'] } };
    const batch = () =>
      client.memory.batchSearchEpisodic({
        searches: [{ vector: vector(1, 0.05), k: 3, filter: { agent_ids: ['ticker'] } }, fresh],
      });
    expect(await counted(batch)).toEqual({ hits: 1, misses: 1 });
    expect(await counted(batch)).toEqual({ hits: 2, misses: 0 });
  });

  it('is off entirely with MNEMO_RESULT_CACHE_TTL_MS=0', async () => {
    await ask(offClient);
    expect(await counted(() => ask(offClient))).toEqual({ hits: 0, misses: 0 });
  });
});
