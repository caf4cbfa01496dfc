import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { EpisodicMemory__Output } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { RecentOrder } from '../../src/generated/mnemo/v1/RecentOrder.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse__Output } from '../../src/generated/mnemo/v1/SearchEpisodicResponse.js';
import { Redis } from 'ioredis';
import { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

/** A deterministic generator (mulberry32), so that a failing replay can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vector(next: () => number, dim = 8): number[] {
  return Array.from({ length: dim }, () => next() * 2 - 1);
}

/** 2026-01-01T00:00:00Z: the simulated day, before the real clock of any run. */
const DAY = 1_767_225_600;

/** Every outcome version kept, every as_of answered (the simulated day is months back). */
const KEEP_FOREVER = { MNEMO_ASOF_RETENTION_MS: '0' };

type Client = MnemoClient;

/** One outcome of a memory and when it became known. */
interface Outcome {
  knownAt: number;
  reward: number;
  terminal: boolean;
}

/** What an answer says of a memory: everything a backtest may read of it. */
function seen(memory: EpisodicMemory__Output | null) {
  return {
    id: memory?.id,
    agent_id: memory?.agent_id,
    reward: memory?.reward,
    terminal: memory?.terminal,
    timestamp: memory?.timestamp,
    outcome_known_at: memory?.outcome_known_at,
  };
}

/** Every memory (as `seen` gives them) anywhere in an answer. */
function memoriesIn(answer: unknown): ReturnType<typeof seen>[] {
  if (Array.isArray(answer)) return answer.flatMap(memoriesIn);
  if (answer === null || typeof answer !== 'object') return [];
  if ('id' in answer && 'timestamp' in answer) return [answer as ReturnType<typeof seen>];
  return Object.values(answer).flatMap(memoriesIn);
}

function hits(response: SearchEpisodicResponse__Output) {
  return response.hits.map((h) => ({
    ...seen(h.memory),
    distance: h.distance,
    pending: h.outcome_pending,
  }));
}

describe('As-of queries: answers as they would have been given then', () => {
  let redis: RedisProcess;
  let app: App;
  let memory: Client;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, KEEP_FOREVER);
    memory = testClient(app.port);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    memory.close();
    await app.stop();
    await redis.stop();
  });

  describe('a replayed day', () => {
    it('answers every query again exactly with as_of, never showing a reward from the future', async () => {
      const next = random(17);
      const agent = 'replay';
      const queries: { at: number; ask: (asOf?: number) => Promise<unknown> }[] = [];
      const live: unknown[] = [];
      const search = (request: SearchEpisodicRequest) => async (asOf?: number) =>
        hits(
          await memory.memory.searchEpisodic({
            ...request,
            ...(asOf === undefined ? {} : { as_of: asOf }),
          }),
        );
      const recent = (filter: EpisodicFilter, order: RecentOrder) => async (asOf?: number) => {
        const page = await memory.memory.recentEpisodic({
          filter,
          order,
          page_size: 8,
          ...(asOf === undefined ? {} : { as_of: asOf }),
        });
        return { memories: page.memories.map(seen), pending: page.outcome_pending_ids };
      };
      // Every outcome each memory had, oldest first; and the revisions due at each time.
      const outcomes = new Map<string, Outcome[]>();
      const revisions = new Map<number, EpisodicMemory[]>();
      const outcome = () => ({
        reward: Math.round((next() * 2 - 1) * 100) / 100,
        terminal: next() < 0.3,
      });
      // The live agent's clock: only Date is faked (Redis and gRPC timers run as ever).
      vi.useFakeTimers({ toFake: ['Date'] });
      for (let step = 0; step < 60; step++) {
        const at = DAY + 600 * step;
        vi.setSystemTime(at * 1000);
        // What happened at `at`: memories stamped now, their outcomes known now or later; half
        // of the later ones are stored now with a provisional outcome and revised when known.
        const memories: EpisodicMemory[] = Array.from({ length: 3 }, (_, i) => {
          const id = `day-${step}-${i}`;
          const delay = [0, 600, 1800, 3600, 7200][Math.floor(next() * 5)] ?? 0;
          const revised = delay > 0 && next() < 0.5;
          const first = outcome();
          const stored: EpisodicMemory = {
            id,
            agent_id: agent,
            product_id: next() < 0.5 ? 'BTC-USD' : 'ETH-USD',
            state_vector: { values: vector(next) },
            ...first,
            timestamp: at,
            outcome_known_at: revised ? at : at + delay,
          };
          if (revised) {
            const final = { ...outcome(), knownAt: at + delay };
            outcomes.set(id, [{ ...first, knownAt: at }, final]);
            const due = revisions.get(final.knownAt) ?? [];
            due.push({ ...stored, ...final, outcome_known_at: final.knownAt });
            revisions.set(final.knownAt, due);
          } else {
            outcomes.set(id, [{ ...first, knownAt: at + delay }]);
          }
          return stored;
        });
        await memory.memory.upsertEpisodic({
          memories: [...memories, ...(revisions.get(at) ?? [])],
        });
        const base = { agent_ids: [agent] };
        const asked = [
          search({ vector: { values: vector(next) }, k: 5, filter: base }),
          search({
            vector: { values: vector(next) },
            k: 5,
            filter: { ...base, reward: { min: 0 } },
          }),
          search({
            vector: { values: vector(next) },
            k: 4,
            filter: { ...base, terminal: true, product_ids: ['BTC-USD'] },
          }),
          async (asOf?: number) => {
            const answer = await memory.memory.batchSearchEpisodic({
              searches: [0, 1].map((j) => ({
                vector: { values: vector(random(step * 10 + j)) },
                k: 3,
                filter: j === 0 ? base : { ...base, reward: { max: 0, max_exclusive: true } },
                ...(asOf === undefined ? {} : { as_of: asOf }),
              })),
            });
            return answer.results.map(hits);
          },
          recent(base, 'RECENT_ORDER_REWARD_DESC'),
          recent({ ...base, reward: { min: 0 } }, 'RECENT_ORDER_TIMESTAMP_DESC'),
        ];
        for (const ask of asked) {
          queries.push({ at, ask });
          live.push(await ask());
        }
      }
      vi.useRealTimers();

      const replayed: unknown[] = [];
      for (const { at, ask } of queries) replayed.push(await ask(at));
      for (const [i, answer] of replayed.entries()) {
        expect({ at: queries[i]?.at, i, answer }).toEqual({
          at: queries[i]?.at,
          i,
          answer: live[i],
        });
      }

      // And what the answers show was known then: nothing stamped or known later.
      let pendingSeen = 0;
      let revisedSeen = 0;
      for (const [i, answer] of replayed.entries()) {
        const at = queries[i]?.at ?? 0;
        for (const m of memoriesIn(answer)) {
          expect(m.timestamp).toBeLessThanOrEqual(at);
          const history = outcomes.get(m.id ?? '') ?? [];
          const knownThen = history.filter((o) => o.knownAt <= at).pop();
          if (m.outcome_known_at === undefined) {
            pendingSeen++;
            expect(knownThen).toBeUndefined();
            expect([m.reward, m.terminal]).toEqual([0, false]);
          } else {
            if (knownThen !== history[history.length - 1]) revisedSeen++;
            const shown = { knownAt: m.outcome_known_at, reward: m.reward, terminal: m.terminal };
            expect(shown).toEqual(knownThen);
          }
        }
      }
      expect(revisedSeen).toBeGreaterThan(20);
      expect(pendingSeen).toBeGreaterThan(20);
    });
  });

  describe('outcomes known later', () => {
    const now = () => Date.now() / 1000;
    const t0 = Math.floor(now()) - 10_000;
    const ids: string[] = [];

    beforeAll(async () => {
      const t = t0;
      const memories: EpisodicMemory[] = [
        { id: 'p-known', reward: 2, terminal: true, timestamp: t },
        { id: 'p-late', reward: 5, terminal: true, timestamp: t + 100, outcome_known_at: t + 5000 },
        { id: 'p-new', reward: 1, timestamp: t + 3000, outcome_known_at: t + 3000 },
      ].map((m, i) => ({
        ...m,
        agent_id: 'pending',
        state_vector: { values: [1, i * 0.1, 0, 0, 0, 0, 0, 0] },
      }));
      await memory.memory.upsertEpisodic({ memories });
      ids.push(...memories.map((m) => m.id ?? ''));
    });

    const base = (): number => t0;
    const searchAt = (asOf: number, filter: EpisodicFilter = {}) =>
      memory.memory.searchEpisodic({
        vector: { values: [1, 0, 0, 0, 0, 0, 0, 0] },
        k: 10,
        filter: { agent_ids: ['pending'], ...filter },
        as_of: asOf,
      });

    it('answers a pending outcome unset and flags the hit outcome_pending', async () => {
      const answer = await searchAt(base() + 1000);
      const late = answer.hits.find((h) => h.memory?.id === 'p-late');
      expect(late?.outcome_pending).toBe(true);
      expect(late?.memory?.reward).toBe(0);
      expect(late?.memory?.terminal).toBe(false);
      expect(late?.memory?.outcome_known_at).toBeUndefined();
      const known = answer.hits.find((h) => h.memory?.id === 'p-known');
      expect(known?.outcome_pending).toBe(false);
      expect(known?.memory?.reward).toBe(2);
    });

    it('leaves out memories stamped after as_of', async () => {
      const early = await searchAt(base() + 1000);
      expect(early.hits.map((h) => h.memory?.id).sort()).toEqual(['p-known', 'p-late']);
      const later = await searchAt(base() + 6000);
      expect(later.hits.map((h) => h.memory?.id).sort()).toEqual(ids.slice().sort());
      expect(later.hits.every((h) => !h.outcome_pending)).toBe(true);
    });

    it('never passes a pending outcome through a reward or terminal filter', async () => {
      for (const filter of [
        { reward: { min: 0 } },
        { reward: { max: 100 } },
        { terminal: true },
        { terminal: false },
      ] satisfies EpisodicFilter[]) {
        const answer = await searchAt(base() + 1000, filter);
        expect(answer.hits.map((h) => h.memory?.id)).not.toContain('p-late');
        const exact = await memory.memory.searchEpisodic({
          vector: { values: [1, 0, 0, 0, 0, 0, 0, 0] },
          k: 10,
          filter: { agent_ids: ['pending'], ...filter },
          as_of: base() + 1000,
          exact: true,
        });
        expect(exact.hits.map((h) => h.memory?.id)).not.toContain('p-late');
      }
      const after = await searchAt(base() + 5000, { reward: { min: 4 } });
      expect(after.hits.map((h) => h.memory?.id)).toEqual(['p-late']);
    });

    it('orders pending outcomes after every known reward, across pages', async () => {
      const pages: { ids: string[]; pending: string[] }[] = [];
      let token = '';
      do {
        const page = await memory.memory.recentEpisodic({
          filter: { agent_ids: ['pending'] },
          page_size: 1,
          page_token: token,
          as_of: base() + 4000,
        });
        pages.push({ ids: page.memories.map((m) => m.id), pending: page.outcome_pending_ids });
        token = page.next_page_token;
      } while (token !== '');
      expect(pages).toEqual([
        { ids: ['p-known'], pending: [] },
        { ids: ['p-new'], pending: [] },
        { ids: ['p-late'], pending: ['p-late'] },
      ]);
    });

    it('sees an outcome known after now as pending when as_of is unset', async () => {
      await memory.memory.upsertEpisodic({
        memories: [
          {
            id: 'p-future',
            agent_id: 'future',
            state_vector: { values: [0, 1, 0, 0, 0, 0, 0, 0] },
            reward: 9,
            timestamp: now() - 60,
            outcome_known_at: now() + 3600,
          },
        ],
      });
      const answer = await memory.memory.searchEpisodic({
        vector: { values: [0, 1, 0, 0, 0, 0, 0, 0] },
        k: 1,
        filter: { agent_ids: ['future'] },
      });
      expect(answer.hits[0]?.outcome_pending).toBe(true);
      expect(answer.hits[0]?.memory?.reward).toBe(0);
      const stored = await memory.memory.getEpisodic({ ids: ['p-future'] });
      expect(stored.memories[0]?.reward).toBe(9);
    });

    it('stores outcome_known_at as the timestamp when unset', async () => {
      const stored = await memory.memory.getEpisodic({ ids: ['p-known', 'p-late'] });
      expect(stored.memories.map((m) => (m.outcome_known_at ?? NaN) - m.timestamp)).toEqual([
        0, 4900,
      ]);
    });
  });

  describe('revised outcomes', () => {
    const t = Math.floor(Date.now() / 1000) - 5000;
    const probe = { values: [0, 0, 1, 0, 0, 0, 0, 0] };
    const revision = (reward: number, knownAt: number, terminal = false): EpisodicMemory => ({
      id: 'rev-1',
      agent_id: 'revised',
      state_vector: probe,
      timestamp: t,
      reward,
      terminal,
      outcome_known_at: knownAt,
    });
    const searchAt = async (asOf: number, filter: EpisodicFilter = {}) =>
      (
        await memory.memory.searchEpisodic({
          vector: probe,
          k: 5,
          filter: { agent_ids: ['revised'], ...filter },
          as_of: asOf,
        })
      ).hits.map((h) => [h.memory?.id, h.memory?.reward, h.memory?.outcome_known_at]);

    beforeAll(async () => {
      await memory.memory.upsertEpisodic({ memories: [revision(1, t)] });
      await memory.memory.upsertEpisodic({ memories: [revision(-2, t + 100, true)] });
      await memory.memory.upsertEpisodic({ memories: [revision(3, t + 200)] });
      await memory.memory.upsertEpisodic({
        memories: [
          { ...revision(0.5, t), id: 'rev-2', state_vector: { values: [0, 0, 1, 1, 0, 0, 0, 0] } },
        ],
      });
    });

    it('sees each outcome from its outcome_known_at until the next one', async () => {
      expect(await searchAt(t + 50)).toEqual([
        ['rev-1', 1, t],
        ['rev-2', 0.5, t],
      ]);
      expect((await searchAt(t + 100))[0]).toEqual(['rev-1', -2, t + 100]);
      expect((await searchAt(t + 250))[0]).toEqual(['rev-1', 3, t + 200]);
      const stored = await memory.memory.getEpisodic({ ids: ['rev-1'] });
      expect(stored.memories[0]?.reward).toBe(3);
    });

    it('filters by the outcome known at as_of', async () => {
      const winners = { reward: { min: 0 } };
      expect(await searchAt(t + 50, winners)).toEqual([
        ['rev-1', 1, t],
        ['rev-2', 0.5, t],
      ]);
      expect(await searchAt(t + 150, winners)).toEqual([['rev-2', 0.5, t]]);
      expect(await searchAt(t + 150, { terminal: true })).toEqual([['rev-1', -2, t + 100]]);
      expect(await searchAt(t + 250, { terminal: true })).toEqual([]);
      expect(await searchAt(t + 250, { reward: { min: 2 } })).toEqual([['rev-1', 3, t + 200]]);
    });

    it('orders a recency query by the outcome known at as_of', async () => {
      const order = async (asOf: number) =>
        (
          await memory.memory.recentEpisodic({
            filter: { agent_ids: ['revised'] },
            order: 'RECENT_ORDER_REWARD_DESC',
            as_of: asOf,
          })
        ).memories.map((m) => [m.id, m.reward]);
      expect(await order(t + 50)).toEqual([
        ['rev-1', 1],
        ['rev-2', 0.5],
      ]);
      expect(await order(t + 150)).toEqual([
        ['rev-2', 0.5],
        ['rev-1', -2],
      ]);
    });

    it('replaces an outcome written again at or before its outcome_known_at', async () => {
      await memory.memory.upsertEpisodic({
        memories: [
          { ...revision(0.7, t), id: 'rev-2', state_vector: { values: [0, 0, 1, 1, 0, 0, 0, 0] } },
        ],
      });
      expect(await searchAt(t + 50, { reward: { max: 0.6 } })).toEqual([]);
      expect(await searchAt(t + 50, { reward: { min: 0.6, max: 0.8 } })).toEqual([
        ['rev-2', 0.7, t],
      ]);
    });
  });

  describe('the TypeScript client', () => {
    it('takes as_of and answers outcome_pending, typed', async () => {
      const mnemo = new MnemoClient(`127.0.0.1:${app.port}`);
      try {
        const t = Math.floor(Date.now() / 1000) - 1000;
        await mnemo.memory.upsertEpisodic({
          memories: [
            {
              id: 'ts-late',
              agent_id: 'ts',
              state_vector: { values: [0, 0, 0, 1, 0, 0, 0, 0] },
              reward: 4,
              timestamp: t,
              outcome_known_at: t + 500,
            },
          ],
        });
        const search = {
          vector: { values: [0, 0, 0, 1, 0, 0, 0, 0] },
          k: 1,
          filter: { agent_ids: ['ts'] },
        };
        const early = await mnemo.memory.searchEpisodic({ ...search, as_of: t + 10 });
        expect([early.hits[0]?.outcome_pending, early.hits[0]?.memory?.reward]).toEqual([true, 0]);
        const late = await mnemo.memory.recentEpisodic({ filter: search.filter, as_of: t + 500 });
        expect([late.memories[0]?.reward, late.outcome_pending_ids]).toEqual([4, []]);
      } finally {
        mnemo.close();
      }
    });
  });

  describe('validation', () => {
    const probe = { values: [1, 0, 0, 0, 0, 0, 0, 0] };

    it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])(
      'refuses as_of %s naming the field',
      async (asOf) => {
        const calls: [Promise<unknown>, string][] = [
          [memory.memory.searchEpisodic({ vector: probe, k: 1, as_of: asOf }), 'as_of'],
          [
            memory.memory.batchSearchEpisodic({
              searches: [
                { vector: probe, k: 1 },
                { vector: probe, k: 1, as_of: asOf },
              ],
            }),
            'searches[1].as_of',
          ],
          [memory.memory.recentEpisodic({ as_of: asOf }), 'as_of'],
        ];
        for (const [call, field] of calls) {
          const error = await failure(call);
          expect(error.code).toBe(status.INVALID_ARGUMENT);
          expect(error.field).toBe(field);
        }
      },
    );

    it('refuses an outcome known before the memory happened', async () => {
      const error = await failure(
        memory.memory.upsertEpisodic({
          memories: [
            { agent_id: 'v', state_vector: probe, timestamp: 100, outcome_known_at: 100 },
            { agent_id: 'v', state_vector: probe, timestamp: 100, outcome_known_at: 99 },
          ],
        }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.field).toBe('memories[1].outcome_known_at');
    });
  });

  describe('after a rebuild from Redis', () => {
    it('answers as-of queries as the instance that wrote the memories', async () => {
      const ask = (client: Client) =>
        Promise.all(
          [DAY + 600, DAY + 6000, DAY + 30_000].map(async (asOf) =>
            hits(
              await client.memory.searchEpisodic({
                vector: { values: [1, 1, 0, 0, 0, 0, 0, 0] },
                k: 10,
                filter: { agent_ids: ['replay'], reward: { min: 0 } },
                as_of: asOf,
              }),
            ),
          ),
        );
      const before = await ask(memory);
      const second = await startApp(redis, KEEP_FOREVER);
      const client = testClient(second.port);
      try {
        expect(await ask(client)).toEqual(before);
        expect(before.flat().length).toBeGreaterThan(0);
      } finally {
        client.close();
        await second.stop();
      }
    });
  });
});

