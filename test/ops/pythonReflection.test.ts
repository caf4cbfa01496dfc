import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { run } from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';

/** Debian's python3, the one python3-grpcio and python3-protobuf install into (README). */
const PYTHON = '/usr/bin/python3';
const CLIENT = join(projectRoot(), 'test', 'python', 'reflection_client.py');

interface ClientReport {
  services: string[];
  files: string[];
  methods: Record<string, string[]>;
  commented: string[];
  map_entry: [string, boolean];
  upserted: string[];
  hits: string[];
  hash: { found: boolean; fields: Record<string, string> };
  /** Per `service/method`: the answer as JSON, or the status code's name of a failed call. */
  called: Record<string, unknown>;
}

describe('a Python client that learns the services through reflection', () => {
  let redis: RedisProcess;
  let app: App;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_VECTOR_DIM: '4' });
  });

  afterAll(async () => {
    await app.stop();
    await redis.stop();
  });

  it('loads every file into a descriptor pool and calls memory and cache methods', async () => {
    const { code, stdout, stderr } = await run(PYTHON, [CLIENT, `127.0.0.1:${app.port}`]);
    expect(code, `${stderr}\n(needs ${PYTHON} with python3-grpcio, python3-protobuf)`).toBe(0);
    const report = JSON.parse(stdout) as ClientReport;
    const files = [
      'google/protobuf/any.proto',
      'grpc/health/v1/health.proto',
      'mnemo/v1/audit.proto',
      'mnemo/v1/cache.proto',
      'mnemo/v1/memory.proto',
      'mnemo/v1/rate_limit.proto',
      'mnemo/v1/session.proto',
      'mnemo/v1/signal.proto',
    ];
    expect(report.files).toEqual(files);
    expect(report.commented).toEqual(files);
    const definition = mnemoPackageDefinition();
    const services = [
      'AuditService',
      'CacheService',
      'MemoryService',
      'RateLimitService',
      'SessionService',
      'SignalService',
    ];
    expect(report.methods).toEqual(
      Object.fromEntries(
        services.map((name) => [
          `mnemo.v1.${name}`,
          Object.keys(definition[`mnemo.v1.${name}`] as object).sort(),
        ]),
      ),
    );
    expect(report.map_entry).toEqual(['mnemo.v1.CacheServiceSetHashRequest.FieldsEntry', true]);
    expect(report.upserted).toEqual(['py-1', 'py-2']);
    expect(report.hits).toEqual(['py-1', 'py-2']);
    expect(report.hash).toEqual({ found: true, fields: { greeting: 'hello', answer: '42' } });
    // Every method of every mnemo service, called through the reflected types, answered.
    const every = services.flatMap((name) =>
      Object.keys(definition[`mnemo.v1.${name}`] as object).map((m) => `mnemo.v1.${name}/${m}`),
    );
    for (const path of every) {
      if (path.endsWith('/UpsertEpisodic') || path.endsWith('/SearchEpisodic')) continue;
      expect(typeof report.called[path], `${path}: ${String(report.called[path])}`).toBe('object');
    }
    expect(report.called).toMatchObject({
      'mnemo.v1.MemoryService/UpsertSemantic': { ids: ['py-c'] },
      'mnemo.v1.MemoryService/GetInfo': { dimension: 4, distance: 'cosine' },
      'mnemo.v1.MemoryService/DeleteEpisodicByFilter': { deleted: '2' },
      'mnemo.v1.CacheService/Get': { found: true, value: 'aGk=' },
      'mnemo.v1.RateLimitService/Acquire': { allowed: true },
      'mnemo.v1.AuditService/Tail': { record: { entry: { tx_id: 'py-tx-1' } } },
      'mnemo.v1.SessionService/StartSession': { created: true },
      'mnemo.v1.SessionService/RecordTrade': { session: { total_pnl: 2.5, trades: '1' } },
      'mnemo.v1.SessionService/WatchSessions': { event: 'SESSION_EVENT_STARTED' },
      'mnemo.v1.SessionService/EndSession': { session: { status: 'SESSION_STATUS_ENDED' } },
      'mnemo.v1.SignalService/Publish': { id: expect.stringMatching(/^\d+-\d+$/) as unknown },
      'mnemo.v1.SignalService/Subscribe': { channel: 'signals:PY', payload: 'aGk=' },
    });
  });
});
