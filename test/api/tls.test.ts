// Raw grpc-js clients on purpose: these tests watch the TLS handshakes themselves (each
// connection's credentials object records the certificate served), which MnemoClient's TLS
// options do not expose.
import { readFileSync, writeFileSync } from 'node:fs';
import { credentials, status, type ChannelCredentials } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { ConfigError } from '../../src/config/config.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import {
  issue,
  makeCa,
  tlsCredentials,
  type Issued,
  type TestCa,
  writeTlsFiles,
} from '../support/certificates.js';
import { rejection } from '../support/promiseClient.js';
import { quietLog, startRedis, testConfig } from '../support/testApp.js';
import { rawMemoryClient } from '../support/rawWire.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** What a file may hold that no error message or log line may quote. */
const SECRET = 'SECRET-MARKER-4f2a';

/** The server is checked against the name "localhost" (its certificates have it, and 127.0.0.1). */
const BY_NAME = { 'grpc.ssl_target_name_override': 'localhost' };

/** One GetEpisodic on a new connection: the served certificate's serial, or the error code. */
async function connect(port: number, channel: ChannelCredentials): Promise<string | number> {
  // A subchannel pool of its own: never a connection another client opened.
  const fresh = rawMemoryClient(port, channel, { ...BY_NAME, 'grpc.use_local_subchannel_pool': 1 });
  try {
    await fresh.GetEpisodic({ ids: ['none'] });
    return served.get(channel) ?? 'unknown';
  } catch (error) {
    return (error as { code: number }).code;
  } finally {
    fresh.close();
  }
}

/** The serial each credentials object last saw served (set by `watched`). */
const served = new WeakMap<ChannelCredentials, string>();

/** Channel credentials that record the serial of the certificate they are served. */
function watched(caPems: readonly string[], client?: Issued): ChannelCredentials {
  const channel: ChannelCredentials = tlsCredentials(caPems, client, (peer) => {
    served.set(channel, peer.serialNumber);
  });
  return channel;
}

