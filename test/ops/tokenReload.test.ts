import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, type RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { rejection } from '../support/promiseClient.js';
import { startRedis } from '../support/testApp.js';
import { tokenClients, writeTokenFile } from '../support/tokenClients.js';

/** The environment of a spawned mnemo: this one's, less every MNEMO_ variable. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MNEMO_')) env[name] = value;
  }
  return env;
}

describe('the token file on the real server (src/main.ts)', () => {
  let redis: RedisProcess;
  let child: ChildProcess;
  let port: number;
  let stdout = '';
  let stderr = '';
  const logged = (): { level: number; msg: string; tokens?: number; problem?: string }[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
  const first = writeTokenFile([{ name: 'old', role: 'admin' }]);

  beforeAll(async () => {
    redis = await startRedis();
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot(),
      env: {
        ...baseEnv(),
        MNEMO_AUTH_TOKENS_FILE: first.path,
        MNEMO_REDIS_URL: redis.url,
        // Tokens lift protected mode: a non-loopback bind needs no MNEMO_INSECURE.
        MNEMO_GRPC_ADDRESS: `0.0.0.0:${port}`,
        MNEMO_METRICS_ADDRESS: '127.0.0.1:0',
        MNEMO_VECTOR_DIM: '8',
        MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-token-ops-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await vi.waitFor(
      () => {
        expect(child.exitCode, stderr).toBeNull();
        expect(logged().map((line) => line.msg)).toContain('mnemo serving gRPC');
      },
      { timeout: 30_000, interval: 100 },
    );
  });

  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await redis.stop();
  });

  it('says in one start line that tokens are required', () => {
    expect(logged().map((line) => line.msg)).toContain(
      `tokens required on 0.0.0.0:${port} (MNEMO_AUTH_TOKENS_FILE), plaintext`,
    );
  });

  it('swaps tokens on SIGHUP, and keeps them on a bad file with one warn line', async () => {
    const old = tokenClients(port, first.secrets.old ?? '');
    expect((await old.cache.Get({ key: 'k' })).found).toBe(false);

    const second = writeTokenFile([{ name: 'new', role: 'admin' }]);
    writeFileSync(first.path, readFileSync(second.path));
    child.kill('SIGHUP');
    await vi.waitFor(() => {
      expect(logged().filter((line) => line.msg === 'token file reloaded')).toHaveLength(1);
    });
    const fresh = tokenClients(port, second.secrets.new ?? '');
    expect((await fresh.cache.Get({ key: 'k' })).found).toBe(false);
    expect((await rejection(old.cache.Get({ key: 'k' }))).code).toBe(status.UNAUTHENTICATED);

    const hash = JSON.stringify(JSON.parse(readFileSync(first.path, 'utf8')));
    writeFileSync(first.path, '{"tokens": [{"name": "broken"}]}');
    child.kill('SIGHUP');
    const notReloaded = () =>
      logged().filter((line) => line.msg === 'token file not reloaded: the previous tokens stay');
    await vi.waitFor(() => {
      expect(notReloaded()).toHaveLength(1);
    });
    expect(notReloaded()[0]).toMatchObject({
      level: 40,
      problem: expect.stringContaining('tokens[0].sha256') as unknown,
    });
    expect((await fresh.cache.Get({ key: 'k' })).found).toBe(false);
    for (const secret of [first.secrets.old, second.secrets.new, hash.slice(30, 60)]) {
      expect(stdout + stderr).not.toContain(secret);
    }
    old.close();
    fresh.close();
    expect(child.exitCode).toBeNull();
  });
});
