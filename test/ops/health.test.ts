// grpc.health.v1 is checked with its own client (ops.ts healthClient): List and Watch, and
// Check's raw status, are the protocol under test; the searches go through MnemoClient.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { App } from '../../src/app/App.js';
import { freePort, RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { healthClient, reflect, reflectedServices, type HealthClient } from '../support/ops.js';
import { rejection } from '../support/promiseClient.js';
import {
  testClient,
  startApp,
  startRedis,
  testConfig,
  failure,
  failedTrailers,
} from '../support/testApp.js';

const MNEMO_SERVICES = [
  'mnemo.v1.AuditService',
  'mnemo.v1.CacheService',
  'mnemo.v1.MemoryService',
  'mnemo.v1.RateLimitService',
  'mnemo.v1.SessionService',
  'mnemo.v1.SignalService',
];
const ALL = ['', ...MNEMO_SERVICES];

/** Every status a Watch stream receives, in order. */
function watchAll(health: HealthClient, service: string): { statuses: string[]; cancel(): void } {
  const statuses: string[] = [];
  const call = health.watch(service);
  call.on('data', (message: { status: string }) => statuses.push(message.status));
  call.on('error', () => undefined);
  return {
    statuses,
    cancel() {
      call.cancel();
    },
  };
}

describe('grpc.health.v1 and reflection', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mnemo-health-'));
  let redis: RedisProcess;
  let app: App;
  let health: HealthClient;

  beforeAll(async () => {
    // With AOF, so that the restarted server is the same Redis.
    redis = await RedisProcess.start({ dataDir });
    app = await startApp(redis, { MNEMO_VECTOR_DIM: '4' });
    health = healthClient(app.port);
  });

  afterAll(async () => {
    health.close();
    await app.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers SERVING for the server ("") and each of the five mnemo services', async () => {
    for (const service of ALL) expect(await health.check(service), service).toBe('SERVING');
    expect(await health.list()).toEqual(Object.fromEntries(ALL.map((s) => [s, 'SERVING'])));
  });

  it('answers NOT_FOUND for an unknown service; Watch says SERVICE_UNKNOWN and stays open', async () => {
    const error = await rejection(health.check('mnemo.v1.NoSuchService'));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toMatch(/mnemo\.v1\.NoSuchService/);
    const watch = watchAll(health, 'mnemo.v1.NoSuchService');
    await vi.waitFor(() => {
      expect(watch.statuses).toEqual(['SERVICE_UNKNOWN']);
    });
    watch.cancel();
  });

  it('answers NOT_FOUND quoting only a prefix of a 10 kB service name', async () => {
    const error = await rejection(health.check(`mnemo.v1.${'x'.repeat(10_000)}`));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details.length).toBeLessThan(200);
  });

  it('follows Redis down and back up on its own, Watches told of each change', async () => {
    const watches = ALL.map((service) => watchAll(health, service));
    await vi.waitFor(() => {
      for (const watch of watches) expect(watch.statuses).toEqual(['SERVING']);
    });

    await redis.stop('SIGKILL');
    await vi.waitFor(
      async () => {
        for (const service of ALL) expect(await health.check(service), service).toBe('NOT_SERVING');
      },
      { timeout: 5000, interval: 50 },
    );
    for (const watch of watches) expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING']);

    redis = await RedisProcess.start({ port: redis.port, dataDir });
    await vi.waitFor(
      async () => {
        for (const service of ALL) expect(await health.check(service), service).toBe('SERVING');
      },
      { timeout: 15_000, interval: 100 },
    );
    for (const watch of watches) {
      expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);
      watch.cancel();
    }
    // And it serves again.
    const client = testClient(app.port);
    await client.memory.upsertEpisodic({
      memories: [{ id: 'back', agent_id: 'a', state_vector: { values: [1, 0, 0, 0] } }],
    });
    const { hits } = await client.memory.searchEpisodic({ vector: { values: [1, 0, 0, 0] }, k: 1 });
    expect(hits[0]?.memory?.id).toBe('back');
    client.close();
  });

  it('passes docker-compose.yml\'s mnemo healthcheck (a raw Health/Check of "")', async () => {
    const compose = parse(readFileSync(join(projectRoot(), 'docker-compose.yml'), 'utf8')) as {
      services: { mnemo: { healthcheck: { test: string[] } } };
    };
    const [kind, command = '', ...args] = compose.services.mnemo.healthcheck.test;
    expect(kind).toBe('CMD');
    const child = spawn(command, args, {
      cwd: projectRoot(),
      env: { ...process.env, MNEMO_GRPC_ADDRESS: `0.0.0.0:${app.port}` },
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });

  it.each(['v1', 'v1alpha'] as const)(
    'lists the five mnemo services and health through reflection %s',
    async (version) => {
      const services = await reflectedServices(app.port, version);
      expect(services).toEqual(
        expect.arrayContaining([...MNEMO_SERVICES, 'grpc.health.v1.Health']),
      );
      // And describes them: the file defining MemoryService holds its methods.
      const [response] = await reflect(app.port, version, {
        file_containing_symbol: 'mnemo.v1.MemoryService',
      });
      const files = (response?.file_descriptor_response as { file_descriptor_proto: Buffer[] })
        .file_descriptor_proto;
      expect(files.length).toBeGreaterThan(0);
      expect(Buffer.concat(files).toString('latin1')).toContain('BatchSearchEpisodic');
    },
  );
});

