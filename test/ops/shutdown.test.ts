import { spawn, type ChildProcess } from 'node:child_process';
import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, type RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { healthClient, parseSamples, sampleSum, scrape } from '../support/ops.js';
import { testClient, startRedis } from '../support/testApp.js';

const DIM = 256;
const MEMORIES = 10_000;
const CALLS = 100;
/**
 * Per call: exact (brute-force) searches over every memory, on the native thread pool, so that
 * 100 calls keep the server busy for a second or more without flooding Redis.
 */
const SEARCHES = 20;
const K = 10;
const PASSWORD = 's3cret-pw-never-logged';

function vector(seed: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.sin(seed * 12.9898 + j * 78.233));
}

describe('SIGTERM on the real server with 100 calls in flight', () => {
  let redis: RedisProcess;
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let grpcPort: number;
  let metricsPort: number;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    redis = await startRedis();
    [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('MNEMO_')) env[name] = value;
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot(),
      env: {
        ...env,
        // The test's own redis-server, never the shared 6379; a password it does not require
        // (ioredis warns and goes on), to check it never reaches the logs.
        MNEMO_REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${redis.port}`,
        MNEMO_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        MNEMO_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        MNEMO_VECTOR_DIM: String(DIM),
        MNEMO_LOG_LEVEL: 'info',
        MNEMO_SHUTDOWN_GRACE_MS: '30000',
        // A cheap graph to build: the searches below are exact (brute force) anyway.
        MNEMO_HNSW_M: '4',
        MNEMO_HNSW_EF_CONSTRUCTION: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
    const health = healthClient(grpcPort);
    try {
      await vi.waitFor(
        async () => {
          expect(child.exitCode, stderr).toBeNull();
          expect(await health.check('', 1000)).toBe('SERVING');
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      health.close();
    }
    const client = testClient(grpcPort);
    for (let i = 0; i < MEMORIES; i += 1000) {
      await client.memory.upsertEpisodic({
        memories: Array.from({ length: 1000 }, (_, j) => ({
          id: `m-${i + j}`,
          agent_id: `agent-${(i + j) % 7}`,
          state_vector: { values: vector(i + j) },
          payload: Buffer.alloc(64, 1),
        })),
      });
    }
    client.close();
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await redis.stop();
  });

  it('finishes every call, tells health watchers NOT_SERVING, and exits 0', async () => {
    const client = testClient(grpcPort);
    const health = healthClient(grpcPort);
    const watched: string[] = [];
    const watch = health.watch('');
    watch.on('data', (message: { status: string }) => watched.push(message.status));
    const watchEnded = new Promise<ServiceError>((resolve) => watch.on('error', resolve));

    const calls = Array.from({ length: CALLS }, (_, c) =>
      client.memory.batchSearchEpisodic({
        searches: Array.from({ length: SEARCHES }, (_, s) => ({
          vector: { values: vector(100_000 + c * SEARCHES + s) },
          k: K,
          exact: true,
        })),
      }),
    );
    const settled = Promise.allSettled(calls);

    // SIGTERM once the server has all 100 calls and has finished none of them.
    const batch = { grpc_method: 'BatchSearchEpisodic' };
    let inFlight = 0;
    await vi.waitFor(
      async () => {
        const samples = parseSamples(await scrape(metricsPort));
        const started = sampleSum(samples, 'grpc_server_started_total', batch);
        inFlight = started - sampleSum(samples, 'grpc_server_handled_total', batch);
        expect(started).toBe(CALLS);
      },
      { timeout: 20_000, interval: 5 },
    );
    expect(watched).toEqual(['SERVING']);
    child.kill('SIGTERM');
    const sigtermAt = performance.now();

    const results = await settled;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String(r.reason))).toEqual([]);
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      expect(result.value.results).toHaveLength(SEARCHES);
      for (const hits of result.value.results) expect(hits.hits).toHaveLength(K);
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    // Every call was in flight at SIGTERM, and they took a while to finish after it.
    expect(inFlight).toBe(CALLS);
    expect(performance.now() - sigtermAt).toBeGreaterThan(50);

    expect(watched).toEqual(['SERVING', 'NOT_SERVING']);
    expect((await watchEnded).details).toMatch(/shutting down/);
    client.close();
    health.close();
  });

  it('logs JSON lines, the shutdown among them, and never the Redis password', () => {
    const lines = stdout.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(entry).toMatchObject({ service: 'mnemo' });
      expect(typeof entry.level).toBe('number');
      expect(typeof entry.time).toBe('number');
    }
    const messages = entries.map((e) => e.msg);
    expect(messages).toContain('using Redis');
    expect(messages.some((m) => typeof m === 'string' && m.startsWith('shutting down'))).toBe(true);
    expect(messages.at(-1)).toBe('mnemo stopped');
    expect(entries.find((e) => e.msg === 'using Redis')?.redis).toBe(
      `redis://***@127.0.0.1:${redis.port}`,
    );
    expect(stdout + stderr).not.toContain(PASSWORD);
  });
});
