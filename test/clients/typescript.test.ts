import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { createServer as createHttp2Server, type ServerHttp2Session } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import {
  MnemoClient,
  MnemoError,
  vectorValues,
  type Ranking,
  type ScoreTerm,
} from '../../src/client/index.js';
import { encodeVectors } from '../../src/client/vectors.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { UpsertEpisodicRequest } from '../../src/generated/mnemo/v1/UpsertEpisodicRequest.js';
import { mnemoPackageDefinition } from '../../src/proto/packageDefinition.js';
import { f32le } from '../../bench/lib/syntheticData.js';
import { issue, makeCa, writeTlsFiles } from '../support/certificates.js';
import { startApp, startRedis } from '../support/testApp.js';
import { writeTokenFile } from '../support/tokenClients.js';

const DIM = 8;

function vector(seed: number): number[] {
  return Array.from({ length: DIM }, (_, i) => Math.sin(seed * 1.7 + i) + 0.01 * seed);
}

let unique = 0;
function name(prefix: string): string {
  return `${prefix}-${process.pid}-${++unique}`;
}

async function failure(promise: Promise<unknown>): Promise<MnemoError> {
  const error = await promise.then(
    () => new Error('the call succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MnemoError);
  return error as MnemoError;
}

describe('MnemoClient (the TypeScript client)', () => {
  let redis: RedisProcess;
  let plain: App;
  let secure: App;
  let caPem: string;
  let agentToken: string;
  let mnemo: MnemoClient;

  beforeAll(async () => {
    const ca = await makeCa('mnemo ts client test CA');
    caPem = ca.certPem;
    const tokens = writeTokenFile([{ name: 'ts-alpha', role: 'agent', agentIds: ['ts-alpha'] }]);
    agentToken = tokens.secrets['ts-alpha'] ?? '';
    redis = await startRedis();
    [plain, secure] = await Promise.all([
      startApp(redis),
      startApp(redis, {
        ...writeTlsFiles(await issue(ca, 'server')),
        MNEMO_AUTH_TOKENS_FILE: tokens.path,
      }),
    ]);
    mnemo = new MnemoClient(`127.0.0.1:${plain.port}`);
  });

  afterAll(async () => {
    mnemo?.close();
    await Promise.all([plain?.stop(), secure?.stop()]);
    await redis?.stop();
  });

  describe('MemoryService', () => {
    it('stores, finds within the filter, pages and deletes episodic memories', async () => {
      const agent = name('agent');
      const memories = [0, 1, 2, 3].map((i) => ({
        id: name('ep'),
        agent_id: agent,
        regime: 'trending',
        state_vector: i % 2 === 0 ? vector(i) : Float32Array.from(vector(i)),
        reward: i - 1,
        timestamp: 1_700_000_000 + i,
        terminal: i === 2,
      }));
      const ids = memories.map((m) => m.id);
      expect((await mnemo.memory.upsertEpisodic({ memories })).ids).toEqual(ids);

      const got = await mnemo.memory.getEpisodic({ ids, include_vectors: true });
      expect(got.memories.map((m) => m.id)).toEqual(ids);
      expect(Array.from(vectorValues(got.memories[1]?.state_vector))).toEqual(
        Array.from(Float32Array.from(vector(1))),
      );

      const good = { agent_ids: [agent], reward: { min: 0 } };
      const { hits } = await mnemo.memory.searchEpisodic({
        vector: vector(3),
        k: 10,
        filter: good,
      });
      expect(hits.map((h) => h.memory?.id).sort()).toEqual(ids.slice(1).sort());
      expect(hits[0]?.memory?.id).toBe(ids[3]);

      const batch = await mnemo.memory.batchSearchEpisodic({
        searches: [
          { vector: vector(0), k: 1, filter: { agent_ids: [agent] } },
          { vector: Float32Array.from(vector(2)), k: 1, filter: good, exact: true },
        ],
      });
      expect(batch.results.map((r) => r.hits[0]?.memory?.id)).toEqual([ids[0], ids[2]]);

      const first = await mnemo.memory.recentEpisodic({
        filter: { agent_ids: [agent] },
        page_size: 3,
      });
      expect(first.memories.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
      const rest = await mnemo.memory.recentEpisodic({
        filter: { agent_ids: [agent] },
        page_size: 3,
        page_token: first.next_page_token,
      });
      expect(rest.memories.map((m) => m.id)).toEqual([ids[0]]);
      expect(rest.next_page_token).toBe('');

      expect((await mnemo.memory.deleteEpisodic({ ids: [ids[0] ?? ''] })).deleted).toBe(1);
      const byFilter = { filter: { agent_ids: [agent], terminal: false } };
      expect(
        (await mnemo.memory.deleteEpisodicByFilter({ ...byFilter, dry_run: true })).deleted,
      ).toBe(2);
      expect((await mnemo.memory.deleteEpisodicByFilter(byFilter)).deleted).toBe(2);
    });

    it('ranks by score beyond distance and explains each hit, terms summing to its score', async () => {
      const agent = name('rank');
      const at = (second: number) => [1, second, 0, 0, 0, 0, 0, 0];
      await mnemo.memory.upsertEpisodic({
        memories: [
          { id: `${agent}-near`, agent_id: agent, state_vector: at(0.05), reward: 0 },
          { id: `${agent}-far`, agent_id: agent, state_vector: at(0.5), reward: 10 },
        ],
      });
      const ranking: Ranking = { w_similarity: 1, w_outcome: 1, w_recency: 0, w_regime: 0 };
      const { hits } = await mnemo.memory.searchEpisodic({
        vector: at(0),
        k: 2,
        filter: { agent_ids: [agent] },
        ranking,
        explain: true,
      });
      expect(hits.map((h) => h.memory?.id)).toEqual([`${agent}-far`, `${agent}-near`]);
      for (const hit of hits) {
        const terms: ScoreTerm[] = hit.explanation;
        expect(terms.reduce((sum, t) => sum + t.contribution, 0)).toBeCloseTo(hit.score, 12);
      }
    });

    it('recalls and touches semantic memories, and tells what it serves', async () => {
      const regime = name('regime');
      const id = name('sem');
      await mnemo.memory.upsertSemantic({
        memories: [
          {
            id,
            concept_vector: vector(9),
            memory_type: 'MEMORY_TYPE_STRATEGY',
            regime_name: regime,
            sharpe_ratio: 1.5,
          },
        ],
      });
      const { hits } = await mnemo.memory.searchSemantic({
        vector: vector(9),
        k: 2,
        filter: { regime_names: [regime] },
        touch: true,
      });
      expect(hits.map((h) => h.memory?.id)).toEqual([id]);
      expect((await mnemo.memory.getSemantic({ ids: [id] })).memories[0]?.access_count).toBe(1);
      const listed = await mnemo.memory.listSemantic({
        filter: { regime_names: [regime] },
        include_vectors: true,
      });
      expect(listed.memories.map((m) => m.id)).toEqual([id]);
      expect(Array.from(vectorValues(listed.memories[0]?.concept_vector))).toEqual(
        Array.from(Float32Array.from(vector(9))),
      );
      expect((await mnemo.memory.deleteSemantic({ ids: [id] })).deleted).toBe(1);
      const info = await mnemo.memory.getInfo({});
      expect(info).toMatchObject({ dimension: DIM, distance: 'cosine' });
    });

    it('recalls at a high rate over a search stream: one answer per send, errors apart', async () => {
      const agent = name('streamer');
      await mnemo.memory.upsertEpisodic({
        memories: [1, 2, 3].map((i) => ({
          id: `${agent}-${i}`,
          agent_id: agent,
          state_vector: vector(i),
        })),
      });
      const stream = mnemo.memory.searchEpisodicStream();
      const filter = { agent_ids: [agent] };
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stream.send({ vector: vector((i % 3) + 1), k: 1, filter }),
        ),
      );
      expect(answers.map((a) => a.hits[0]?.memory?.id)).toEqual(
        Array.from({ length: 50 }, (_, i) => `${agent}-${(i % 3) + 1}`),
      );
      const bad = await failure(stream.send({ vector: [1, 2], k: 1 }));
      expect(bad).toBeInstanceOf(MnemoError);
      expect([bad.code, bad.field, bad.reason]).toEqual([
        status.INVALID_ARGUMENT,
        'vector',
        'INVALID_FIELD',
      ]);
      const after = await stream.send({ vector: vector(2), k: 1, filter, request_id: 77 });
      expect(after.request_id).toBe(77);
      expect(stream.pending).toBe(0);
      expect(stream.open).toBe(true);
      await stream.end();
      expect(stream.open).toBe(false);
      const semantic = mnemo.memory.searchSemanticStream();
      expect((await semantic.send({ vector: vector(9), k: 1 })).error).toBeNull();
      semantic.cancel();
      expect(semantic.open).toBe(false);
      await semantic.end();
      expect((await failure(semantic.send({ vector: vector(9), k: 1 }))).codeName).toBe(
        'CANCELLED',
      );
    });

    it('applies a retried upsert once: every upsert carries a request id', async () => {
      const id = name('once');
      const request = {
        memories: [{ id, agent_id: 'x', state_vector: vector(1) }],
        request_id: id,
      };
      await mnemo.memory.upsertEpisodic(request);
      await mnemo.memory.upsertEpisodic(request);
      expect((await mnemo.memory.getEpisodic({ ids: [id] })).memories).toHaveLength(1);
    });
  });

  it('serves CacheService, RateLimitService and AuditService', async () => {
    const key = name('price');
    expect(
      (await mnemo.cache.set({ key, value: Buffer.from('64000'), ttl_ms: 60_000 })).stored,
    ).toBe(true);
    expect((await mnemo.cache.get({ key })).value.toString()).toBe('64000');
    await mnemo.cache.setHash({ key: `${key}:h`, fields: { qty: '2' } });
    expect((await mnemo.cache.getHash({ key: `${key}:h` })).fields).toEqual({ qty: '2' });
    expect((await mnemo.cache.incrementBy({ key: `${key}:h`, field: 'qty', delta: 1 })).value).toBe(
      3,
    );
    expect((await mnemo.cache.delete({ keys: [key, `${key}:h`] })).deleted).toBe(2);

    const bucket = name('bucket');
    const acquire = () =>
      mnemo.rateLimit.acquire({ bucket, capacity: 1, refill_per_second: 0.01, tokens: 1 });
    expect((await acquire()).allowed).toBe(true);
    expect((await acquire()).allowed).toBe(false);

    const agent = name('trader');
    const first = await mnemo.audit.append({
      entry: { agent_id: agent, action: 'fill', tx_id: 't1', pnl: 3 },
    });
    const again = await mnemo.audit.append({
      entry: { agent_id: agent, action: 'fill', tx_id: 't1', pnl: 3 },
    });
    expect(again).toEqual({ id: first.id, duplicate: true });
    const tail = mnemo.audit.tail({ after_id: first.id, agent_id: agent });
    const second = await mnemo.audit.append({
      entry: { agent_id: agent, action: 'fill', tx_id: 't2', pnl: 1 },
    });
    for await (const message of tail) {
      expect(message.record?.id).toBe(second.id);
      tail.cancel();
    }
    expect((await mnemo.audit.range({ agent_id: agent, page_size: 10 })).records).toHaveLength(2);
    expect(await mnemo.audit.agentPnl({ agent_id: agent })).toEqual({ total_pnl: 4, entries: 2 });
  });

  it('serves SessionService: start once, trade, halt, resume, list, watch, end', async () => {
    const agent = name('session');
    const watch = mnemo.sessions.watchSessions({ agent_ids: [agent], after_id: '0' });
    const start = { agent_id: agent, start_capital: 1000, max_drawdown: 0.1, ttl_ms: 60_000 };
    expect((await mnemo.sessions.startSession(start)).created).toBe(true);
    expect((await mnemo.sessions.startSession(start)).created).toBe(false);
    const trade = { agent_id: agent, pnl: 10, tx_id: 't-1' };
    expect((await mnemo.sessions.recordTrade(trade)).session?.trades).toBe(1);
    expect((await mnemo.sessions.recordTrade(trade)).duplicate).toBe(true);
    expect((await mnemo.sessions.heartbeat({ agent_id: agent })).session?.agent_id).toBe(agent);
    const halted = await mnemo.sessions.recordTrade({ agent_id: agent, pnl: -500, tx_id: 't-2' });
    expect(halted.over_drawdown).toBe(true);
    const refused = await failure(mnemo.sessions.recordTrade({ agent_id: agent, pnl: 1 }));
    expect(refused.codeName).toBe('FAILED_PRECONDITION');
    expect(refused.field).toBe('agent_id');
    const resumed = await mnemo.sessions.resumeSession({ agent_id: agent });
    expect(resumed.session?.status).toBe('SESSION_STATUS_ACTIVE');
    const listed = await mnemo.sessions.listSessions({ page_size: 1000 });
    expect(listed.sessions.map((s) => s.agent_id)).toContain(agent);
    expect((await mnemo.sessions.getSession({ agent_id: agent })).session?.total_pnl).toBe(-490);
    expect((await mnemo.sessions.endSession({ agent_id: agent })).session?.status).toBe(
      'SESSION_STATUS_ENDED',
    );
    const events: string[] = [];
    for await (const change of watch) {
      events.push(change.event);
      if (change.event === 'SESSION_EVENT_ENDED') watch.cancel();
    }
    expect(events[0]).toBe('SESSION_EVENT_STARTED');
    expect(events).toContain('SESSION_EVENT_HALTED');
  });

  it('serves SignalService: publish, subscribe live and resume durable signals', async () => {
    const market = name('BTC');
    const channel = `signals:${market}`;
    const live = mnemo.signals.subscribe({ channels: [channel], min_confidence: 0.5 });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription reaches Redis
    const signal = {
      market,
      side: 'SIGNAL_SIDE_LONG' as const,
      confidence: 0.9,
      source: 'ts',
      ts: 1,
    };
    const first = await mnemo.signals.publish({ channel, signal, durable: true });
    await mnemo.signals.publish({ channel, signal: { ...signal, confidence: 0.1 }, durable: true });
    const last = await mnemo.signals.publish({
      channel,
      payload: Buffer.from('raw'),
      durable: true,
    });
    const got: string[] = [];
    for await (const message of live) {
      got.push(message.id);
      if (message.id === last.id) live.cancel();
    }
    expect(got).toEqual([first.id, last.id]); // the low-confidence signal is filtered out
    const resumed = mnemo.signals.subscribe({
      channels: [channel],
      resume_from: first.id,
      min_confidence: 0.5,
    });
    for await (const message of resumed) {
      expect(message.payload.toString()).toBe('raw');
      resumed.cancel();
    }
  });

  it('has a method for every RPC of every service in the contract', () => {
    const definition = mnemoPackageDefinition();
    const services: Record<string, object> = {
      MemoryService: mnemo.memory,
      CacheService: mnemo.cache,
      RateLimitService: mnemo.rateLimit,
      AuditService: mnemo.audit,
      SessionService: mnemo.sessions,
      SignalService: mnemo.signals,
    };
    const served = Object.keys(definition)
      .filter((key) => /^mnemo\.v1\.\w+Service$/.test(key))
      .map((key) => key.slice('mnemo.v1.'.length));
    expect(served.sort()).toEqual(Object.keys(services).sort());
    for (const service of served) {
      for (const method of Object.keys(definition[`mnemo.v1.${service}`] as object)) {
        const key = method.charAt(0).toLowerCase() + method.slice(1);
        expect(
          typeof (services[service] as Record<string, unknown>)[key],
          `${service}.${method}`,
        ).toBe('function');
      }
    }
  });

  it('rejects bad input with one MnemoError naming the field', async () => {
    const error = await failure(mnemo.memory.searchEpisodic({ vector: [1, 2], k: 3 }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.codeName).toBe('INVALID_ARGUMENT');
    expect(error.field).toBe('vector');
    expect(error.reason).toBe('INVALID_FIELD');
    expect(error.message).toMatch(/dimension/);
  });

  it('honours per-call deadlines and abort signals', async () => {
    const quiet = mnemo.audit.tail({ agent_id: name('quiet') }, { timeoutMs: 100 });
    const late = await failure(
      (async () => {
        for await (const message of quiet) expect(message).toBeUndefined();
      })(),
    );
    expect(late.code).toBe(status.DEADLINE_EXCEEDED);
    const controller = new AbortController();
    const aborted = mnemo.audit.tail({ agent_id: name('quiet') }, { signal: controller.signal });
    setImmediate(() => {
      controller.abort();
    });
    const seen: unknown[] = [];
    for await (const message of aborted) seen.push(message);
    expect(seen).toEqual([]);
  });

  it('reads answers with 1 MiB HTTP/2 windows, not 64 KiB', async () => {
    // A bare HTTP/2 server: it sees the client's SETTINGS and WINDOW_UPDATE, and ends every call.
    const sessions: ServerHttp2Session[] = [];
    const bare = createHttp2Server();
    bare.on('session', (session) => sessions.push(session));
    bare.on('stream', (stream) => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => {
        stream.sendTrailers({ 'grpc-status': String(status.UNIMPLEMENTED) });
      });
      stream.end();
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const address = bare.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const client = new MnemoClient(`127.0.0.1:${address.port}`, { maxAttempts: 1 });
    try {
      expect((await failure(client.memory.getInfo({}))).code).toBe(status.UNIMPLEMENTED);
      const [session] = sessions;
      if (session === undefined) throw new Error('no session');
      expect(session.remoteSettings.initialWindowSize).toBe(1_048_576);
      expect(session.state.remoteWindowSize).toBe(1_048_576);
    } finally {
      client.close();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => bare.close(resolve));
    }
  });

  it('speaks TLS with a private CA and sends the token, scoped to its agents', async () => {
    const client = new MnemoClient(`localhost:${secure.port}`, {
      tls: { rootCerts: caPem },
      token: agentToken,
    });
    try {
      const id = name('scoped');
      await client.memory.upsertEpisodic({
        memories: [{ id, agent_id: 'ts-alpha', state_vector: vector(4) }],
      });
      const { hits } = await client.memory.searchEpisodic({
        vector: vector(4),
        k: 1,
        filter: { agent_ids: ['ts-alpha'] },
      });
      expect(hits[0]?.memory?.id).toBe(id);
      const denied = await failure(
        client.memory.searchEpisodic({ vector: vector(4), k: 1, filter: { agent_ids: ['other'] } }),
      );
      expect(denied.code).toBe(status.PERMISSION_DENIED);
    } finally {
      client.close();
    }
    const anonymous = new MnemoClient(`localhost:${secure.port}`, { tls: { rootCerts: caPem } });
    try {
      expect((await failure(anonymous.memory.getInfo({}))).code).toBe(status.UNAUTHENTICATED);
    } finally {
      anonymous.close();
    }
  });

  it('sends vectors given as Vectors untouched, copying only what it encodes', () => {
    const bytes = Buffer.alloc(8);
    const encoded = { vector: { f32le: bytes }, k: 1, filter: { agent_ids: ['a'] } };
    expect(encodeVectors<SearchEpisodicRequest>(encoded)).toBe(encoded);
    const floats = { memories: [{ id: 'x', state_vector: [1, 2] }, { id: 'y' }] };
    const sent = encodeVectors<UpsertEpisodicRequest>(floats);
    expect(sent.memories?.[0]?.state_vector?.f32le).toEqual(
      Buffer.from(f32le(Float32Array.of(1, 2))),
    );
    expect(sent.memories?.[1]).toBe(floats.memories[1]);
    expect(floats.memories[0]?.state_vector).toEqual([1, 2]);
  });

  describe('retries, against a stand-in server that refuses on cue', () => {
    let server: Server;
    let port: number;
    const attempts = { GetInfo: 0, IncrementBy: 0 };
    const requestIds: string[] = [];
    let refusals = 0;
    let pushbackMs = '10';

    function refusing(method: keyof typeof attempts, answer: object) {
      return (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        attempts[method]++;
        if (attempts[method] <= refusals) {
          const metadata = new Metadata();
          metadata.set('grpc-retry-pushback-ms', pushbackMs);
          callback({ code: status.UNAVAILABLE, details: 'rebuilding', metadata });
          return;
        }
        callback(null, answer);
      };
    }

    beforeAll(async () => {
      server = new Server();
      const definition = mnemoPackageDefinition();
      server.addService(definition['mnemo.v1.MemoryService'] as ServiceDefinition, {
        GetInfo: refusing('GetInfo', { dimension: 8 }),
        UpsertEpisodic: (
          call: ServerUnaryCall<{ request_id: string }, unknown>,
          callback: sendUnaryData<unknown>,
        ) => {
          requestIds.push(call.request.request_id);
          callback(null, { ids: [] });
        },
      });
      server.addService(definition['mnemo.v1.CacheService'] as ServiceDefinition, {
        IncrementBy: refusing('IncrementBy', { value: 1 }),
      });
      port = await new Promise<number>((resolve, reject) => {
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
          if (error) reject(error);
          else resolve(bound);
        });
      });
    });

    afterAll(() => {
      server.forceShutdown();
    });

    function reset(times: number, pushback: string): MnemoClient {
      attempts.GetInfo = 0;
      attempts.IncrementBy = 0;
      refusals = times;
      pushbackMs = pushback;
      return new MnemoClient(`127.0.0.1:${port}`, { maxAttempts: 4 });
    }

    it('retries an idempotent call refused UNAVAILABLE after the pushback', async () => {
      const client = reset(2, '10');
      expect((await client.memory.getInfo({})).dimension).toBe(8);
      expect(attempts.GetInfo).toBe(3);
      client.close();
    });

    it('never retries a call that is not idempotent', async () => {
      const client = reset(1, '10');
      const error = await failure(client.cache.incrementBy({ key: 'k', field: 'f', delta: 1 }));
      expect(error.code).toBe(status.UNAVAILABLE);
      expect(attempts.IncrementBy).toBe(1);
      client.close();
    });

    it('gives an upsert a request id only when it may retry it', async () => {
      const retrying = reset(0, '10');
      const once = new MnemoClient(`127.0.0.1:${port}`, { maxAttempts: 1 });
      requestIds.length = 0;
      await retrying.memory.upsertEpisodic({ memories: [] });
      await once.memory.upsertEpisodic({ memories: [] });
      await once.memory.upsertEpisodic({ memories: [], request_id: 'mine' });
      expect(requestIds[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(requestIds.slice(1)).toEqual(['', 'mine']);
      retrying.close();
      once.close();
    });

    it('stops when the server says not to retry', async () => {
      const client = reset(1, '-1');
      await failure(client.memory.getInfo({}));
      expect(attempts.GetInfo).toBe(1);
      client.close();
    });
  });
});
