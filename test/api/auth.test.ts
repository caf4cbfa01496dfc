// Raw grpc-js clients on purpose (tokenClients.ts): the matrix sends raw `authorization`
// values (malformed, not Bearer, none) on every RPC, over plaintext and over TLS with channel
// credentials of its own, and checks each status as it came; MnemoClient only sends
// `Bearer <token>`. MnemoClient's token and TLS are tested in test/clients/typescript.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_ACCESS } from '../../src/api/auth/access.js';
import { pino } from 'pino';
import { App, TokenFileError } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import { metrics } from '../../src/metrics/metrics.js';
import type { Role } from '../../src/model/Principal.js';
import { healthClient } from '../support/ops.js';
import { rejection } from '../support/promiseClient.js';
import { servedMethods } from '../support/rawWire.js';
import { startApp, startRedis, testConfig } from '../support/testApp.js';
import { tokenClients, writeTokenFile, type TokenClients } from '../support/tokenClients.js';
import { issue, makeCa, tlsCredentials, writeTlsFiles } from '../support/certificates.js';

const DIM = 8;

function episode(agent: string, x: number, overrides: Partial<EpisodicMemory> = {}) {
  const values = Array.from({ length: DIM }, (_, i) => (i === 0 ? 1 : i === 1 ? x : 0));
  return {
    agent_id: agent,
    product_id: 'BTC-USD',
    regime: 'trending',
    state_vector: { values },
    reward: 1,
    timestamp: 1_700_000_000,
    terminal: false,
    payload: Buffer.from(agent),
    ...overrides,
  };
}

const QUERY = { values: [1, 0.5, 0, 0, 0, 0, 0, 0] };
const CONCEPT = {
  concept_vector: { values: [0, 1, 0, 0, 0, 0, 0, 0] },
  memory_type: 'MEMORY_TYPE_PATTERN' as const,
  regime_name: 'volatile',
  sharpe_ratio: 1,
  win_rate: 0.5,
};

async function deniedCount(reason: string): Promise<number> {
  const values = (await metrics.authDenied.get()).values;
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** One minimal call of every unary RPC and search stream, acting for agent-1. */
const CALLS: Record<string, (c: TokenClients) => Promise<unknown>> = {
  'MemoryService.UpsertEpisodic': (c) =>
    c.memory.UpsertEpisodic({ memories: [episode('agent-1', 0)] }),
  'MemoryService.UpsertSemantic': (c) => c.memory.UpsertSemantic({ memories: [CONCEPT] }),
  'MemoryService.GetEpisodic': (c) => c.memory.GetEpisodic({ ids: ['x'] }),
  'MemoryService.GetSemantic': (c) => c.memory.GetSemantic({ ids: ['x'] }),
  'MemoryService.DeleteEpisodic': (c) => c.memory.DeleteEpisodic({ ids: ['x'] }),
  'MemoryService.DeleteSemantic': (c) => c.memory.DeleteSemantic({ ids: ['x'] }),
  'MemoryService.DeleteEpisodicByFilter': (c) =>
    c.memory.DeleteEpisodicByFilter({ filter: { product_ids: ['none'] } }),
  'MemoryService.SearchEpisodic': (c) => c.memory.SearchEpisodic({ vector: QUERY, k: 1 }),
  'MemoryService.SearchSemantic': (c) =>
    c.memory.SearchSemantic({ vector: CONCEPT.concept_vector, k: 1 }),
  'MemoryService.BatchSearchEpisodic': (c) =>
    c.memory.BatchSearchEpisodic({ searches: [{ vector: QUERY, k: 1 }] }),
  'MemoryService.RecentEpisodic': (c) => c.memory.RecentEpisodic({ limit: 1 }),
  'MemoryService.ListSemantic': (c) => c.memory.ListSemantic({ page_size: 1 }),
  'MemoryService.GetInfo': (c) => c.memory.GetInfo({}),
  'MemoryService.SearchEpisodicStream': (c) =>
    c.memory.SearchEpisodicStream([{ vector: QUERY, k: 1, request_id: 1 }]),
  'MemoryService.SearchSemanticStream': (c) =>
    c.memory.SearchSemanticStream([{ vector: CONCEPT.concept_vector, k: 1, request_id: 1 }]),
  'CacheService.Get': (c) => c.cache.Get({ key: 'k' }),
  'CacheService.Set': (c) => c.cache.Set({ key: 'k', value: Buffer.from('v') }),
  'CacheService.Delete': (c) => c.cache.Delete({ keys: ['nothing'] }),
  'CacheService.GetHash': (c) => c.cache.GetHash({ key: 'h' }),
  'CacheService.SetHash': (c) => c.cache.SetHash({ key: 'h', fields: { a: '1' } }),
  'CacheService.IncrementBy': (c) => c.cache.IncrementBy({ key: 'h', field: 'n', delta: 1 }),
  'RateLimitService.Acquire': (c) =>
    c.rateLimit.Acquire({ bucket: 'b', capacity: 100, refill_per_second: 1, tokens: 1 }),
  'AuditService.Append': (c) =>
    c.audit.Append({ entry: { agent_id: 'agent-1', action: 'order', pnl: 1 } }),
  'AuditService.Range': (c) => c.audit.Range({ agent_id: 'agent-1' }),
  'AuditService.AgentPnl': (c) => c.audit.AgentPnl({ agent_id: 'agent-1' }),
  // In this order, each answers OK for a role allowed it, whichever roles ran before.
  'SessionService.StartSession': (c) =>
    c.session.StartSession({ agent_id: 'agent-1', start_capital: 1000, max_drawdown: 1 }),
  'SessionService.GetSession': (c) => c.session.GetSession({ agent_id: 'agent-1' }),
  'SessionService.Heartbeat': (c) => c.session.Heartbeat({ agent_id: 'agent-1' }),
  'SessionService.RecordTrade': (c) => c.session.RecordTrade({ agent_id: 'agent-1', pnl: 1 }),
  'SessionService.ResumeSession': (c) => c.session.ResumeSession({ agent_id: 'agent-1' }),
  'SessionService.ListSessions': (c) => c.session.ListSessions({}),
  'SessionService.EndSession': (c) => c.session.EndSession({ agent_id: 'agent-1' }),
  'SignalService.Publish': (c) =>
    c.signal.Publish({ channel: 'alerts:agent-1', payload: Buffer.from('x') }),
};

/** The code a call ended with (OK = 0). */
async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return status.OK;
  } catch (error) {
    return (error as ServiceError).code;
  }
}

