import { readFileSync, writeFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, type RedisProcess } from '../../src/app/RedisProcess.js';
import { spawnServer, type LogLine, type ServerProcess } from '../support/serverProcess.js';
import { startRedis, testClient, failure } from '../support/testApp.js';
import { writeTokenFile } from '../support/tokenClients.js';

describe('the token file on the real server (src/main.ts)', () => {
  let redis: RedisProcess;
  let mnemo: ServerProcess;
  let port: number;
  const logged = (): LogLine[] => mnemo.logged();
  const first = writeTokenFile([{ name: 'old', role: 'admin' }]);

  beforeAll(async () => {
    redis = await startRedis();
    port = await freePort();
    mnemo = await spawnServer({
      MNEMO_AUTH_TOKENS_FILE: first.path,
      MNEMO_REDIS_URL: redis.url,
      // Tokens lift protected mode: a non-loopback bind needs no MNEMO_INSECURE.
      MNEMO_GRPC_ADDRESS: `0.0.0.0:${port}`,
    });
  });

  afterAll(async () => {
    await mnemo.stop();
    await redis.stop();
  });

  it('says in one start line that tokens are required', () => {
    expect(logged().map((line) => line.msg)).toContain(
      `tokens required on 0.0.0.0:${port} (MNEMO_AUTH_TOKENS_FILE), plaintext`,
    );
  });

  it('swaps tokens on SIGHUP, and keeps them on a bad file with one warn line', async () => {
    const old = testClient(port, { token: first.secrets.old ?? '' });
    expect((await old.cache.get({ key: 'k' })).found).toBe(false);

    const second = writeTokenFile([{ name: 'new', role: 'admin' }]);
    writeFileSync(first.path, readFileSync(second.path));
    mnemo.child.kill('SIGHUP');
    await vi.waitFor(() => {
      expect(logged().filter((line) => line.msg === 'token file reloaded')).toHaveLength(1);
    });
    const fresh = testClient(port, { token: second.secrets.new ?? '' });
    expect((await fresh.cache.get({ key: 'k' })).found).toBe(false);
    expect((await failure(old.cache.get({ key: 'k' }))).code).toBe(status.UNAUTHENTICATED);

    const hash = JSON.stringify(JSON.parse(readFileSync(first.path, 'utf8')));
    writeFileSync(first.path, '{"tokens": [{"name": "broken"}]}');
    mnemo.child.kill('SIGHUP');
    const notReloaded = () =>
      logged().filter((line) => line.msg === 'token file not reloaded: the previous tokens stay');
    await vi.waitFor(() => {
      expect(notReloaded()).toHaveLength(1);
    });
    expect(notReloaded()[0]).toMatchObject({
      level: 40,
      problem: expect.stringContaining('tokens[0].sha256') as unknown,
    });
    expect((await fresh.cache.get({ key: 'k' })).found).toBe(false);
    for (const secret of [first.secrets.old, second.secrets.new, hash.slice(30, 60)]) {
      expect(mnemo.stdout() + mnemo.stderr()).not.toContain(secret);
    }
    old.close();
    fresh.close();
    expect(mnemo.child.exitCode).toBeNull();
  });
});
