// Raw grpc-js clients on purpose: each call is a handshake on a connection of its own with
// credentials objects of the test's making (trusted CAs, client certificates), and the status
// of that handshake is what is checked.
import { readFileSync, writeFileSync } from 'node:fs';
import { credentials, status } from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app/App.js';
import { freePort, type RedisProcess } from '../../src/app/RedisProcess.js';
import {
  issue,
  makeCa,
  tlsCredentials,
  writeTlsFiles,
  type Issued,
  type TestCa,
} from '../support/certificates.js';
import { spawnServer, type LogLine, type ServerProcess } from '../support/serverProcess.js';
import { startRedis, testConfig } from '../support/testApp.js';
import { rawMemoryClient } from '../support/rawWire.js';

const SECRET = 'SECRET-MARKER-91c3';

/** A logger that keeps its JSON lines, to read what the start said. */
function recordingLog(): { log: Logger; lines: () => { level: number; msg: string }[] } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return {
    log,
    lines: () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}

/** One call on a fresh connection of `port`: 'ok', or the error code. */
async function call(
  port: number,
  channel = credentials.createInsecure(),
): Promise<string | number> {
  const client = rawMemoryClient(port, channel, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.use_local_subchannel_pool': 1,
  });
  try {
    await client.GetEpisodic({ ids: ['none'] });
    return 'ok';
  } catch (error) {
    return (error as { code: number }).code;
  } finally {
    client.close();
  }
}

describe('TLS in operation', () => {
  let redis: RedisProcess;
  let ca: TestCa;
  let server: Issued;
  let client: Issued;

  beforeAll(async () => {
    // Key events on, as deployed (redis-master.conf): the server warns at start without them.
    redis = await startRedis(['--notify-keyspace-events', 'Egxe']);
    ca = await makeCa('mnemo ops CA');
    [server, client] = await Promise.all([issue(ca, 'server'), issue(ca, 'client')]);
  });

  afterAll(async () => {
    await redis.stop();
  });

  describe('on 0.0.0.0 with mutual TLS, without MNEMO_INSECURE (protected mode lifted)', () => {
    let app: App;
    let lines: () => { level: number; msg: string }[];

    beforeAll(async () => {
      const recording = recordingLog();
      lines = recording.lines;
      const env = { ...writeTlsFiles(server, [ca]), MNEMO_GRPC_ADDRESS: '0.0.0.0:0' };
      app = await App.start(testConfig(redis, env), recording.log);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('serves TLS clients with a certificate, and no plaintext ones', async () => {
      expect(await call(app.port, tlsCredentials([ca.certPem], client))).toBe('ok');
      expect(await call(app.port)).toBe(status.UNAVAILABLE);
    });

    it('says so in one start log line', () => {
      const mode = lines().filter((line) => /\bmode:/.test(line.msg));
      expect(mode.map((line) => line.msg)).toEqual([
        'TLS mode: TLS (mutual: client certificates required) on 0.0.0.0:0',
      ]);
    });
  });

  describe('the real server (src/main.ts)', () => {
    let mnemo: ServerProcess;
    let files: Record<string, string>;
    let port: number;
    const logged = (): LogLine[] => mnemo.logged();

    beforeAll(async () => {
      files = writeTlsFiles(server, [ca]);
      port = await freePort();
      mnemo = await spawnServer({
        ...files,
        MNEMO_REDIS_URL: redis.url,
        MNEMO_GRPC_ADDRESS: `127.0.0.1:${port}`,
      });
    });

    afterAll(async () => {
      await mnemo.stop();
    });

    it('reloads on SIGHUP, and on bad files keeps serving with one warn line, no PEM', async () => {
      const good = readFileSync(files.MNEMO_TLS_CERT ?? '');
      writeFileSync(files.MNEMO_TLS_CERT ?? '', `${SECRET}\n`);
      mnemo.child.kill('SIGHUP');
      await vi.waitFor(() => {
        expect(logged().filter((line) => line.level === 40)).toHaveLength(1);
      });
      const [warn] = logged().filter((line) => line.level === 40) as { problem?: string }[];
      expect(warn).toMatchObject({
        msg: 'TLS certificates not reloaded: the previous ones stay',
        problem: expect.stringContaining('MNEMO_TLS_CERT') as unknown,
      });
      expect(mnemo.stdout()).not.toContain(SECRET);
      expect(await call(port, tlsCredentials([ca.certPem], client))).toBe('ok');

      writeFileSync(files.MNEMO_TLS_CERT ?? '', good);
      mnemo.child.kill('SIGHUP');
      await vi.waitFor(() => {
        expect(logged().map((line) => line.msg)).toContain('TLS certificates reloaded');
      });
      expect(logged().filter((line) => line.msg === 'SIGHUP: reloading')).toHaveLength(2);
      expect(await call(port, tlsCredentials([ca.certPem], client))).toBe('ok');
      expect(mnemo.child.exitCode).toBeNull();
    });
  });

  it('refuses to start on a missing certificate file: exit 2, naming the variable', async () => {
    const { child, ...printed } = await spawnServer(
      {
        MNEMO_TLS_CERT: '/nonexistent/server.crt',
        MNEMO_TLS_KEY: '/nonexistent/server.key',
        MNEMO_REDIS_URL: redis.url,
      },
      false,
    );
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, printed.stderr()).toBe(2);
    expect(printed.stderr()).toMatch(
      /^mnemo: invalid configuration: MNEMO_TLS_CERT \(\/nonexistent\/server.crt\) cannot be read/,
    );
  });
});