describe('As-of recall', () => {
  let redis: RedisProcess;
  let app: App;
  let memory: Client;
  const dim = 16;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, {
      MNEMO_VECTOR_DIM: String(dim),
      MNEMO_EXACT_SEARCH_MAX_CANDIDATES: '64',
      ...KEEP_FOREVER,
    });
    memory = testClient(app.port);
    const next = random(5);
    for (let batch = 0; batch < 6; batch++) {
      await memory.memory.upsertEpisodic({
        memories: Array.from({ length: 500 }, (_, i) => {
          const n = batch * 500 + i;
          return {
            id: `r-${n}`,
            agent_id: 'recall',
            state_vector: { values: vector(next, dim) },
            reward: next() * 2 - 1,
            timestamp: DAY + n,
            outcome_known_at: DAY + n + Math.floor(next() * 600),
          };
        }),
      });
    }
    // A fifth of them revised later: as-of searches read their earlier outcomes beside the graph.
    const revisions = await memory.memory.getEpisodic({
      ids: Array.from({ length: 600 }, (_, i) => `r-${i * 5}`),
      include_vectors: true,
    });
    await memory.memory.upsertEpisodic({
      memories: revisions.memories.map((m) => ({
        ...m,
        reward: next() * 2 - 1,
        outcome_known_at: (m.outcome_known_at ?? m.timestamp) + 900,
      })),
    });
  }, 60_000);

  afterAll(async () => {
    memory.close();
    await app.stop();
    await redis.stop();
  });

  it('keeps recall@10 against exact search at least 0.98 at any point of the history', async () => {
    const next = random(9);
    for (const asOf of [DAY + 400, DAY + 1500, DAY + 2400, DAY + 3000]) {
      for (const filter of [{}, { reward: { min: 0 } }] satisfies EpisodicFilter[]) {
        let found = 0;
        let total = 0;
        for (let q = 0; q < 40; q++) {
          const request = { vector: { values: vector(next, dim) }, k: 10, filter, as_of: asOf };
          const [graph, exact] = await Promise.all([
            memory.memory.searchEpisodic(request),
            memory.memory.searchEpisodic({ ...request, exact: true }),
          ]);
          const truth = new Set(exact.hits.map((h) => h.memory?.id));
          total += truth.size;
          found += graph.hits.filter((h) => truth.has(h.memory?.id)).length;
          for (const h of exact.hits) expect(h.memory?.timestamp).toBeLessThanOrEqual(asOf);
        }
        expect(found / total).toBeGreaterThanOrEqual(0.98);
      }
    }
  });
});

