// Raw grpc-js streams on purpose: this checks the stream's wire protocol, message by message
// (request_id tags as sent, each answer's own google.rpc.Status, a message that does not
// decode, flow control of a client that does not read); MnemoClient's request stream over it is
// tested in test/clients/typescript.test.ts. The unary calls go through MnemoClient.
import { credentials, loadPackageDefinition, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import { decodeStatus } from '../../src/client/statusDetails.js';
import type { ProtoGrpcType } from '../../src/generated/memory.js';
import type { MemoryServiceClient } from '../../src/generated/mnemo/v1/MemoryService.js';
import type { SearchEpisodicRequest } from '../../src/generated/mnemo/v1/SearchEpisodicRequest.js';
import type { SearchEpisodicResponse__Output } from '../../src/generated/mnemo/v1/SearchEpisodicResponse.js';
import { metrics } from '../../src/metrics/metrics.js';
import { rejection } from '../support/promiseClient.js';
import { failure, startApp, startRedis, testClient } from '../support/testApp.js';
import type { MnemoClient } from '../../src/client/index.js';
import {
  tokenClients,
  withAuthorization,
  writeTokenFile,
  type TokenClients,
} from '../support/tokenClients.js';

const DIM = 8;
const MAX_INFLIGHT = 8;

function vector(i: number): { values: number[] } {
  return { values: Array.from({ length: DIM }, (_, d) => Math.sin(i * 7 + d * 3) + 1.5) };
}

function episode(agent: string, i: number) {
  return {
    id: `${agent}-${i}`,
    agent_id: agent,
    product_id: 'BTC-USD',
    regime: 'trending',
    state_vector: vector(i),
    reward: i,
    timestamp: 1_700_000_000 + i,
    terminal: false,
    payload: Buffer.alloc(200, i),
  };
}

type EpisodicStream = ClientDuplexStream<SearchEpisodicRequest, SearchEpisodicResponse__Output>;

async function counter(metric: typeof metrics.dedupCoalesced): Promise<number> {
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Unfiltered episodic searches, as redis_memory_queries_total counts them (stream messages too). */
async function episodicQueries(): Promise<number> {
  return (await metrics.queriesTotal.get()).values
    .filter((v) => v.labels.query_type === 'vector_similarity')
    .reduce((sum, v) => sum + v.value, 0);
}

async function deniedForScope(): Promise<number> {
  return (
    (await metrics.authDenied.get()).values.find((v) => v.labels.reason === 'scope')?.value ?? 0
  );
}

/** Collects a stream's responses until it ends; rejects with its status if it fails. */
function responsesOf<Req, T>(stream: ClientDuplexStream<Req, T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const responses: T[] = [];
    stream.on('data', (response: T) => responses.push(response));
    stream.on('error', reject);
    stream.on('end', () => {
      resolve(responses);
    });
  });
}