describe('start: gRPC listens before the index is rebuilt', () => {
  let redis: RedisProcess;

  beforeAll(async () => {
    redis = await startRedis();
    // Enough memories for the rebuild at start to take a while.
    const seeder = await startApp(redis, { MNEMO_VECTOR_DIM: '32' });
    const client = testClient(seeder.port);
    for (let batch = 0; batch < 30; batch++) {
      await client.memory.upsertEpisodic({
        memories: Array.from({ length: 1000 }, (_, i) => ({
          id: `m-${batch}-${i}`,
          agent_id: `agent-${i % 10}`,
          state_vector: {
            values: Array.from({ length: 32 }, (_, j) => Math.sin(batch * 1000 + i + j * 0.7)),
          },
        })),
      });
    }
    client.close();
    await seeder.stop();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('is NOT_SERVING and answers memory calls UNAVAILABLE while rebuilding, then SERVING', async () => {
    const port = await freePort();
    // Told the moment the server listens, from the App's own log.
    let listening: () => void = () => undefined;
    const listened = new Promise<void>((resolve) => (listening = resolve));
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.toString().includes('NOT_SERVING until the index is rebuilt')) listening();
        done();
      },
    });
    const starting = App.start(
      testConfig(redis, { MNEMO_GRPC_ADDRESS: `127.0.0.1:${port}`, MNEMO_VECTOR_DIM: '32' }),
      pino({ level: 'info' }, logStream),
    );
    await listened;
    const health = healthClient(port);
    const trailers = failedTrailers();
    const client = testClient(port, { channelOptions: { interceptors: [trailers.interceptor] } });
    try {
      expect(await health.check('')).toBe('NOT_SERVING');
      expect(await health.check('mnemo.v1.MemoryService')).toBe('NOT_SERVING');
      // The other services do not need the index.
      expect(await health.check('mnemo.v1.CacheService')).toBe('SERVING');
      const error = await failure(
        client.memory.searchEpisodic({ vector: { values: Array<number>(32).fill(1) }, k: 3 }),
      );
      expect(error.code).toBe(status.UNAVAILABLE);
      expect(error.message).toMatch(/index is being rebuilt/);
      expect(trailers.last()?.get('grpc-retry-pushback-ms')).toEqual(['1000']);
      expect(error.retryAfterMs).toBe(1000);

      const app = await starting;
      expect(await health.check('')).toBe('SERVING');
      const { hits } = await client.memory.searchEpisodic({
        vector: { values: Array<number>(32).fill(1) },
        k: 3,
      });
      expect(hits).toHaveLength(3);
      await app.stop();
    } finally {
      health.close();
      client.close();
    }
  });
});