/** The first record or the error of a Tail, then cancels it. */
function firstOfTail(
  clients: TokenClients,
  request: { after_id: string; agent_id?: string },
): Promise<{ agent?: string; code?: number }> {
  return new Promise((resolve) => {
    const stream = clients.tail(request);
    stream.on('data', (message: { record: { entry: { agent_id: string } } }) => {
      resolve({ agent: message.record.entry.agent_id });
      stream.cancel();
    });
    stream.on('error', (error: ServiceError) => {
      resolve({ code: error.code });
    });
  });
}

type Transport = 'plaintext' | 'TLS' | 'mutual TLS';

/** The server settings and client credentials of a transport, with certificates made here. */
async function transport(
  kind: Transport,
): Promise<{ env: Record<string, string>; credentials: () => ChannelCredentials }> {
  if (kind === 'plaintext') return { env: {}, credentials: () => credentials.createInsecure() };
  const ca = await makeCa(`auth-${kind}`);
  const server = await issue(ca, 'server');
  if (kind === 'TLS') {
    return { env: writeTlsFiles(server), credentials: () => tlsCredentials([ca.certPem]) };
  }
  const client = await issue(ca, 'client');
  return {
    env: writeTlsFiles(server, [ca]),
    credentials: () => tlsCredentials([ca.certPem], client),
  };
}

