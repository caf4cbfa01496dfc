import { credentials, loadPackageDefinition, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { registry } from '../../src/metrics/metrics.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { ProtoGrpcType as AuditProto } from '../../src/generated/audit.js';
import {
  parseSamples,
  REQUIRED_METRICS,
  run,
  sampleSum,
  scrape,
  type Sample,
} from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';
import { trafficClients, trafficRound, type TrafficClients } from '../support/traffic.js';

const DIM = 8;
const MAX_K = 50;

/** The gRPC methods of the four mnemo services, as `service/method`. */
const MNEMO_METHODS = [
  ...[
    'UpsertEpisodic',
    'UpsertSemantic',
    'GetEpisodic',
    'GetSemantic',
    'DeleteEpisodic',
    'DeleteSemantic',
    'DeleteEpisodicByFilter',
    'SearchEpisodic',
    'SearchSemantic',
    'BatchSearchEpisodic',
    'RecentEpisodic',
    'GetInfo',
  ].map((m) => `mnemo.v1.MemoryService/${m}`),
  ...['Get', 'Set', 'Delete', 'GetHash', 'SetHash', 'IncrementBy'].map(
    (m) => `mnemo.v1.CacheService/${m}`,
  ),
  'mnemo.v1.RateLimitService/Acquire',
  ...['Append', 'Range', 'Tail', 'AgentPnl'].map((m) => `mnemo.v1.AuditService/${m}`),
];

describe('Prometheus metrics on MNEMO_METRICS_ADDRESS', () => {
  let redis: RedisProcess;
  let app: App;
  let clients: TrafficClients;
  let text: string;
  let samples: Sample[];

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_VECTOR_DIM: String(DIM), MNEMO_MAX_K: String(MAX_K) });
    clients = trafficClients(app.port);
    await trafficRound(clients, { dim: DIM, unique: 'u1', maxK: MAX_K });
    await trafficRound(clients, { dim: DIM, unique: 'u2', maxK: MAX_K });
    text = await scrape(app.metricsPort);
    samples = parseSamples(text);
  });

  afterAll(async () => {
    clients.close();
    await app.stop();
    await redis.stop();
  });

  it('passes promtool check metrics', async () => {
    const result = await run('promtool', ['check', 'metrics'], text);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exports every required metric with its type', () => {
    for (const [name, type] of Object.entries(REQUIRED_METRICS)) {
      expect(text, name).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it('serves the text format on GET /metrics only', async () => {
    const response = await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(`http://127.0.0.1:${app.metricsPort}/`)).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('counts every call of every mnemo method by code, with its latency', () => {
    for (const path of MNEMO_METHODS) {
      const [service = '', method = ''] = path.split('/');
      const labels = { grpc_service: service, grpc_method: method };
      expect(sampleSum(samples, 'grpc_server_started_total', labels), path).toBeGreaterThan(0);
      expect(sampleSum(samples, 'grpc_server_handled_total', labels), path).toBeGreaterThan(0);
      expect(sampleSum(samples, 'grpc_server_handling_seconds_count', labels), path).toBe(
        sampleSum(samples, 'grpc_server_handled_total', labels),
      );
    }
    const handled = (method: string, code: string): number =>
      sampleSum(samples, 'grpc_server_handled_total', { grpc_method: method, grpc_code: code });
    // Two rounds: two upserts OK, two searches with k too large, two unknown health services.
    expect(handled('UpsertEpisodic', 'OK')).toBe(2);
    expect(handled('SearchEpisodic', 'INVALID_ARGUMENT')).toBe(2);
    expect(handled('Check', 'NOT_FOUND')).toBe(2);
    // Streams: a Tail and a Watch the client cancelled, typed as server streams.
    expect(handled('Tail', 'CANCELLED')).toBe(2);
    expect(handled('Watch', 'CANCELLED')).toBe(2);
    expect(
      sampleSum(samples, 'grpc_server_handled_total', {
        grpc_method: 'Tail',
        grpc_type: 'server_stream',
      }),
    ).toBe(2);
    expect(
      sampleSum(samples, 'grpc_server_handled_total', {
        grpc_service: 'grpc.reflection.v1.ServerReflection',
        grpc_type: 'bidi_stream',
        grpc_code: 'OK',
      }),
    ).toBe(2);
  });

  it('records a deadline grpc-js enforced itself as DEADLINE_EXCEEDED', async () => {
    const labels = { grpc_method: 'Tail', grpc_code: 'DEADLINE_EXCEEDED' };
    const before = sampleSum(samples, 'grpc_server_handled_total', labels);
    const root = loadPackageDefinition(mnemoPackageDefinition()) as unknown as AuditProto;
    const audit = new root.mnemo.v1.AuditService(
      `127.0.0.1:${app.port}`,
      credentials.createInsecure(),
    );
    // A Tail of an agent with no entries blocks until the deadline ends it.
    const error = await new Promise<ServiceError>((resolve) => {
      audit
        .Tail({ after_id: '$', agent_id: 'nobody' }, { deadline: Date.now() + 1000 })
        .on('error', resolve);
    });
    audit.close();
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    await vi.waitFor(
      async () => {
        const after = parseSamples(await scrape(app.metricsPort));
        expect(sampleSum(after, 'grpc_server_handled_total', labels)).toBe(before + 1);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('sets the Redis gauges from INFO of the master, polled', async () => {
    const info = await redisInfo(redis);
    expect(sampleSum(samples, 'redis_memory_usage_bytes')).toBeGreaterThan(100_000);
    // used_memory moves; the same order of magnitude is what matters.
    expect(sampleSum(samples, 'redis_memory_usage_bytes')).toBeLessThan(
      Number(info.get('used_memory')) * 4,
    );
    // At least the command client and the change follower's connection.
    const connections = sampleSum(samples, 'redis_connections_active');
    expect(connections).toBeGreaterThanOrEqual(2);
    // Three more clients of the Redis show within a couple of probes.
    const { Redis } = await import('ioredis');
    const extra = [0, 1, 2].map(() => new Redis(redis.url));
    try {
      await Promise.all(extra.map((client) => client.ping()));
      await vi.waitFor(
        async () => {
          const now = parseSamples(await scrape(app.metricsPort));
          expect(sampleSum(now, 'redis_connections_active')).toBeGreaterThanOrEqual(
            connections + 3,
          );
        },
        { timeout: 5000, interval: 100 },
      );
    } finally {
      for (const client of extra) client.disconnect();
    }
  });

  it('counts cache hits and misses, rate-limiter decisions and audit appends', () => {
    const kv = { cache: 'kv' };
    expect(sampleSum(samples, 'redis_memory_cache_hits_total', kv)).toBeGreaterThanOrEqual(4);
    expect(sampleSum(samples, 'redis_memory_cache_misses_total', kv)).toBeGreaterThanOrEqual(2);
    expect(sampleSum(samples, 'mnemo_ratelimit_decisions_total')).toBe(4);
    expect(sampleSum(samples, 'mnemo_audit_appends_total', { result: 'duplicate' })).toBe(2);
    expect(sampleSum(samples, 'mnemo_health_serving', { service: '' })).toBe(1);
    expect(sampleSum(samples, 'mnemo_index_memories')).toBeGreaterThanOrEqual(0);
  });

  it('keeps label values bounded: no agent id, key, bucket or memory id becomes a label', async () => {
    const series = (all: readonly Sample[]): Set<string> =>
      new Set(
        all
          .filter((s) => !s.name.startsWith('nodejs_') && !s.name.startsWith('process_'))
          .map((s) => `${s.name}${JSON.stringify(s.labels)}`),
      );
    const before = series(parseSamples(await scrape(app.metricsPort)));
    await trafficRound(clients, { dim: DIM, unique: 'u3', maxK: MAX_K });
    const after = await scrape(app.metricsPort);
    for (const marker of ['u1', 'u2', 'u3']) {
      expect(after).not.toMatch(new RegExp(`="[^"]*\\b${marker}\\b`));
    }
    // A third round with new ids, keys and buckets adds no series at all.
    expect([...series(parseSamples(after))].filter((s) => !before.has(s))).toEqual([]);
    // Every label of every mnemo metric is one of the bounded ones.
    const bounded = new Set([
      'grpc_type',
      'grpc_service',
      'grpc_method',
      'grpc_code',
      'query_type',
      'status',
      'node',
      'role',
      'kind',
      'decision',
      'plan',
      'result',
      'service',
      'reason',
      'limit',
      'source',
      'durable',
      'cache',
      'le',
    ]);
    for (const metric of await registry.getMetricsAsJSON()) {
      if (metric.name.startsWith('nodejs_') || metric.name.startsWith('process_')) continue;
      for (const value of metric.values) {
        for (const label of Object.keys(value.labels)) {
          expect(bounded.has(label), `${metric.name}{${label}}`).toBe(true);
        }
      }
    }
  });
});

async function redisInfo(redis: RedisProcess): Promise<Map<string, string>> {
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  try {
    const { parseInfo } = await import('../../src/redis/info.js');
    return parseInfo(await client.info('memory'));
  } finally {
    client.disconnect();
  }
}
