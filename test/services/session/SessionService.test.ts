import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import type { Session__Output } from '../../../src/generated/mnemo/v1/Session.js';
import type { SessionServiceWatchSessionsResponse__Output } from '../../../src/generated/mnemo/v1/SessionServiceWatchSessionsResponse.js';
import type { SessionStatus } from '../../../src/generated/mnemo/v1/SessionStatus.js';
import { registry } from '../../../src/metrics/metrics.js';
import { toMicroUnits, fromMicroUnits } from '../../../src/model/microUnits.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { writeTokenFile } from '../../support/tokenClients.js';
import { testClient, failure } from '../../support/testApp.js';
import type { MessageStream, MnemoClient } from '../../../src/client/index.js';

const PREFIX = 's1:';
/** Short watch reads and a fast sweep, so a lapse is seen within a few hundred ms. */
const TUNING = { sweepIntervalMs: 50, watchBlockMs: 200 };

type WatchMessage = SessionServiceWatchSessionsResponse__Output;

/** A watch read from now on: `until` collects its messages until one satisfies the condition. */
interface Watch {
  /** Rejects when the watch fails (not when it is cancelled). */
  until(condition: (message: WatchMessage) => boolean): Promise<WatchMessage[]>;
  cancel(): void;
}

function watching(stream: MessageStream<WatchMessage>): Watch {
  const listeners = new Set<(message: WatchMessage) => void>();
  const read = (async () => {
    for await (const message of stream) for (const listener of listeners) listener(message);
  })();
  read.catch(() => undefined);
  return {
    until(condition) {
      return new Promise((resolve, reject) => {
        const seen: WatchMessage[] = [];
        listeners.add((message) => {
          seen.push(message);
          if (condition(message)) resolve(seen);
        });
        read.catch(reject);
      });
    },
    cancel: () => {
      stream.cancel();
    },
  };
}