describe('TLS on the gRPC server', () => {
  let redis: RedisProcess;
  let caA: TestCa;
  let caB: TestCa;
  let serverA: Issued;
  let serverB: Issued;
  let clientA: Issued;
  let clientB: Issued;

  beforeAll(async () => {
    redis = await startRedis();
    [caA, caB] = await Promise.all([makeCa('mnemo test CA A'), makeCa('mnemo test CA B')]);
    [serverA, serverB, clientA, clientB] = await Promise.all([
      issue(caA, 'server'),
      issue(caB, 'server'),
      issue(caA, 'client'),
      issue(caB, 'client'),
    ]);
  });

  afterAll(async () => {
    await redis.stop();
  });

  describe('without client certificates', () => {
    let app: App;

    beforeAll(async () => {
      app = await App.start(testConfig(redis, writeTlsFiles(serverA)), quietLog);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('refuses plaintext clients', async () => {
      expect(await connect(app.port, credentials.createInsecure())).toBe(status.UNAVAILABLE);
    });

    it('serves a client trusting the CA, with the configured certificate', async () => {
      expect(await connect(app.port, watched([caA.certPem]))).toBe(serverA.serialNumber);
    });

    it('is refused by a client trusting another CA only', async () => {
      expect(await connect(app.port, watched([caB.certPem]))).toBe(status.UNAVAILABLE);
    });
  });

  describe('mutual TLS', () => {
    let app: App;

    beforeAll(async () => {
      app = await App.start(testConfig(redis, writeTlsFiles(serverA, [caA])), quietLog);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('refuses a client without a certificate', async () => {
      expect(await connect(app.port, watched([caA.certPem]))).toBe(status.UNAVAILABLE);
    });

    it('refuses a client certificate of another CA', async () => {
      expect(await connect(app.port, watched([caA.certPem], clientB))).toBe(status.UNAVAILABLE);
    });

    it('serves a client certificate of the client CA', async () => {
      expect(await connect(app.port, watched([caA.certPem], clientA))).toBe(serverA.serialNumber);
    });
  });

  describe('reload (SIGHUP)', () => {
    let app: App;
    let env: Record<string, string>;
    const lines: string[] = [];
    /** What was logged since line `from`, parsed. */
    const loggedSince = (from: number): LogLine[] =>
      lines.slice(from).map((line) => JSON.parse(line) as LogLine);

    beforeAll(async () => {
      env = writeTlsFiles(serverA, [caA]);
      const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      app = await App.start(testConfig(redis, env), log);
    });

    afterAll(async () => {
      await app.stop(0);
    });

    it('rotates under a stream of calls: none fails, new connections get the new certificate', async () => {
      const both = [caA.certPem, caB.certPem];
      const client = rawMemoryClient(app.port, tlsCredentials(both, clientA), BY_NAME);
      const [id] = (await client.UpsertEpisodic({ memories: [memory()] })).ids;
      const failures: unknown[] = [];
      const seen = new Set<string | number>();
      let ok = 0;
      let inFlight = 0;
      let stop = false;
      const call = async (run: () => Promise<unknown>): Promise<void> => {
        inFlight++;
        try {
          await run();
          ok++;
        } catch (error) {
          failures.push(error);
        } finally {
          inFlight--;
        }
      };
      const onOpenConnection = async (): Promise<void> => {
        while (!stop) await call(() => client.GetEpisodic({ ids: [id ?? ''] }));
      };
      const onNewConnections = async (): Promise<void> => {
        while (!stop) {
          const result = await connect(app.port, watched(both, clientA));
          if (typeof result === 'number') failures.push(result);
          seen.add(result);
        }
      };
      const workers = [
        ...Array.from({ length: 8 }, onOpenConnection),
        onNewConnections(),
        onNewConnections(),
      ];
      // Until `target` calls succeeded (or one failed, or 20 s passed: the expectations say).
      const until = async (target: number): Promise<void> => {
        const deadline = Date.now() + 20_000;
        while (ok < target && failures.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      await until(300);
      // The new certificate is of another CA; client certificates of both CAs are accepted.
      writeFileSync(env.MNEMO_TLS_CERT ?? '', serverB.certPem);
      writeFileSync(env.MNEMO_TLS_KEY ?? '', serverB.keyPem);
      writeFileSync(env.MNEMO_TLS_CLIENT_CA ?? '', caA.certPem + caB.certPem);
      const inFlightAtReload = inFlight;
      const logged = lines.length;
      await app.reload();
      expect(loggedSince(logged)).toContainEqual(
        expect.objectContaining({
          msg: 'TLS certificates reloaded',
          certificate: expect.objectContaining({ serialNumber: serverB.serialNumber }) as unknown,
        }),
      );
      const okAtReload = ok;
      await until(okAtReload + 300);
      stop = true;
      await Promise.all(workers);
      client.close();

      expect(failures).toEqual([]);
      expect(inFlightAtReload).toBeGreaterThan(0);
      expect(seen).toContain(serverA.serialNumber);
      expect(seen).toContain(serverB.serialNumber);
      // A client trusting only the new CA connects, with a certificate of that CA.
      expect(await connect(app.port, watched([caB.certPem], clientB))).toBe(serverB.serialNumber);
      // The old certificate is no longer served.
      expect(await connect(app.port, watched([caA.certPem], clientA))).toBe(status.UNAVAILABLE);
    });

    it.each([
      ['MNEMO_TLS_CERT', 'not PEM', () => `${SECRET}\n`],
      ['MNEMO_TLS_CERT', 'a broken PEM block', () => brokenPem()],
      ['MNEMO_TLS_KEY', 'the key of another certificate', () => clientB.keyPem],
      ['MNEMO_TLS_CLIENT_CA', 'not PEM', () => `${SECRET}\n`],
    ])(
      'keeps serving the previous certificates when %s holds %s',
      async (variable, _what, content) => {
        const path = env[variable] ?? '';
        const good = readFileSync(path);
        writeFileSync(path, content());
        try {
          const logged = lines.length;
          await app.reload();
          const warnings = loggedSince(logged).filter((line) => line.level >= 40);
          expect(warnings).toEqual([
            expect.objectContaining({
              msg: 'TLS certificates not reloaded: the previous ones stay',
              problem: expect.stringContaining(variable) as unknown,
            }),
          ]);
          expect(lines.slice(logged).join('')).not.toContain(SECRET);
          expect(lines.slice(logged).join('')).not.toContain('-----');
          const channel = watched([caB.certPem], clientB);
          expect(await connect(app.port, channel)).toBe(serverB.serialNumber);
        } finally {
          writeFileSync(path, good);
        }
        await app.reload();
      },
    );
  });

  describe('at start', () => {
    it.each([
      [
        'MNEMO_TLS_CERT',
        'a missing file',
        (files: Record<string, string>) => ({
          ...files,
          MNEMO_TLS_CERT: '/nonexistent/server.crt',
        }),
      ],
      [
        'MNEMO_TLS_KEY',
        'not PEM',
        (files: Record<string, string>) => overwrite(files, 'MNEMO_TLS_KEY', SECRET),
      ],
      [
        'MNEMO_TLS_CLIENT_CA',
        'a broken PEM block',
        (files: Record<string, string>) => overwrite(files, 'MNEMO_TLS_CLIENT_CA', brokenPem()),
      ],
    ])('refuses to start when %s is %s, naming it', async (variable, _what, spoil) => {
      const env = spoil(writeTlsFiles(serverA, [caA]));
      const error = await rejection(App.start(testConfig(redis, env), quietLog));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain(variable);
      expect(error.message).not.toContain(SECRET);
    });
  });
});

function overwrite(
  files: Record<string, string>,
  variable: string,
  content: string,
): Record<string, string> {
  writeFileSync(files[variable] ?? '', content);
  return files;
}

function brokenPem(): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(SECRET).toString('base64')}\n-----END CERTIFICATE-----\n`;
}

function memory(): EpisodicMemory {
  return {
    agent_id: 'agent-tls',
    product_id: 'BTC-USD',
    regime: 'trending',
    state_vector: { values: [1, 0, 0, 0, 0, 0, 0, 0] },
    reward: 1,
    timestamp: 1_700_000_000,
    terminal: false,
    payload: Buffer.from('{}'),
  };
}