describe.each<Transport>(['plaintext', 'TLS', 'mutual TLS'])(
  'tokens scoped to agents over %s',
  (kind) => {
    let redis: RedisProcess;
    let app: App;
    let connect: (token: string | null, raw?: boolean) => TokenClients;
    let raw: Redis;
    let file: ReturnType<typeof writeTokenFile>;
    const clients: Record<string, TokenClients> = {};
    const as = (name: string): TokenClients => clients[name] as TokenClients;

    beforeAll(async () => {
      redis = await startRedis();
      file = writeTokenFile([
        { name: 'root', role: 'admin' },
        { name: 'desk-1', role: 'agent', agentIds: ['agent-1', 'agent-2'] },
        { name: 'desk-2', role: 'agent', agentIds: ['agent-3'] },
        { name: 'auditor', role: 'reader' },
        { name: 'watch-3', role: 'reader', agentIds: ['agent-3'] },
        {
          name: 'metered',
          role: 'agent',
          agentIds: ['agent-9'],
          quota: { requests_per_second: 0.01, burst: 2 },
        },
      ]);
      const wire = await transport(kind);
      app = await startApp(redis, {
        MNEMO_AUTH_TOKENS_FILE: file.path,
        MNEMO_KEY_PREFIX: 'auth:',
        ...wire.env,
      });
      connect = (token, raw = false) =>
        tokenClients(app.port, token, { raw, credentials: wire.credentials() });
      for (const [name, secret] of Object.entries(file.secrets)) clients[name] = connect(secret);
      raw = new Redis(redis.url);
    });

    afterAll(async () => {
      for (const c of Object.values(clients)) c.close();
      raw.disconnect();
      await app.stop();
      await redis.stop();
    });

    describe('authentication', () => {
      it('answers UNAUTHENTICATED, alike, to a missing, unknown or malformed token', async () => {
        const before = (await deniedCount('missing_token')) + (await deniedCount('invalid_token'));
        const attempts = [
          connect(null),
          connect('mnemo_not-a-token'),
          connect(`Basic ${file.secrets.root ?? ''}`, true),
          connect(`Bearer${file.secrets.root ?? ''}`, true),
        ];
        const details = new Set<string>();
        for (const c of attempts) {
          for (const call of [
            c.memory.SearchEpisodic({ vector: QUERY, k: 1 }),
            c.cache.Get({ key: 'k' }),
            c.rateLimit.Acquire({ bucket: 'b', capacity: 1, refill_per_second: 1, tokens: 1 }),
            c.audit.Range({}),
          ]) {
            const error = await rejection(call);
            expect(error.code).toBe(status.UNAUTHENTICATED);
            details.add(error.details);
          }
          c.close();
        }
        expect(details.size).toBe(1);
        expect([...details][0]).not.toContain(file.secrets.root);
        const after = (await deniedCount('missing_token')) + (await deniedCount('invalid_token'));
        expect(after - before).toBe(16);
      });
    });

    describe('roles', () => {
      it('classifies every served method of the mnemo services', () => {
        const served = servedMethods()
          .filter((m) => m.service.startsWith('mnemo.'))
          .map((m) => `${m.service.replace('mnemo.v1.', '')}.${m.name}`);
        expect(Object.keys(METHOD_ACCESS).sort()).toEqual(served.sort());
        // All but the streams (Tail, WatchSessions, Subscribe).
        expect(Object.keys(CALLS).length).toBe(served.length - 3);
      });

      const allowed: Record<Role, readonly string[]> = {
        admin: ['read', 'write', 'admin'],
        agent: ['read', 'write'],
        reader: ['read'],
      };
      const tokenOf: Record<Role, string> = { admin: 'root', agent: 'desk-1', reader: 'auditor' };

      for (const role of ['admin', 'agent', 'reader'] as const) {
        it(`lets a ${role} token call exactly the methods of its role`, async () => {
          for (const [method, call] of Object.entries(CALLS)) {
            const code = await codeOf(call(as(tokenOf[role])));
            const access = METHOD_ACCESS[method] ?? 'admin';
            if (allowed[role].includes(access)) {
              expect([method, code]).toEqual([method, status.OK]);
            } else {
              expect([method, code]).toEqual([method, status.PERMISSION_DENIED]);
            }
          }
        });
      }
    });

    describe('MemoryService confinement', () => {
      let mine: string;
      let theirs: string;

      beforeAll(async () => {
        [mine = ''] = (
          await as('desk-1').memory.UpsertEpisodic({ memories: [episode('agent-1', 0.5)] })
        ).ids;
        [theirs = ''] = (
          await as('desk-2').memory.UpsertEpisodic({ memories: [episode('agent-3', 0.4)] })
        ).ids;
      });

      it('rejects a whole batch with one memory of another agent', async () => {
        const error = await rejection(
          as('desk-1').memory.UpsertEpisodic({
            memories: [
              episode('agent-2', 0.1, { id: 'batch-a' }),
              episode('agent-3', 0.1, { id: 'batch-b' }),
            ],
          }),
        );
        expect(error.code).toBe(status.PERMISSION_DENIED);
        expect(error.details).toMatch(/^memories\[1\]\.agent_id: /);
        const found = await as('root').memory.GetEpisodic({ ids: ['batch-a', 'batch-b'] });
        expect(found.memories).toEqual([]);
      });

      it("never overwrites another agent's memory by its id", async () => {
        const error = await rejection(
          as('desk-1').memory.UpsertEpisodic({
            memories: [episode('agent-1', 0.9, { id: theirs })],
          }),
        );
        expect(error.code).toBe(status.PERMISSION_DENIED);
        expect(error.details).toMatch(/^memories\[0\]\.id: /);
        const [stored] = (await as('root').memory.GetEpisodic({ ids: [theirs] })).memories;
        expect(stored?.agent_id).toBe('agent-3');
      });

      it("answers Get and Delete of another agent's memory as if it did not exist", async () => {
        expect(
          (await as('desk-2').memory.GetEpisodic({ ids: [mine, theirs] })).memories.map(
            (m) => m.id,
          ),
        ).toEqual([theirs]);
        expect(
          (await as('desk-2').memory.DeleteEpisodic({ ids: [mine, 'never-was'] })).deleted,
        ).toBe(0);
        expect((await as('root').memory.GetEpisodic({ ids: [mine] })).memories).toHaveLength(1);
      });

      it("confines searches and recency to the token's agents", async () => {
        const hits = await as('desk-2').memory.SearchEpisodic({ vector: QUERY, k: 10 });
        expect(hits.hits.map((h) => h.memory?.agent_id)).toEqual(['agent-3']);
        const recent = await as('watch-3').memory.RecentEpisodic({ limit: 10 });
        expect(recent.memories.map((m) => m.agent_id)).toEqual(['agent-3']);
        const all = await as('auditor').memory.SearchEpisodic({ vector: QUERY, k: 10 });
        expect(new Set(all.hits.map((h) => h.memory?.agent_id))).toEqual(
          new Set(['agent-1', 'agent-3']),
        );
      });

      it('refuses a filter naming another agent, naming the field', async () => {
        const search = await rejection(
          as('desk-2').memory.SearchEpisodic({
            vector: QUERY,
            k: 1,
            filter: { agent_ids: ['agent-1'] },
          }),
        );
        expect([search.code, search.details]).toEqual([
          status.PERMISSION_DENIED,
          "filter.agent_ids: names an agent outside this token's agents",
        ]);
        const batch = await rejection(
          as('desk-2').memory.BatchSearchEpisodic({
            searches: [
              { vector: QUERY, k: 1 },
              { vector: QUERY, k: 1, filter: { agent_ids: ['agent-3', 'agent-1'] } },
            ],
          }),
        );
        expect(batch.details).toMatch(/^searches\[1\]\.filter\.agent_ids: /);
        const recent = await rejection(
          as('watch-3').memory.RecentEpisodic({ limit: 1, filter: { agent_ids: ['agent-1'] } }),
        );
        expect(recent.code).toBe(status.PERMISSION_DENIED);
      });

      it("deletes by filter only the token's memories", async () => {
        await as('root').memory.UpsertEpisodic({
          memories: [
            episode('agent-2', 0.3, { id: 'f-2', product_id: 'ETH' }),
            episode('agent-3', 0.3, { id: 'f-3', product_id: 'ETH' }),
          ],
        });
        const deleted = await as('desk-1').memory.DeleteEpisodicByFilter({
          filter: { product_ids: ['ETH'] },
        });
        expect(deleted.deleted).toBe(1);
        expect(
          (await as('root').memory.GetEpisodic({ ids: ['f-2', 'f-3'] })).memories.map((m) => m.id),
        ).toEqual(['f-3']);
      });

      it('lets every token read semantic memories and only admin write them', async () => {
        const [id = ''] = (await as('root').memory.UpsertSemantic({ memories: [CONCEPT] })).ids;
        expect((await as('watch-3').memory.GetSemantic({ ids: [id] })).memories).toHaveLength(1);
        expect((await rejection(as('desk-1').memory.DeleteSemantic({ ids: [id] }))).code).toBe(
          status.PERMISSION_DENIED,
        );
      });
    });

    describe('namespaces of cache keys, buckets and audit entries', () => {
      it('keeps each token in its own cache namespace', async () => {
        await as('desk-1').cache.Set({ key: 'pos', value: Buffer.from('one') });
        expect((await as('desk-2').cache.Get({ key: 'pos' })).found).toBe(false);
        expect((await as('root').cache.Get({ key: 'pos' })).found).toBe(false);
        await as('desk-2').cache.Set({ key: 'pos', value: Buffer.from('two') });
        expect((await as('desk-1').cache.Get({ key: 'pos' })).value.toString()).toBe('one');
        expect(
          await raw.exists('auth:tenant:desk-1:cache:pos', 'auth:tenant:desk-2:cache:pos'),
        ).toBe(2);
      });

      it('keeps each token in its own rate-limit buckets', async () => {
        const take = (name: string) =>
          as(name).rateLimit.Acquire({
            bucket: 'orders',
            capacity: 1,
            refill_per_second: 0.001,
            tokens: 1,
          });
        expect((await take('desk-1')).allowed).toBe(true);
        expect((await take('desk-1')).allowed).toBe(false);
        expect((await take('desk-2')).allowed).toBe(true);
        expect((await take('root')).allowed).toBe(true);
      });

      it("appends, reads, follows and sums only the token's agents' audit entries", async () => {
        await as('desk-1').audit.Append({ entry: { agent_id: 'agent-2', action: 'fill', pnl: 5 } });
        await as('desk-2').audit.Append({ entry: { agent_id: 'agent-3', action: 'fill', pnl: 7 } });
        const forged = await rejection(
          as('desk-1').audit.Append({ entry: { agent_id: 'agent-3', action: 'fill', pnl: -1e6 } }),
        );
        expect([forged.code, forged.details.split(':')[0]]).toEqual([
          status.PERMISSION_DENIED,
          'entry.agent_id',
        ]);
        const page = await as('desk-2').audit.Range({});
        expect(new Set(page.records.map((r) => r.entry?.agent_id))).toEqual(new Set(['agent-3']));
        expect((await rejection(as('desk-2').audit.Range({ agent_id: 'agent-1' }))).code).toBe(
          status.PERMISSION_DENIED,
        );
        expect((await rejection(as('desk-2').audit.AgentPnl({ agent_id: 'agent-2' }))).code).toBe(
          status.PERMISSION_DENIED,
        );
        expect((await as('desk-2').audit.AgentPnl({ agent_id: 'agent-3' })).total_pnl).toBe(7);
        expect(await firstOfTail(as('desk-2'), { after_id: '0' })).toEqual({ agent: 'agent-3' });
        expect(await firstOfTail(as('desk-2'), { after_id: '0', agent_id: 'agent-2' })).toEqual({
          code: status.PERMISSION_DENIED,
        });
      });

      it("publishes and subscribes only the token's agents' alerts; signals for all", async () => {
        const payload = Buffer.from('x');
        await as('desk-2').signal.Publish({ channel: 'alerts:agent-3', payload, durable: true });
        await as('desk-2').signal.Publish({ channel: 'signals:BTC-USD', payload });
        await as('desk-2').signal.Publish({ channel: 'broadcast', payload });
        const forged = await rejection(
          as('desk-2').signal.Publish({ channel: 'alerts:agent-1', payload }),
        );
        expect([forged.code, forged.details.split(':')[0]]).toEqual([
          status.PERMISSION_DENIED,
          'channel',
        ]);
        expect(
          (await rejection(as('auditor').signal.Publish({ channel: 'broadcast', payload }))).code,
        ).toBe(status.PERMISSION_DENIED);
        // The code a Subscribe ends with, or 'data' once it delivers (then cancelled).
        const endOf = (request: {
          channels?: string[];
          patterns?: string[];
          resume_from?: string;
        }) =>
          new Promise<number | 'data'>((resolve) => {
            const stream = as('desk-2').subscribe(request);
            stream.on('error', (error: ServiceError) => {
              resolve(error.code);
            });
            stream.on('data', () => {
              resolve('data');
              stream.cancel();
            });
          });
        expect(await endOf({ channels: ['alerts:agent-1'] })).toBe(status.PERMISSION_DENIED);
        expect(await endOf({ patterns: ['alerts:*'] })).toBe(status.PERMISSION_DENIED);
        expect(await endOf({ patterns: ['*'] })).toBe(status.PERMISSION_DENIED);
        expect(
          await endOf({
            channels: ['alerts:agent-3', 'broadcast'],
            patterns: ['signals:*'],
            resume_from: '0',
          }),
        ).toBe('data');
      });
    });

    describe('quotas', () => {
      it('answers RESOURCE_EXHAUSTED with a pushback once the quota is spent', async () => {
        const before = await deniedCount('quota');
        await as('metered').cache.Get({ key: 'a' });
        await as('metered').cache.Get({ key: 'a' });
        const error = await rejection(as('metered').cache.Get({ key: 'a' }));
        expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
        expect(Number(error.metadata.get('grpc-retry-pushback-ms')[0])).toBeGreaterThan(0);
        expect((await deniedCount('quota')) - before).toBe(1);
        // Another token's calls are not counted against it.
        await as('desk-1').cache.Get({ key: 'a' });
      });
    });

    describe('reload', () => {
      it('swaps the token table under load without failing a call, and keeps it on a bad file', async () => {
        const next = writeTokenFile([
          { name: 'desk-1', role: 'agent', agentIds: ['agent-1'] },
          { name: 'fresh', role: 'reader' },
        ]);
        const load = as('root');
        let stop = false;
        let failed = 0;
        let done = 0;
        const worker = async () => {
          while (!stop) {
            await load.cache.Get({ key: 'x' }).then(
              () => done++,
              () => failed++,
            );
          }
        };
        const workers = [worker(), worker(), worker()];
        // The new file keeps root's line (the load runs with it), drops desk-2, adds fresh.
        const oldLines = (
          JSON.parse(readFileSync(file.path, 'utf8')) as { tokens: Record<string, unknown>[] }
        ).tokens;
        const newLines = (
          JSON.parse(readFileSync(next.path, 'utf8')) as { tokens: Record<string, unknown>[] }
        ).tokens;
        const rootEntry = oldLines.find((l) => l.name === 'root');
        writeFileSync(file.path, JSON.stringify({ tokens: [rootEntry, ...newLines] }));
        await app.reload();
        const fresh = connect(next.secrets.fresh ?? '');
        expect(
          (await fresh.memory.RecentEpisodic({ limit: 1 })).memories.length,
        ).toBeGreaterThanOrEqual(0);
        expect((await rejection(as('desk-2').cache.Get({ key: 'x' }))).code).toBe(
          status.UNAUTHENTICATED,
        );
        // A bad file keeps the table in force.
        writeFileSync(file.path, '{"tokens": [{"name": "x"}]}');
        await app.reload();
        await fresh.cache.Get({ key: 'x' });
        stop = true;
        await Promise.all(workers);
        fresh.close();
        expect(failed).toBe(0);
        expect(done).toBeGreaterThan(0);
      });
    });
  },
);