describe('SearchEpisodicStream and SearchSemanticStream', () => {
  let redis: RedisProcess;
  let app: App;
  let admin: Redis;
  let secrets: Record<string, string>;
  const raw: MemoryServiceClient[] = [];
  let root: TokenClients;
  /** The unary calls, as the root token. */
  let mnemo: MnemoClient;

  /** A raw client acting with `token`, on a connection of its own. */
  function rawClient(token: string): MemoryServiceClient {
    const proto = loadPackageDefinition(mnemoPackageDefinition()) as unknown as ProtoGrpcType;
    const client = new proto.mnemo.v1.MemoryService(
      `127.0.0.1:${app.port}`,
      credentials.createInsecure(),
      {
        interceptors: [withAuthorization(`Bearer ${token}`)],
        'grpc.use_local_subchannel_pool': 1,
      },
    );
    raw.push(client);
    return client;
  }

  function episodicStream(token = 'root'): EpisodicStream {
    return rawClient(secrets[token] ?? '').SearchEpisodicStream();
  }

  beforeAll(async () => {
    redis = await startRedis();
    const file = writeTokenFile([
      { name: 'root', role: 'admin' },
      { name: 'desk-1', role: 'agent', agentIds: ['agent-1'] },
      {
        name: 'metered',
        role: 'reader',
        quota: { requests_per_second: 0.01, burst: 3 },
      },
    ]);
    secrets = file.secrets;
    app = await startApp(redis, {
      MNEMO_AUTH_TOKENS_FILE: file.path,
      MNEMO_KEY_PREFIX: 'stream:',
      MNEMO_RECORD_CACHE_MAX_BYTES: '0',
      MNEMO_STREAM_MAX_INFLIGHT: String(MAX_INFLIGHT),
    });
    root = tokenClients(app.port, secrets.root ?? '');
    mnemo = testClient(app.port, { token: secrets.root ?? '' });
    admin = new Redis(redis.url);
    for (const agent of ['agent-1', 'agent-2']) {
      await mnemo.memory.upsertEpisodic({
        memories: Array.from({ length: 30 }, (_, i) => episode(agent, i)),
      });
    }
    await mnemo.memory.upsertSemantic({
      memories: Array.from({ length: 20 }, (_, i) => ({
        id: `c-${i}`,
        concept_vector: vector(100 + i),
        memory_type: 'MEMORY_TYPE_PATTERN' as const,
        regime_name: 'volatile',
        sharpe_ratio: i / 10,
        win_rate: 0.5,
      })),
    });
  });

  afterAll(async () => {
    for (const client of raw) client.close();
    root.close();
    mnemo.close();
    admin.disconnect();
    await app.stop();
    await redis.stop();
  });

  it('answers every message exactly once, tagged with its request_id', async () => {
    const requests = Array.from({ length: 40 }, (_, i) => ({
      vector: vector(i + 0.5),
      k: 3,
      request_id: 1000 + i,
    }));
    const responses = await root.memory.SearchEpisodicStream(requests);
    expect(responses.map((r) => r.request_id).sort()).toEqual(requests.map((r) => r.request_id));
    for (const response of responses) {
      expect(response.error).toBeNull();
      expect(response.hits).toHaveLength(3);
    }
  });

  it('answers each message as the unary call answers the same request', async () => {
    const requests = Array.from({ length: 10 }, (_, i) => ({
      vector: vector(i * 3.1),
      k: 5,
      filter: i % 2 === 0 ? { agent_ids: ['agent-2'] } : { product_ids: ['BTC-USD'] },
      include_vectors: i % 3 === 0,
      request_id: i + 1,
    }));
    const streamed = await root.memory.SearchEpisodicStream(requests);
    for (const request of requests) {
      const unary = await mnemo.memory.searchEpisodic(request);
      const answer = streamed.find((r) => r.request_id === request.request_id);
      expect(answer?.hits).toEqual(unary.hits);
    }
    const semantic = await root.memory.SearchSemanticStream([
      { vector: vector(101), k: 4, request_id: 7 },
    ]);
    const unary = await mnemo.memory.searchSemantic({ vector: vector(101), k: 4 });
    expect(semantic[0]?.hits).toEqual(unary.hits);
    expect(semantic[0]?.request_id).toBe(7);
  });

  it('answers a bad message with its own INVALID_ARGUMENT naming the field, and goes on', async () => {
    const responses = await root.memory.SearchEpisodicStream([
      { vector: vector(1), k: 2, request_id: 1 },
      { vector: vector(1), k: 0, request_id: 2 },
      { vector: { values: [1, 2] }, k: 2, request_id: 3 },
      { vector: vector(2), k: 2, request_id: 4 },
    ]);
    const byId = new Map(responses.map((r) => [r.request_id, r]));
    expect(byId.get(1)?.hits).toHaveLength(2);
    expect(byId.get(4)?.hits).toHaveLength(2);
    for (const [id, request] of [
      [2, { vector: vector(1), k: 0 }],
      [3, { vector: { values: [1, 2] }, k: 2 }],
    ] as [number, SearchEpisodicRequest][]) {
      const failed = byId.get(id);
      expect(failed?.hits).toEqual([]);
      const error = failed?.error;
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      // The same status, message and details as the unary call failing the same way.
      const unary = await failure(mnemo.memory.searchEpisodic(request));
      expect(error?.message).toBe(unary.message);
      const decoded = decodeStatus(error ?? {});
      expect(decoded.badRequest?.field_violations[0]?.field).toBe(id === 2 ? 'k' : 'vector');
      expect(decoded.errorInfo?.domain).toBe('mnemo');
    }
  });

  it('ends the stream INVALID_ARGUMENT on a message that does not decode', async () => {
    const client = rawClient(secrets.root ?? '');
    // Bytes sent as they are: a truncated varint is no SearchEpisodicRequest.
    const stream = client.makeBidiStreamRequest(
      '/mnemo.v1.MemoryService/SearchEpisodicStream',
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
    );
    const ended = responsesOf(stream);
    stream.write(Buffer.from([0x10, 0xff]));
    const error = await rejection(ended);
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    await vi.waitFor(() => {
      expect(app.callCounts().streams).toBe(0);
    });
  });

  it('gives DEADLINE_EXCEEDED to a message past its timeout_ms, and to it alone', async () => {
    // Every Redis read waits 400 ms: the hits of any search are late.
    await admin.call('CLIENT', 'PAUSE', '400', 'ALL');
    const responses = await root.memory.SearchEpisodicStream([
      { vector: vector(3), k: 2, request_id: 1, timeout_ms: 50 },
      { vector: vector(4), k: 2, request_id: 2 },
      { vector: vector(5), k: 2, request_id: 3, timeout_ms: 5000 },
    ]);
    const byId = new Map(responses.map((r) => [r.request_id, r]));
    expect(byId.get(1)?.error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(byId.get(1)?.error?.message).toContain('timeout_ms');
    expect(byId.get(2)?.hits).toHaveLength(2);
    expect(byId.get(3)?.hits).toHaveLength(2);
  });

  it('stops its work when cancelled: its slots are freed before Redis answers', async () => {
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const paused = Date.now();
    const stream = episodicStream();
    stream.on('error', () => undefined);
    for (let i = 0; i < 5; i++) stream.write({ vector: vector(200 + i), k: 2, request_id: i });
    await vi.waitFor(() => {
      expect(app.callCounts().streams).toBe(1);
    });
    stream.cancel();
    await vi.waitFor(() => {
      expect(app.callCounts()).toMatchObject({ inflight: 0, streams: 0 });
    });
    expect(Date.now() - paused).toBeLessThan(1200);
    await admin.call('CLIENT', 'UNPAUSE');
  });

  it("confines every message to the token's agents", async () => {
    const deniedBefore = await deniedForScope();
    const desk = tokenClients(app.port, secrets['desk-1'] ?? '');
    const responses = await desk.memory.SearchEpisodicStream([
      { vector: vector(1), k: 20, request_id: 1 },
      { vector: vector(1), k: 5, filter: { agent_ids: ['agent-2'] }, request_id: 2 },
      { vector: vector(1), k: 5, filter: { agent_ids: ['agent-1'] }, request_id: 3 },
    ]);
    const byId = new Map(responses.map((r) => [r.request_id, r]));
    const agents = (id: number) => new Set(byId.get(id)?.hits.map((h) => h.memory?.agent_id));
    expect(agents(1)).toEqual(new Set(['agent-1']));
    expect(byId.get(1)?.hits).toHaveLength(20);
    expect(byId.get(2)?.error?.code).toBe(status.PERMISSION_DENIED);
    expect(byId.get(2)?.hits).toEqual([]);
    expect(agents(3)).toEqual(new Set(['agent-1']));
    desk.close();
    // Counted as a unary call's denial is.
    expect((await deniedForScope()) - deniedBefore).toBe(1);
  });

  it("takes one request of the token's quota per message: beyond, that message is refused", async () => {
    const client = tokenClients(app.port, secrets.metered ?? '');
    // The stream takes one request, the first two messages the other two of the burst.
    const responses = await client.memory.SearchEpisodicStream(
      [1, 2, 3, 4].map((i) => ({ vector: vector(i), k: 1, request_id: i })),
    );
    client.close();
    const codes = responses.map((r) => r.error?.code ?? status.OK).sort();
    expect(codes).toEqual([
      status.OK,
      status.OK,
      status.RESOURCE_EXHAUSTED,
      status.RESOURCE_EXHAUSTED,
    ]);
    const refused = responses.find((r) => r.error !== null);
    expect(decodeStatus(refused?.error ?? {}).errorInfo?.reason).toBe('QUOTA_EXHAUSTED');
  });

  it('executes identical messages of two streams once, as identical unary calls', async () => {
    const before = await counter(metrics.dedupCoalesced);
    // The first search waits on Redis while the second arrives: it joins it.
    await admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    const request = { vector: vector(42), k: 4, request_id: 9 };
    const [a, b] = await Promise.all([
      root.memory.SearchEpisodicStream([request]),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        root.memory.SearchEpisodicStream([request]),
      ),
    ]);
    expect(a[0]?.hits).toEqual(b[0]?.hits);
    expect((await counter(metrics.dedupCoalesced)) - before).toBe(1);
  });

  it('stops reading a client that does not read its answers, and serves it once it reads', async () => {
    const stream = episodicStream();
    const responses = responsesOf<SearchEpisodicRequest, SearchEpisodicResponse__Output>(stream);
    stream.pause();
    const total = 1000;
    const before = await episodicQueries();
    for (let i = 0; i < total; i++) {
      stream.write({ vector: vector(i), k: 20, include_vectors: true, request_id: i });
    }
    stream.end();
    // The server searches what the HTTP/2 windows and MAX_INFLIGHT let through, then waits.
    let searched = 0;
    await vi.waitFor(
      async () => {
        const now = (await episodicQueries()) - before;
        const previous = searched;
        searched = now;
        expect(now).toBeGreaterThan(0);
        expect(now).toBe(previous);
      },
      { interval: 200, timeout: 5000 },
    );
    expect(searched).toBeLessThan(total / 2);
    stream.resume();
    const answered = await responses;
    expect(new Set(answered.map((r) => r.request_id)).size).toBe(total);
    expect((await episodicQueries()) - before).toBe(total);
  });
});
