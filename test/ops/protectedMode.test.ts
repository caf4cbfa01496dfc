import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MnemoClient, MnemoError } from '../../src/client/index.js';
import { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { loadConfig } from '../../src/config/config.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { startRedis, testConfig } from '../support/testApp.js';

/** An IPv4 address of this machine other than loopback, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((nic) => nic !== undefined && nic.family === 'IPv4' && !nic.internal)?.address;

/** A logger that keeps its JSON lines, to read what the start said. */
function recordingLog(): { log: Logger; messages: () => string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return {
    log,
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

/** grpc.health.v1.Health/Check of "" at host:port: the status, or the call's error code. */
async function healthAt(host: string, port: number): Promise<string | number> {
  const client = new MnemoClient(`${host}:${port}`, { maxAttempts: 1 });
  try {
    return await client.health('', { timeoutMs: 2000 });
  } catch (error) {
    if (error instanceof MnemoError) return error.code;
    throw error;
  } finally {
    client.close();
  }
}

describe('protected mode on the real server', () => {
  let redis: RedisProcess;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('defaults to a loopback address', () => {
    expect(loadConfig({}).grpcAddress).toBe('127.0.0.1:50051');
  });

  describe('on loopback without MNEMO_INSECURE', () => {
    let app: App;
    let messages: () => string[];

    beforeAll(async () => {
      const recording = recordingLog();
      messages = recording.messages;
      // testConfig binds 127.0.0.1:0 (a free port, never the shared 50051).
      app = await App.start(testConfig(redis), recording.log);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('serves loopback clients', async () => {
      expect(await healthAt('127.0.0.1', app.port)).toBe('SERVING');
    });

    it.skipIf(lanAddress === undefined)('is not reachable on the LAN address', async () => {
      expect(await healthAt(lanAddress ?? '', app.port)).toBe(14); // UNAVAILABLE
    });

    it('says so in one start log line', () => {
      const mode = messages().filter((msg) => /\bmode:/.test(msg));
      expect(mode).toEqual([
        'protected mode: plaintext without tokens, serving loopback clients only',
      ]);
    });
  });

  describe('on 0.0.0.0 with MNEMO_INSECURE=true', () => {
    let app: App;
    let messages: () => string[];

    beforeAll(async () => {
      const recording = recordingLog();
      messages = recording.messages;
      const config = testConfig(redis, { MNEMO_GRPC_ADDRESS: '0.0.0.0:0', MNEMO_INSECURE: 'true' });
      app = await App.start(config, recording.log);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('starts and serves loopback clients', async () => {
      expect(await healthAt('127.0.0.1', app.port)).toBe('SERVING');
    });

    it.skipIf(lanAddress === undefined)('serves clients on the LAN address too', async () => {
      expect(await healthAt(lanAddress ?? '', app.port)).toBe('SERVING');
    });

    it('says so in one start log line', () => {
      const mode = messages().filter((msg) => /\bmode:/.test(msg));
      expect(mode).toEqual([
        'insecure mode: plaintext without tokens on 0.0.0.0:0 (MNEMO_INSECURE=true)',
      ]);
    });
  });

  it.each([
    ['0.0.0.0:0', {}],
    ['[::]:0', { MNEMO_INSECURE: 'false' }],
  ])(
    'refuses to start on %s without MNEMO_INSECURE=true: exit 2, naming both variables',
    async (grpcAddress, extra: Record<string, string>) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (!name.startsWith('MNEMO_')) env[name] = value;
      }
      // Redis and metrics are never reached: the configuration is checked first.
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: projectRoot(),
        env: {
          ...env,
          MNEMO_GRPC_ADDRESS: grpcAddress,
          MNEMO_METRICS_ADDRESS: '127.0.0.1:0',
          MNEMO_REDIS_URL: redis.url,
          ...extra,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(
        new RegExp(
          `^mnemo: invalid configuration: MNEMO_GRPC_ADDRESS is ${grpcAddress.replace(/[[\]]/g, '\\$&')}, not a loopback address`,
        ),
      );
      expect(stderr).toContain('MNEMO_INSECURE=true');
      expect(stdout).toBe('');
    },
  );
});