describe('the token file at start and in the log', () => {
  let redis: RedisProcess;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('serves health without a token', async () => {
    const file = writeTokenFile([{ name: 'ops', role: 'admin' }]);
    const app = await startApp(redis, { MNEMO_AUTH_TOKENS_FILE: file.path });
    const health = healthClient(app.port);
    expect(await health.check('mnemo.v1.MemoryService')).toBe('SERVING');
    health.close();
    await app.stop();
  });

  it('refuses to start on a bad token file, saying what is wrong', async () => {
    const { path } = writeTokenFile([{ name: 'ok', role: 'admin' }]);
    writeFileSync(path, '{"tokens": [{"name": "a b", "role": "agent"}]}');
    const start = startApp(redis, { MNEMO_AUTH_TOKENS_FILE: path });
    await expect(start).rejects.toBeInstanceOf(TokenFileError);
    await expect(start).rejects.toThrow('tokens[0].name must be');
    await expect(startApp(redis, { MNEMO_AUTH_TOKENS_FILE: `${path}.missing` })).rejects.toThrow(
      'the token file cannot be read (ENOENT)',
    );
  });

  it("logs each denial with the token's name, the method and the reason, never the token", async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const file = writeTokenFile([{ name: 'desk-9', role: 'reader', agentIds: ['agent-9'] }]);
    const app = await App.start(testConfig(redis, { MNEMO_AUTH_TOKENS_FILE: file.path }), log);
    const secret = file.secrets['desk-9'] ?? '';
    const reader = tokenClients(app.port, secret);
    const stranger = tokenClients(app.port, `${secret}x`);
    await rejection(reader.cache.Set({ key: 'k', value: Buffer.from('v') }));
    await rejection(reader.audit.AgentPnl({ agent_id: 'agent-1' }));
    await rejection(stranger.cache.Get({ key: 'k' }));
    reader.close();
    stranger.close();
    await app.stop();
    const denials = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'call denied')
      .map(({ token, method, reason }) => ({ token, method, reason }));
    expect(denials).toEqual([
      { token: 'desk-9', method: 'CacheService.Set', reason: 'role' },
      { token: 'desk-9', method: 'AuditService.AgentPnl', reason: 'scope' },
      { token: null, method: 'CacheService.Get', reason: 'invalid_token' },
    ]);
    expect(lines.join('\n')).not.toContain(secret);
  });
});