describe('As-of retention', () => {
  let redis: RedisProcess;
  let app: App;
  let memory: Client;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_ASOF_RETENTION_MS: '3600000' });
    memory = testClient(app.port);
  });

  afterAll(async () => {
    memory.close();
    await app.stop();
    await redis.stop();
  });

  it('refuses an as_of older than the retention, naming it, instead of answering the present', async () => {
    const old = Date.now() / 1000 - 7200;
    const probe = { values: [1, 0, 0, 0, 0, 0, 0, 0] };
    const calls: [Promise<unknown>, string][] = [
      [memory.memory.searchEpisodic({ vector: probe, k: 1, as_of: old }), 'as_of'],
      [
        memory.memory.batchSearchEpisodic({ searches: [{ vector: probe, k: 1, as_of: old }] }),
        'searches[0].as_of',
      ],
      [memory.memory.recentEpisodic({ as_of: old }), 'as_of'],
    ];
    for (const [call, field] of calls) {
      const error = await failure(call);
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      expect(error.message).toMatch(
        new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: is older than`),
      );
      expect(error.reason).toBe('AS_OF_BEYOND_RETENTION');
    }
    const recent = await memory.memory.searchEpisodic({ vector: probe, k: 1, as_of: old + 3700 });
    expect(recent.hits).toEqual([]);
  });

  it('drops the outcomes whose successor was known before the retention', async () => {
    const now = Date.now() / 1000;
    const base = {
      id: 'kept',
      agent_id: 'retention',
      state_vector: { values: [0, 1, 0, 0, 0, 0, 0, 0] },
      timestamp: now - 9000,
    };
    for (const [reward, knownAt] of [
      [1, now - 9000],
      [2, now - 8000],
      [3, now - 1000],
      [4, now - 10],
    ] as const) {
      await memory.memory.upsertEpisodic({
        memories: [{ ...base, reward, outcome_known_at: knownAt }],
      });
    }
    const raw = new Redis(redis.url);
    try {
      const text = (await raw.hget('episodic:kept', 'outcome_versions')) ?? '[]';
      const versions = JSON.parse(text) as [string, string[]][];
      // Reward 1 was followed at now - 8000, outside the hour: no as_of may see it any more.
      expect(versions.map((v) => v[1][0])).toEqual(['2', '3']);
    } finally {
      raw.disconnect();
    }
    const at = async (asOf: number) =>
      (
        await memory.memory.searchEpisodic({
          vector: base.state_vector,
          k: 1,
          filter: { agent_ids: ['retention'] },
          as_of: asOf,
        })
      ).hits[0]?.memory?.reward;
    expect(await at(now - 3000)).toBe(2);
    expect(await at(now - 500)).toBe(3);
    expect(await at(now)).toBe(4);
  });
});