async function tradeCount(result: string): Promise<number> {
  const metric = await registry.getSingleMetric('mnemo_session_trades_total')?.get();
  return metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('SessionService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, { MNEMO_KEY_PREFIX: PREFIX }, {}, TUNING);
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  it('creates exactly one session for 200 concurrent starts of one agent', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        client.sessions.startSession({
          agent_id: 'racer',
          start_capital: 10_000,
          max_drawdown: 0.2,
          ttl_ms: 60_000,
        }),
      ),
    );
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    const startedAt = new Set(answers.map((a) => a.session?.started_at));
    expect(startedAt.size).toBe(1);
    expect(answers[0]?.session).toMatchObject({
      agent_id: 'racer',
      start_capital: 10_000,
      current_capital: 10_000,
      total_pnl: 0,
      trades: 0,
      max_drawdown: 0.2,
      status: 'SESSION_STATUS_ACTIVE',
      ttl_ms: 60_000,
    });
    const changes = await server.raw.xrange(`${PREFIX}sessions:changes`, '-', '+');
    const started = changes.filter(([, flat]) => flat.includes('racer') && flat[1] === 'started');
    expect(started).toHaveLength(1);
  });

  it('starts a new session after EndSession, and refuses heartbeats of an ended one', async () => {
    const first = await client.sessions.startSession({
      agent_id: 'restarter',
      start_capital: 100,
      max_drawdown: 0.5,
    });
    expect(first.created).toBe(true);
    await client.sessions.recordTrade({ agent_id: 'restarter', pnl: 5, tx_id: 't1' });
    const ended = await client.sessions.endSession({ agent_id: 'restarter' });
    expect(ended.session?.status).toBe('SESSION_STATUS_ENDED');
    const beat = await failure(client.sessions.heartbeat({ agent_id: 'restarter' }));
    expect(beat.code).toBe(status.FAILED_PRECONDITION);
    const again = await client.sessions.startSession({
      agent_id: 'restarter',
      start_capital: 200,
      max_drawdown: 0.5,
    });
    expect(again.created).toBe(true);
    expect(again.session).toMatchObject({ start_capital: 200, trades: 0, total_pnl: 0 });
    // The old session's tx_ids are forgotten with it.
    const trade = await client.sessions.recordTrade({ agent_id: 'restarter', pnl: 1, tx_id: 't1' });
    expect(trade.duplicate).toBe(false);
    const missing = await failure(client.sessions.getSession({ agent_id: 'nobody' }));
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('sums 1,000 concurrent trades exactly and counts a retried tx_id once', async () => {
    await client.sessions.startSession({
      agent_id: 'trader',
      start_capital: 1_000_000,
      max_drawdown: 1,
      ttl_ms: 60_000,
    });
    const pnls = Array.from({ length: 1000 }, (_, i) => ((i % 13) - 6) * 0.37 + 0.000001 * i);
    const recordedBefore = await tradeCount('recorded');
    const answers = await Promise.all(
      pnls.map((pnl, i) =>
        client.sessions.recordTrade({ agent_id: 'trader', pnl, tx_id: `tx-${i}` }),
      ),
    );
    expect(answers.every((a) => !a.duplicate)).toBe(true);
    expect((await tradeCount('recorded')) - recordedBefore).toBe(1000);
    const micro = pnls.reduce((sum, pnl) => sum + toMicroUnits(pnl), 0n);
    const { session } = await client.sessions.getSession({ agent_id: 'trader' });
    expect(session?.trades).toBe(1000);
    expect(session?.total_pnl).toBe(fromMicroUnits(micro));
    expect(session?.current_capital).toBe(fromMicroUnits(micro + toMicroUnits(1_000_000)));

    const retry = await client.sessions.recordTrade({ agent_id: 'trader', pnl: 99, tx_id: 'tx-7' });
    expect(retry.duplicate).toBe(true);
    expect(retry.session?.trades).toBe(1000);
    expect(retry.session?.total_pnl).toBe(fromMicroUnits(micro));

    // Concurrent retries of one new tx_id: one counts.
    const same = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.sessions.recordTrade({ agent_id: 'trader', pnl: 1, tx_id: 'tx-new' }),
      ),
    );
    expect(same.filter((a) => !a.duplicate)).toHaveLength(1);
    const after = await client.sessions.getSession({ agent_id: 'trader' });
    expect(after.session?.trades).toBe(1001);
    expect(after.session?.total_pnl).toBe(fromMicroUnits(micro + toMicroUnits(1)));
  });

  it('detects a heartbeat lapse: STALE in GetSession, ListSessions and a WatchSessions change', async () => {
    // A second instance on the same Redis sweeps too: the lapse is still noted once.
    const twin = await startAgentServer(redis, { MNEMO_KEY_PREFIX: PREFIX }, {}, TUNING);
    const watch = watching(
      client.sessions.watchSessions({ agent_ids: ['sleeper'], after_id: '0' }),
    );
    const untilStale = watch.until((m) => m.event === 'SESSION_EVENT_STALE');
    await client.sessions.startSession({
      agent_id: 'sleeper',
      start_capital: 50,
      max_drawdown: 0.5,
      ttl_ms: 200,
    });
    const beat = await client.sessions.heartbeat({ agent_id: 'sleeper', interval_ms: 200 });
    expect(beat.session?.status).toBe('SESSION_STATUS_ACTIVE');
    await vi.waitFor(
      async () => {
        const { session } = await client.sessions.getSession({ agent_id: 'sleeper' });
        expect(session?.status).toBe('SESSION_STATUS_STALE');
      },
      { timeout: 5000, interval: 50 },
    );
    const messages = await untilStale;
    expect(messages.map((m) => m.event)).toEqual(['SESSION_EVENT_STARTED', 'SESSION_EVENT_STALE']);
    expect(messages[1]?.session?.status).toBe('SESSION_STATUS_STALE');
    const listed = await listAll(client, 'SESSION_STATUS_STALE', 50);
    expect(listed.map((s) => s.agent_id)).toContain('sleeper');
    // One STALE change however many sweeps ran; a heartbeat revives it.
    const untilRevived = watch.until((m) => m.event === 'SESSION_EVENT_REVIVED');
    const revived = await client.sessions.heartbeat({ agent_id: 'sleeper', interval_ms: 60_000 });
    expect(revived.session?.status).toBe('SESSION_STATUS_ACTIVE');
    const later = await untilRevived;
    // Nothing between the STALE change and the revival: sweeps noted the lapse once.
    expect(later.map((m) => m.event)).toEqual(['SESSION_EVENT_REVIVED']);
    watch.cancel();
    await twin.stop();
    const active = await listAll(client, 'SESSION_STATUS_ACTIVE', 50);
    expect(active.map((s) => s.agent_id)).toContain('sleeper');
  });

  it('keeps mnemo_sessions{status} current from the sweep, without agent labels', async () => {
    await client.sessions.startSession({
      agent_id: 'gauged',
      start_capital: 10,
      max_drawdown: 0.5,
      ttl_ms: 100,
    });
    await vi.waitFor(
      async () => {
        const metric = await registry.getSingleMetric('mnemo_sessions')?.get();
        const stale = metric?.values.find((v) => v.labels.status === 'stale')?.value ?? 0;
        expect(stale).toBeGreaterThanOrEqual(1);
        for (const value of metric?.values ?? []) {
          expect(Object.keys(value.labels)).toEqual(['status']);
        }
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('halts at the drawdown limit, publishes an alert, refuses trades until an admin resumes', async () => {
    const { path, secrets } = writeTokenFile([
      { name: 'ops', role: 'admin' },
      { name: 'bot', role: 'agent', agentIds: ['dd-agent'] },
    ]);
    const secured = await startAgentServer(
      redis,
      { MNEMO_KEY_PREFIX: PREFIX, MNEMO_AUTH_TOKENS_FILE: path },
      {},
      { sweepIntervalMs: 0 },
    );
    const bot: MnemoClient = testClient(secured.port, { token: secrets.bot ?? '' });
    const ops: MnemoClient = testClient(secured.port, { token: secrets.ops ?? '' });
    // The agent hears its alerts as durable signals, from the start of the channel's stream.
    const alerts: string[] = [];
    const subscription = bot.signals.subscribe({ channels: ['alerts:dd-agent'], resume_from: '0' });
    void (async () => {
      for await (const message of subscription) alerts.push(message.payload.toString());
    })().catch(() => undefined);
    try {
      await bot.sessions.startSession({
        agent_id: 'dd-agent',
        start_capital: 1000,
        max_drawdown: 0.1,
        ttl_ms: 60_000,
      });
      const first = await bot.sessions.recordTrade({ agent_id: 'dd-agent', pnl: -50, tx_id: 'a' });
      expect(first.over_drawdown).toBe(false);
      expect(first.session?.status).toBe('SESSION_STATUS_ACTIVE');
      const crossing = await bot.sessions.recordTrade({
        agent_id: 'dd-agent',
        pnl: -60,
        tx_id: 'b',
      });
      expect(crossing.over_drawdown).toBe(true);
      expect(crossing.session).toMatchObject({
        status: 'SESSION_STATUS_HALTED',
        current_capital: 890,
        trades: 2,
      });
      await vi.waitFor(
        () => {
          expect(alerts).toHaveLength(1);
        },
        { timeout: 2000, interval: 20 },
      );
      const alert = JSON.parse(alerts[0] ?? '{}') as Record<string, unknown>;
      expect(alert).toMatchObject({
        agent_id: 'dd-agent',
        reason: 'drawdown',
        max_drawdown: 0.1,
        current_capital: 890,
      });
      expect(alert.drawdown).toBeCloseTo(0.11, 12);
      expect(typeof alert.ts).toBe('number');

      const refused = await failure(
        bot.sessions.recordTrade({ agent_id: 'dd-agent', pnl: 1, tx_id: 'c' }),
      );
      expect(refused.code).toBe(status.FAILED_PRECONDITION);
      expect(refused.field).toBe('agent_id');
      expect(refused.reason).toBe('SESSION_HALTED');
      // A retry of the trade that halted it is still a duplicate, not a refusal.
      const retried = await bot.sessions.recordTrade({
        agent_id: 'dd-agent',
        pnl: -60,
        tx_id: 'b',
      });
      expect(retried.duplicate).toBe(true);

      const denied = await failure(bot.sessions.resumeSession({ agent_id: 'dd-agent' }));
      expect(denied.code).toBe(status.PERMISSION_DENIED);
      expect((await bot.sessions.getSession({ agent_id: 'dd-agent' })).session?.status).toBe(
        'SESSION_STATUS_HALTED',
      );
      const resumed = await ops.sessions.resumeSession({ agent_id: 'dd-agent' });
      expect(resumed.session?.status).toBe('SESSION_STATUS_ACTIVE');
      const next = await bot.sessions.recordTrade({ agent_id: 'dd-agent', pnl: 5, tx_id: 'c' });
      expect(next.session).toMatchObject({ status: 'SESSION_STATUS_ACTIVE', current_capital: 895 });
      // Still below the floor: the next loss halts again (and alerts again).
      const loss = await bot.sessions.recordTrade({ agent_id: 'dd-agent', pnl: -1, tx_id: 'd' });
      expect(loss.session?.status).toBe('SESSION_STATUS_HALTED');
      await vi.waitFor(
        () => {
          expect(alerts).toHaveLength(2);
        },
        { timeout: 2000, interval: 20 },
      );

      // A token confined to agents lists and acts only for its own.
      const listed = await bot.sessions.listSessions({ page_size: 100 });
      expect(listed.sessions.map((s) => s.agent_id)).toEqual(['dd-agent']);
      const other = await failure(bot.sessions.getSession({ agent_id: 'trader' }));
      expect(other.code).toBe(status.PERMISSION_DENIED);
      const foreign = bot.sessions.watchSessions({ agent_ids: ['trader'], after_id: '0' });
      const heard: unknown[] = [];
      const refusedWatch = await failure(
        (async () => {
          for await (const message of foreign) heard.push(message);
        })(),
      );
      expect(refusedWatch.code).toBe(status.PERMISSION_DENIED);
      // Unfiltered, its watch sees only its agents' changes.
      const own = watching(bot.sessions.watchSessions({ after_id: '0' }));
      const seen = await own.until((m) => m.event === 'SESSION_EVENT_HALTED');
      own.cancel();
      expect(new Set(seen.map((m) => m.session?.agent_id))).toEqual(new Set(['dd-agent']));
    } finally {
      subscription.cancel();
      bot.close();
      ops.close();
      await secured.stop();
    }
  });

  it('refuses bad input INVALID_ARGUMENT naming the field, writing nothing', async () => {
    // (The sweep may note other sessions' lapses meanwhile: those changes are not writes of ours.)
    const changes = `${PREFIX}sessions:changes`;
    const newest = await server.raw.xrevrange(changes, '+', '-', 'COUNT', 1);
    const lastBefore = newest[0]?.[0] ?? '0';
    const start = { agent_id: 'bad-agent', start_capital: 100, max_drawdown: 0.5, ttl_ms: 1000 };
    const cases: [Promise<unknown>, string][] = [
      [client.sessions.startSession({ ...start, agent_id: '' }), 'agent_id'],
      [client.sessions.startSession({ ...start, agent_id: 'x'.repeat(257) }), 'agent_id'],
      [client.sessions.startSession({ ...start, start_capital: 0 }), 'start_capital'],
      [client.sessions.startSession({ ...start, start_capital: -5 }), 'start_capital'],
      [client.sessions.startSession({ ...start, start_capital: Number.NaN }), 'start_capital'],
      [client.sessions.startSession({ ...start, start_capital: Infinity }), 'start_capital'],
      [client.sessions.startSession({ ...start, max_drawdown: 0 }), 'max_drawdown'],
      [client.sessions.startSession({ ...start, max_drawdown: 1.5 }), 'max_drawdown'],
      [client.sessions.startSession({ ...start, ttl_ms: 4_000_000_000 }), 'ttl_ms'],
      [client.sessions.recordTrade({ agent_id: 'trader', pnl: Infinity }), 'pnl'],
      [client.sessions.recordTrade({ agent_id: 'trader', pnl: Number.NaN }), 'pnl'],
      [client.sessions.recordTrade({ agent_id: 'trader', pnl: 2e9 }), 'pnl'],
      [
        client.sessions.recordTrade({ agent_id: 'trader', pnl: 1, tx_id: 't'.repeat(300) }),
        'tx_id',
      ],
      [client.sessions.recordTrade({ agent_id: '', pnl: 1 }), 'agent_id'],
      [
        client.sessions.heartbeat({ agent_id: 'trader', interval_ms: 4_000_000_000 }),
        'interval_ms',
      ],
      [client.sessions.getSession({ agent_id: '' }), 'agent_id'],
      [client.sessions.endSession({ agent_id: '' }), 'agent_id'],
      [client.sessions.resumeSession({ agent_id: '' }), 'agent_id'],
      [client.sessions.listSessions({ page_size: 1_000_000 }), 'page_size'],
      [client.sessions.listSessions({ page_token: 'not-a-token' }), 'page_token'],
    ];
    for (const [call, field] of cases) {
      const error = await failure(call);
      expect(error.code, field).toBe(status.INVALID_ARGUMENT);
      expect(error.field).toBe(field);
    }
    expect(await server.raw.keys(`${PREFIX}*bad-agent*`)).toEqual([]);
    const since = await server.raw.xrange(changes, `(${lastBefore}`, '+');
    expect(since.filter(([, flat]) => flat[1] !== 'stale')).toEqual([]);
    const { session } = await client.sessions.getSession({ agent_id: 'trader' });
    expect(session?.trades).toBe(1001);
  });
});

/** Every session of a listing, page by page (fails on a duplicate). */
async function listAll(
  client: MnemoClient,
  wanted: SessionStatus,
  pageSize: number,
): Promise<Session__Output[]> {
  const all: Session__Output[] = [];
  let token = '';
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await client.sessions.listSessions({
      status: wanted,
      page_size: pageSize,
      page_token: token,
    });
    expect(page.sessions.length).toBeLessThanOrEqual(pageSize);
    all.push(...page.sessions);
    token = page.next_page_token;
    if (token === '') break;
  }
  const agents = all.map((s) => s.agent_id);
  expect(new Set(agents).size).toBe(agents.length);
  return all;
}

describe('SessionService listing', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, { MNEMO_KEY_PREFIX: 'l1:' }, {}, { sweepIntervalMs: 0 });
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  it('remembers a bounded number of tx_ids per session', async () => {
    const retained = await startAgentServer(
      redis,
      { MNEMO_KEY_PREFIX: 'r1:', MNEMO_SESSION_TX_RETENTION: '100' },
      {},
      { sweepIntervalMs: 0 },
    );
    const c = testClient(retained.port);
    try {
      await c.sessions.startSession({ agent_id: 'busy', start_capital: 1000, max_drawdown: 1 });
      for (let i = 0; i < 150; i++) {
        await c.sessions.recordTrade({ agent_id: 'busy', pnl: 1, tx_id: `t${i}` });
      }
      expect(await retained.raw.zcard('r1:session-tx:busy')).toBe(100);
      expect(
        (await c.sessions.recordTrade({ agent_id: 'busy', pnl: 1, tx_id: 't149' })).duplicate,
      ).toBe(true);
      // Beyond the retention a retry counts again.
      const old = await c.sessions.recordTrade({ agent_id: 'busy', pnl: 1, tx_id: 't0' });
      expect(old.duplicate).toBe(false);
      expect(old.session?.trades).toBe(151);
    } finally {
      c.close();
      await retained.stop();
    }
  });

  it('pages with SCAN across many more sessions than a page, each once, by status', async () => {
    const agents = Array.from({ length: 250 }, (_, i) => `lister-${i}`);
    await Promise.all(
      agents.map((agent_id) =>
        client.sessions.startSession({
          agent_id,
          start_capital: 100,
          max_drawdown: 0.5,
          ttl_ms: 600_000,
        }),
      ),
    );
    const ended = agents.slice(0, 40);
    await Promise.all(ended.map((agent_id) => client.sessions.endSession({ agent_id })));
    // Other keys under the prefix (heartbeats, tx_ids, the changes stream) are not sessions.
    await client.sessions.recordTrade({ agent_id: 'lister-100', pnl: 1, tx_id: 'x' });

    const every = await listAll(client, 'SESSION_STATUS_UNSPECIFIED', 7);
    expect(every.map((s) => s.agent_id).sort()).toEqual([...agents].sort());
    const endedListed = await listAll(client, 'SESSION_STATUS_ENDED', 9);
    expect(endedListed.map((s) => s.agent_id).sort()).toEqual([...ended].sort());
    expect(endedListed.every((s) => s.status === 'SESSION_STATUS_ENDED')).toBe(true);
    const active = await listAll(client, 'SESSION_STATUS_ACTIVE', 100);
    expect(active).toHaveLength(210);
    expect(await listAll(client, 'SESSION_STATUS_HALTED', 5)).toEqual([]);

    // A token confined to agents pages through its own sessions only, read directly.
    const { path, secrets } = writeTokenFile([
      { name: 'desk', role: 'reader', agentIds: ['lister-1', 'lister-2', 'lister-45', 'ghost'] },
    ]);
    const secured = await startAgentServer(
      redis,
      { MNEMO_KEY_PREFIX: 'l1:', MNEMO_AUTH_TOKENS_FILE: path },
      {},
      { sweepIntervalMs: 0 },
    );
    const desk = testClient(secured.port, { token: secrets.desk ?? '' });
    try {
      const pages: string[][] = [];
      let token = '';
      do {
        const page = await desk.sessions.listSessions({ page_size: 2, page_token: token });
        pages.push(page.sessions.map((s) => s.agent_id));
        token = page.next_page_token;
      } while (token !== '');
      expect(pages.flat().sort()).toEqual(['lister-1', 'lister-2', 'lister-45']);
      expect(pages.every((p) => p.length <= 2)).toBe(true);
      const ended = await desk.sessions.listSessions({ status: 'SESSION_STATUS_ENDED' });
      expect(ended.sessions.map((s) => s.agent_id).sort()).toEqual(['lister-1', 'lister-2']);
    } finally {
      desk.close();
      await secured.stop();
    }

    // A token of one listing is refused by another.
    const first = await client.sessions.listSessions({
      status: 'SESSION_STATUS_ENDED',
      page_size: 3,
    });
    expect(first.next_page_token).not.toBe('');
    const misuse = await failure(
      client.sessions.listSessions({
        status: 'SESSION_STATUS_ACTIVE',
        page_size: 3,
        page_token: first.next_page_token,
      }),
    );
    expect(misuse.code).toBe(status.INVALID_ARGUMENT);
  });
});
