import { status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import { registry } from '../../../src/metrics/metrics.js';
import type { AuditEntry } from '../../../src/generated/mnemo/v1/AuditEntry.js';
import type { AuditRecord__Output } from '../../../src/generated/mnemo/v1/AuditRecord.js';
import type { AuditServiceRangeRequest } from '../../../src/generated/mnemo/v1/AuditServiceRangeRequest.js';
import type { AuditServiceTailResponse__Output } from '../../../src/generated/mnemo/v1/AuditServiceTailResponse.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { ending, failure, testClient } from '../../support/testApp.js';
import type { MessageStream, MnemoClient } from '../../../src/client/index.js';

const BASE = 1_700_000_000;

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    agent_id: 'agent-1',
    action: 'fill',
    market: 'BTC-USD',
    amount: 0.5,
    status: 'filled',
    tx_id: '',
    pnl: 12.25,
    wall_time: BASE,
    meta: '{"venue":"binance"}',
    ...overrides,
  };
}

async function appendCount(result: string): Promise<number> {
  const metric = await registry.getSingleMetric('mnemo_audit_appends_total')?.get();
  return metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

/**
 * Collects `n` tail records (rejects on any error; fails if the stream ends first). Having them,
 * it stops reading, which cancels the stream.
 */
async function collect(
  stream: MessageStream<AuditServiceTailResponse__Output>,
  n: number,
): Promise<AuditRecord__Output[]> {
  const records: AuditRecord__Output[] = [];
  for await (const message of stream) {
    if (message.record !== null) records.push(message.record);
    if (records.length === n) return records;
  }
  throw new Error(`the tail ended after ${records.length} of ${n} records`);
}

/** Tail connections blocked in XREAD right now, per CLIENT LIST. */
async function blockedTails(raw: Redis): Promise<number> {
  const list = (await raw.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.includes('name=mnemo-audit-tail') && / flags=\w*b/.test(line)).length;
}

async function tailConnections(raw: Redis): Promise<number> {
  const list = (await raw.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes('name=mnemo-audit-tail')).length;
}

describe('AuditService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(
      redis,
      { MNEMO_KEY_PREFIX: 'a1:', MNEMO_REDIS_POOL_SIZE: '2', MNEMO_MAX_BATCH: '50' },
      { rangeScanLimit: 7, tailBlockMs: 200 },
    );
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  describe('Append', () => {
    it('logs the entry in the stream with the design’s field names and returns its id', async () => {
      const { id, duplicate } = await client.audit.append({
        entry: entry({ agent_id: 'agent-é', meta: '{"note":"✓"}', amount: -1e-9, pnl: -0.1 }),
      });
      expect(id).toMatch(/^\d+-\d+$/);
      expect(duplicate).toBe(false);
      const [stored] = await server.raw.xrange('a1:audit:log', id, id);
      const fields = Object.fromEntries(
        (stored?.[1] ?? []).flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])),
      ) as Record<string, string>;
      expect(fields).toMatchObject({
        agent_id: 'agent-é',
        action: 'fill',
        market: 'BTC-USD',
        amount: '-1e-9',
        status: 'filled',
        tx_id: '',
        pnl: '-0.1',
        wall_time: String(BASE),
        meta: '{"note":"✓"}',
      });
      const { records } = await client.audit.range({ start_id: id, end_id: id });
      expect(records).toEqual([
        {
          id,
          entry: entry({ agent_id: 'agent-é', meta: '{"note":"✓"}', amount: -1e-9, pnl: -0.1 }),
        },
      ]);
    });

    it('stamps wall_time 0 with the time of the append', async () => {
      const before = Date.now() / 1000;
      const { id } = await client.audit.append({ entry: entry({ wall_time: 0 }) });
      const { records } = await client.audit.range({ start_id: id, end_id: id });
      const stamped = records[0]?.entry?.wall_time ?? 0;
      expect(stamped).toBeGreaterThanOrEqual(before - 0.001);
      expect(stamped).toBeLessThanOrEqual(Date.now() / 1000 + 0.001);
    });

    it('returns the original id and writes nothing when a tx_id is retried', async () => {
      const first = await client.audit.append({ entry: entry({ tx_id: 'ex-1001', pnl: 5 }) });
      const length = await server.raw.xlen('a1:audit:log');
      const retry = await client.audit.append({ entry: entry({ tx_id: 'ex-1001', pnl: 99 }) });
      expect(retry).toEqual({ id: first.id, duplicate: true });
      expect(await server.raw.xlen('a1:audit:log')).toBe(length);
    });

    it('is idempotent under 50 concurrent retries: one entry, one id, counted once in P&L', async () => {
      const appendedBefore = await appendCount('appended');
      const duplicatesBefore = await appendCount('duplicate');
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          client.audit.append({
            entry: entry({ agent_id: 'agent-retry', tx_id: 'ex-race', pnl: 7.5 }),
          }),
        ),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      const { records } = await client.audit.range({ agent_id: 'agent-retry', count: 50 });
      expect(records).toHaveLength(1);
      expect(await client.audit.agentPnl({ agent_id: 'agent-retry' })).toEqual({
        total_pnl: 7.5,
        entries: 1,
      });
      expect(await appendCount('appended')).toBe(appendedBefore + 1);
      expect(await appendCount('duplicate')).toBe(duplicatesBefore + 49);
    });

    it.each([
      ['a missing entry', {}, 'entry'],
      ['a missing agent_id', { entry: entry({ agent_id: '' }) }, 'entry.agent_id'],
      ['a missing action', { entry: entry({ action: '' }) }, 'entry.action'],
      ['meta that is not JSON', { entry: entry({ meta: '{"a":' }) }, 'entry.meta'],
      [
        'an oversized entry',
        { entry: entry({ meta: JSON.stringify('x'.repeat(20_000)) }) },
        'entry',
      ],
      ['a pnl beyond 1e9', { entry: entry({ pnl: 2e9 }) }, 'entry.pnl'],
      ['a non-finite amount', { entry: entry({ amount: NaN }) }, 'entry.amount'],
      ['a negative wall_time', { entry: entry({ wall_time: -1 }) }, 'entry.wall_time'],
    ])('rejects %s with INVALID_ARGUMENT naming the field', async (_name, request, field) => {
      const length = await server.raw.xlen('a1:audit:log');
      const error = await failure(client.audit.append(request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
      expect(await server.raw.xlen('a1:audit:log')).toBe(length);
    });
  });

  describe('Range', () => {
    let ids: string[] = [];
    const agents = ['ra', 'rb', 'rc'];
    const actions = ['order', 'fill', 'cancel', 'fill'];

    beforeAll(async () => {
      ids = [];
      for (let i = 0; i < 40; i++) {
        const { id } = await client.audit.append({
          entry: entry({
            agent_id: agents[i % 3] ?? '',
            action: actions[i % 4] ?? '',
            wall_time: BASE + 10_000 + ((i * 37) % 40),
            pnl: i,
          }),
        });
        ids.push(id);
      }
    });

    async function pages(request: AuditServiceRangeRequest): Promise<AuditRecord__Output[][]> {
      const out: AuditRecord__Output[][] = [];
      let start = request.start_id ?? '';
      for (let guard = 0; guard < 100; guard++) {
        const page = await client.audit.range({ ...request, start_id: start });
        out.push(page.records);
        if (page.next_start_id === '') return out;
        start = page.next_start_id;
      }
      throw new Error('paging did not end');
    }

    it('pages through the log in order, count at a time, ending with an empty next_start_id', async () => {
      const all = await pages({ start_id: ids[0] ?? '', count: 7 });
      expect(all.slice(0, -1).every((p) => p.length === 7)).toBe(true);
      expect(all.flat().map((r) => r.id)).toEqual(ids);
    });

    it('keeps paging correctly with agent and action filters (short pages, none lost)', async () => {
      const all = await pages({ start_id: ids[0] ?? '', count: 3, agent_id: 'rb', action: 'fill' });
      expect(all.every((p) => p.length <= 3)).toBe(true);
      const expected = ids.filter((_, i) => agents[i % 3] === 'rb' && actions[i % 4] === 'fill');
      expect(expected.length).toBeGreaterThan(3);
      expect(all.flat().map((r) => r.id)).toEqual(expected);
    });

    it('bounds by wall_time (inclusive, out of log order) and by ids (inclusive)', async () => {
      const from = BASE + 10_010;
      const to = BASE + 10_019;
      const all = await pages({ start_id: ids[0] ?? '', from_time: from, to_time: to, count: 50 });
      const expected = ids.filter((_, i) => {
        const t = BASE + 10_000 + ((i * 37) % 40);
        return t >= from && t <= to;
      });
      expect(all.flat().map((r) => r.id)).toEqual(expected);

      const { records, next_start_id } = await client.audit.range({
        start_id: ids[5] ?? '',
        end_id: ids[9] ?? '',
        count: 50,
      });
      expect(records.map((r) => r.id)).toEqual(ids.slice(5, 10));
      expect(next_start_id).toBe('');
    });

    it.each([
      ['a malformed start_id', { start_id: 'abc' }, 'start_id'],
      ['a count above the batch limit', { count: 51 }, 'count'],
      ['from_time after to_time', { from_time: 10, to_time: 5 }, 'from_time'],
      ['a negative to_time', { to_time: -5 }, 'to_time'],
    ])('rejects %s with INVALID_ARGUMENT', async (_name, request, field) => {
      const error = await failure(client.audit.range(request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
    });

    it.each([
      ['start_id', { start_id: 'x'.repeat(10_000) }],
      ['end_id', { end_id: `${'9'.repeat(10_000)}-0` }],
    ])('quotes only a prefix of a 10 kB bad %s in its INVALID_ARGUMENT', async (field, request) => {
      const error = await failure(client.audit.range(request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: "`)).toBe(true);
      expect(error.message).toContain('…"');
      expect(error.message.length).toBeLessThan(200);
    });
  });

  describe('Tail', () => {
    it('delivers every entry appended after a position, in log order', async () => {
      const { id: mark } = await client.audit.append({ entry: entry({ agent_id: 'tail-mark' }) });
      const stream = client.audit.tail({ after_id: mark });
      const received = collect(stream, 60);
      const appended = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          client.audit.append({ entry: entry({ agent_id: 'tail-all', pnl: i }) }),
        ),
      );
      const records = await received;
      stream.cancel();
      const expected = appended.map((a) => a.id).sort(compareIds);
      expect(records.map((r) => r.id)).toEqual(expected);
      expect(records.every((r) => r.entry?.agent_id === 'tail-all')).toBe(true);
    });

    it('with "$" sees only entries appended after it started, filtered by agent', async () => {
      await client.audit.append({ entry: entry({ agent_id: 'tail-new', action: 'before' }) });
      const stream = client.audit.tail({ after_id: '$', agent_id: 'tail-new' });
      const received = collect(stream, 2);
      await vi.waitFor(
        async () => {
          expect(await blockedTails(server.raw)).toBe(1);
        },
        {
          timeout: 5000,
        },
      );
      await client.audit.append({ entry: entry({ agent_id: 'someone-else', action: 'x' }) });
      await client.audit.append({ entry: entry({ agent_id: 'tail-new', action: 'after-1' }) });
      await client.audit.append({ entry: entry({ agent_id: 'tail-new', action: 'after-2' }) });
      const records = await received;
      stream.cancel();
      expect(records.map((r) => r.entry?.action)).toEqual(['after-1', 'after-2']);
    });

    it('refuses a tail beyond the pool with RESOURCE_EXHAUSTED, and frees a connection on cancel', async () => {
      await vi.waitFor(
        async () => {
          expect(await blockedTails(server.raw)).toBe(0);
        },
        {
          timeout: 5000,
        },
      );
      const first = client.audit.tail({});
      const second = client.audit.tail({});
      const firstEnd = ending(first);
      const secondEnd = ending(second);
      await vi.waitFor(
        async () => {
          expect(await blockedTails(server.raw)).toBe(2);
        },
        {
          timeout: 5000,
        },
      );
      const third = await ending(client.audit.tail({}));
      expect(third?.code).toBe(status.RESOURCE_EXHAUSTED);

      first.cancel();
      // Cancelled by the test: the client's stream ends quietly (CANCELLED is not an error).
      expect(await firstEnd).toBeNull();
      await vi.waitFor(
        async () => {
          expect(server.services.tailPool.borrowed).toBe(1);
          expect(await tailConnections(server.raw)).toBe(1);
        },
        { timeout: 5000 },
      );

      const fourth = client.audit.tail({ agent_id: 'after-cancel' });
      const got = collect(fourth, 1);
      await vi.waitFor(
        async () => {
          expect(await blockedTails(server.raw)).toBe(2);
        },
        {
          timeout: 5000,
        },
      );
      await client.audit.append({ entry: entry({ agent_id: 'after-cancel' }) });
      expect((await got)[0]?.entry?.agent_id).toBe('after-cancel');
      second.cancel();
      fourth.cancel();
      expect(await secondEnd).toBeNull();
      await vi.waitFor(
        () => {
          expect(server.services.tailPool.borrowed).toBe(0);
        },
        { timeout: 5000 },
      );
    });
  });

  describe('AgentPnl', () => {
    it('sums exactly over arbitrary bounds with out-of-order wall_time', async () => {
      const agent = 'pnl-small';
      const random = mulberry32(42);
      const log: { t: number; micro: bigint }[] = [];
      for (let i = 0; i < 400; i++) {
        const micro = BigInt(Math.floor(random() * 2_000_000_000) - 1_000_000_000);
        const t = BASE + Math.floor(random() * 200_000) + (i % 5 === 0 ? 0 : random());
        log.push({ t, micro });
      }
      await server.services.audit.appendMany(
        log.map(({ t, micro }) => ({
          agentId: agent,
          action: 'fill',
          market: 'ETH-USD',
          amount: 1,
          status: 'filled',
          txId: '',
          pnl: Number(micro) / 1e6,
          wallTime: t,
          meta: '',
        })),
      );
      const times = log.map((e) => e.t);
      const bounds: [number, number][] = [
        [0, 0],
        [BASE + 50_000.5, 0],
        [0, BASE + 123_456.789],
        [times[3] ?? 0, times[3] ?? 0],
        [times[10] ?? 0, times[20] ?? 0].sort((a, b) => a - b) as [number, number],
        [BASE + 3600, BASE + 7200],
        [BASE + 100.25, BASE + 100.75],
      ];
      for (let q = 0; q < 60; q++) {
        const a = BASE - 1000 + random() * 202_000;
        const b = a + random() * ([10, 1000, 100_000][q % 3] ?? 1);
        bounds.push([a, b]);
      }
      for (const [from, to] of bounds) {
        const inside = log.filter((e) => (from === 0 || e.t >= from) && (to === 0 || e.t <= to));
        const micro = inside.reduce((sum, e) => sum + e.micro, 0n);
        const answer = await client.audit.agentPnl({
          agent_id: agent,
          from_time: from,
          to_time: to,
        });
        expect(answer, `[${from}, ${to}]`).toEqual({
          total_pnl: Number(microText(micro)),
          entries: inside.length,
        });
      }
    });

    it.each([
      ['to_time 1e16', { to_time: 1e16 }, 'to_time'],
      ['from_time 1e16', { from_time: 1e16 }, 'from_time'],
      ['to_time just past 1e10', { from_time: 1, to_time: 1e10 + 1 }, 'to_time'],
      ['an infinite to_time', { to_time: Infinity }, 'to_time'],
    ])('refuses %s with INVALID_ARGUMENT and keeps serving', async (_name, bounds, field) => {
      const error = await failure(client.audit.agentPnl({ agent_id: 'pnl-small', ...bounds }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
      expect(await client.audit.agentPnl({ agent_id: 'nobody', to_time: 1e10 })).toEqual({
        total_pnl: 0,
        entries: 0,
      });
    });

    it('answers zero for an agent with no entries, and INVALID_ARGUMENT without agent_id', async () => {
      expect(await client.audit.agentPnl({ agent_id: 'nobody' })).toEqual({
        total_pnl: 0,
        entries: 0,
      });
      const error = await failure(client.audit.agentPnl({ agent_id: '' }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toMatch(/^agent_id: /);
    });
  });

  it('ends live tails with UNAVAILABLE when the server shuts down', async () => {
    const other = await startAgentServer(redis, { MNEMO_KEY_PREFIX: 'a2:' }, { tailBlockMs: 200 });
    const clients = testClient(other.port);
    const stream = clients.audit.tail({});
    const end = ending(stream);
    await vi.waitFor(
      () => {
        expect(other.services.tailPool.borrowed).toBe(1);
      },
      { timeout: 5000 },
    );
    const started = Date.now();
    await other.stop();
    expect((await end)?.code).toBe(status.UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(1000);
    clients.close();
  });
});

function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : Number(am - bm);
}

function microText(micro: bigint): string {
  const abs = micro < 0n ? -micro : micro;
  return `${micro < 0n ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
